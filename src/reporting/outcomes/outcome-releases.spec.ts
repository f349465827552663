import type { Clock } from '../../common/clock';
import type { Db } from '../../database/db';
import { DISPOSITIONS } from './dispositions';
import { monthRelease } from './grid-release';
import { OutcomeReleases } from './outcome-releases';

/** A stored month as outcome_releases holds it: one department, one chapter, `home` discharges. */
function storedCells(home: number): string {
  const cell = {
    discharges: home, indexStays: home, readmissions: 0, sameDay: 0,
    dispositions: Object.fromEntries(DISPOSITIONS.map((d) => [d, d === 'home' ? home : 0])), hist: [[2, home]],
  };
  return JSON.stringify({ all: cell, groups: { department: [['Medicine', cell]], diagnosisChapter: [['IX', cell]] } });
}

function releasesOver(rows: { month: string; cells: string; released_at: string }[]): OutcomeReleases {
  const db = { query: async () => rows } as unknown as Db;
  return new OutcomeReleases(db, {} as Clock);
}

describe('OutcomeReleases.load: a stored month is parsed, and its suppression decided, once', () => {
  it('gives the same grid object, hence the same release, for the same stored text', async () => {
    const rows = [{ month: '2025-03', cells: storedCells(40), released_at: '2025-05-01T00:00:00.000Z' }];
    const first = (await releasesOver(rows).load(['2025-03'])).get('2025-03')!;
    const again = (await releasesOver(rows.map((r) => ({ ...r, cells: `${r.cells}` }))).load(['2025-03'])).get('2025-03')!;
    expect(again.grid).toBe(first.grid);
    expect(monthRelease(again.grid)).toBe(monthRelease(first.grid));
    expect(first.grid.all.discharges).toBe(40);
    expect(first.grid.all.losSum).toBe(80);
  });

  it('parses other text for the same month anew (a demo reset releases the month again), with its own decision', async () => {
    const big = (await releasesOver([{ month: '2025-04', cells: storedCells(40), released_at: 'a' }]).load(['2025-04'])).get('2025-04')!;
    const small = (await releasesOver([{ month: '2025-04', cells: storedCells(3), released_at: 'b' }]).load(['2025-04'])).get('2025-04')!;
    expect(small.grid).not.toBe(big.grid);
    expect(small.grid.all.discharges).toBe(3);
    // 3 discharges is a small count: suppressed in the new release, published in the old one.
    expect(monthRelease(small.grid).isPublished('D', null)).toBe(false);
    expect(monthRelease(big.grid).isPublished('D', null)).toBe(true);
  });
});
