import { Disposition, DISPOSITIONS, INDEX_DISPOSITIONS } from './dispositions';
import { OutcomeCounts, viewOf } from './outcome-measures';

function counts(group: string, d: Record<Disposition, number>, readmitted: number, losSum = 0): OutcomeCounts {
  const discharges = DISPOSITIONS.reduce((a, k) => a + d[k], 0);
  const indexStays = INDEX_DISPOSITIONS.reduce((a, k) => a + d[k], 0);
  return {
    group, discharges, indexStays, readmissions: Math.min(readmitted, indexStays), sameDay: 0, losSum, losMedian: discharges ? 2 : null,
    deaths: d.expired, mortalityEligible: discharges - d['transfer-acute'], dispositions: d,
  };
}

describe('outcome measures', () => {
  it('identified view: rates are fractions to four decimals, null with no denominator', () => {
    const c = counts('2030-01', { home: 5, 'home-health': 1, 'skilled-nursing': 0, other: 0, unknown: 0, expired: 1, 'transfer-acute': 1, ama: 0 }, 2, 16);
    expect(viewOf(c)).toMatchObject({ discharges: 8, indexStays: 6, readmissionRate: 0.3333, mortalityEligibleDischarges: 7, mortalityRate: 0.1429, averageLengthOfStay: 2 });
    const none = counts('2030-02', Object.fromEntries(DISPOSITIONS.map((k) => [k, 0])) as Record<Disposition, number>, 0);
    expect(viewOf(none)).toMatchObject({ readmissionRate: null, mortalityRate: null, averageLengthOfStay: null });
  });
});
