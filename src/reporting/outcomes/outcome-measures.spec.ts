import fc from 'fast-check';
import { determinedUnknowns, gridEquations } from '../linear-disclosure';
import { isSuppressed } from '../report-document';
import { isSmallCount } from '../suppression';
import { Disposition, DISPOSITIONS, INDEX_DISPOSITIONS, NON_INDEX_DISPOSITIONS } from './dispositions';
import { deidentifiedViews, OutcomeCounts, OutcomeGroupView, viewOf } from './outcome-measures';

function counts(group: string, d: Record<Disposition, number>, readmitted: number, losSum = 0): OutcomeCounts {
  const discharges = DISPOSITIONS.reduce((a, k) => a + d[k], 0);
  const indexStays = INDEX_DISPOSITIONS.reduce((a, k) => a + d[k], 0);
  return {
    group, discharges, indexStays, readmissions: Math.min(readmitted, indexStays), losSum, losMedian: discharges ? 2 : null,
    deaths: d.expired, mortalityEligible: discharges - d['transfer-acute'], dispositions: d,
  };
}

function totalOf(groups: OutcomeCounts[]): OutcomeCounts {
  const d = Object.fromEntries(DISPOSITIONS.map((k) => [k, groups.reduce((a, g) => a + g.dispositions[k], 0)])) as Record<Disposition, number>;
  return counts('Total', d, groups.reduce((a, g) => a + g.readmissions, 0));
}

const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 11, max: 300 }));
const group = fc.record({
  d: fc.record(Object.fromEntries(DISPOSITIONS.map((k) => [k, count])) as Record<Disposition, typeof count>),
  readmitted: fc.integer({ min: 0, max: 300 }),
});

/** The counts a view shows, by the names of the cells they are (as in deidentifiedViews). */
function shown(v: OutcomeGroupView, key: string): Map<string, number | null> {
  const m = new Map<string, number | null>();
  const put = (name: string, x: unknown) => m.set(`${name}:${key}`, isSuppressed(x) ? null : (x as number));
  put('D', v.discharges);
  put('I', v.indexStays);
  put('R', v.readmissions);
  for (const d of DISPOSITIONS) put(d, v.dispositions[d]);
  return m;
}

describe('outcome measures', () => {
  it('identified view: rates are fractions to four decimals, null with no denominator', () => {
    const c = counts('2030-01', { home: 5, 'home-health': 1, 'skilled-nursing': 0, other: 0, unknown: 0, expired: 1, 'transfer-acute': 1, ama: 0 }, 2, 16);
    expect(viewOf(c)).toMatchObject({ discharges: 8, indexStays: 6, readmissionRate: 0.3333, mortalityEligibleDischarges: 7, mortalityRate: 0.1429, averageLengthOfStay: 2 });
    const none = counts('2030-02', Object.fromEntries(DISPOSITIONS.map((k) => [k, 0])) as Record<Disposition, number>, 0);
    expect(viewOf(none)).toMatchObject({ readmissionRate: null, mortalityRate: null, averageLengthOfStay: null });
  });

  it('property (de-identified): no count from 1 to 10 shown; all the tables\' equations together recover no suppressed count', () => {
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 8 }), (gs) => {
        const groups = gs.map((g, i) => counts(`g${i}`, g.d, g.readmitted));
        const total = totalOf(groups);
        const { groups: views, total: totalView } = deidentifiedViews(groups, total);
        const keys = [...groups.map((_, i) => String(i)), 'T'];
        const all = [...groups, total];
        const published = new Map<string, number | null>();
        [...views, totalView].forEach((v, k) => shown(v, keys[k]).forEach((x, n) => published.set(n, x)));
        // Nothing small is shown.
        for (const [name, x] of published) if (x !== null) expect([name, isSmallCount(x)]).toEqual([name, false]);
        // Rates only beside shown counts.
        [...views, totalView].forEach((v) => {
          if (isSuppressed(v.readmissions) || isSuppressed(v.indexStays)) expect(v.readmissionRate).toEqual({ suppressed: true });
          if (isSuppressed(v.discharges)) expect(v.averageLengthOfStay).toEqual({ suppressed: true });
        });
        // The attacker: every relation the report implies, solved at once.
        const table = (cols: string[], totalCol: string) => keys.map((k) => [...cols, totalCol].map((c) => `${c}:${k}`));
        const equations = [table(['I', ...NON_INDEX_DISPOSITIONS], 'D'), table([...INDEX_DISPOSITIONS], 'I'), table(['R', 'N'], 'I')].flatMap(gridEquations);
        const unknown = new Set([...[...published].filter(([, x]) => x === null).map(([n]) => n), ...keys.map((k) => `N:${k}`)]);
        const determined = determinedUnknowns(equations, unknown);
        const value = (name: string): number => {
          const [cell, key] = name.split(':');
          const c = all[key === 'T' ? all.length - 1 : Number(key)];
          if (cell === 'D') return c.discharges;
          if (cell === 'I') return c.indexStays;
          if (cell === 'R') return c.readmissions;
          if (cell === 'N') return c.indexStays - c.readmissions;
          return c.dispositions[cell as Disposition];
        };
        const leaks = [...determined].filter((n) => !n.startsWith('N:') || isSmallCount(value(n)));
        expect(leaks).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
