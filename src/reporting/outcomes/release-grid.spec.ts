import { gridRange, lastDayOfMonth, latestClosedMonth } from './release-grid';

const at = (iso: string) => new Date(`${iso}T12:00:00.000Z`);
const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { getResponse(): { details: { field: string; problems: string[] }[] } }).getResponse().details[0];
  }
  throw new Error('no error');
};

describe('release grid (whole closed calendar months)', () => {
  it('last day of a month, leap years included', () => {
    expect(['2030-01-15', '2028-02-01', '2030-02-10', '2030-12-31'].map(lastDayOfMonth)).toEqual(['2030-01-31', '2028-02-29', '2030-02-28', '2030-12-31']);
  });

  it('a month is closed once day 30 after its last day is over', () => {
    // October 2026 ends on the 31st; day 30 after it is 30 November; closed from 1 December.
    expect(latestClosedMonth(at('2026-11-30'))).toBe('2026-09');
    expect(latestClosedMonth(at('2026-12-01'))).toBe('2026-10');
    expect(latestClosedMonth(at('2026-12-03'))).toBe('2026-10');
  });

  it('defaults to the twelve latest closed months; accepts month boundaries', () => {
    expect(gridRange({}, at('2026-12-03'))).toEqual({ from: '2025-11-01', to: '2026-10-31' });
    expect(gridRange({ from: '2024-11-01', to: '2026-10-31' }, at('2026-12-03'))).toEqual({ from: '2024-11-01', to: '2026-10-31' });
  });

  it('refuses any other day, naming the field and the grid; and months still open', () => {
    const now = at('2026-12-03');
    expect(fieldOf(() => gridRange({ from: '2024-11-01', to: '2026-10-24' }, now))).toEqual({ field: 'to', problems: [expect.stringMatching(/last day of a calendar month \(e\.g\. 2026-10-31\).*grid of whole calendar months/)] });
    expect(fieldOf(() => gridRange({ from: '2024-11-02', to: '2026-10-31' }, now))).toEqual({ field: 'from', problems: [expect.stringMatching(/first day of a calendar month/)] });
    expect(fieldOf(() => gridRange({ from: '2026-11-01', to: '2026-11-30' }, now))).toEqual({ field: 'to', problems: [expect.stringMatching(/at most 2026-10-31.*latest closed month/)] });
    expect(fieldOf(() => gridRange({ from: '2026-10-01', to: '2026-09-30' }, now)).field).toBe('from');
  });
});
