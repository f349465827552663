import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Db } from '../../database/db';
import { DISPOSITIONS, Disposition } from './dispositions';
import { GridCell, MonthGrid } from './grid-release';

/**
 * The outcome_releases table (owned by reporting): each calendar month's grid cells as they were when a
 * de-identified report first covered the month (docs/outcome-measures.md). Every later de-identified report of the
 * month is built from these cells, so a correction of the records afterwards (a stay entered in error, a diagnosis
 * recoded) cannot be read as the difference between two releases. Identified reports stay live.
 *
 * Only closed months are ever stored (release-grid.ts). The first writer wins (ON CONFLICT DO NOTHING), and every
 * caller reads back what is stored, so two first requests at once still release one version.
 */
type StoredCell = Omit<GridCell, 'hist' | 'losSum'> & { hist: [number, number][] };
interface StoredMonth {
  all: StoredCell;
  groups: { department: [string, StoredCell][]; diagnosisChapter: [string, StoredCell][] };
}

const toStored = (c: GridCell): StoredCell => ({
  discharges: c.discharges, indexStays: c.indexStays, readmissions: c.readmissions, sameDay: c.sameDay,
  dispositions: { ...c.dispositions }, hist: [...c.hist].sort((a, b) => a[0] - b[0]),
});
const fromStored = (c: StoredCell): GridCell => ({
  discharges: c.discharges, indexStays: c.indexStays, readmissions: c.readmissions, sameDay: c.sameDay,
  dispositions: Object.fromEntries(DISPOSITIONS.map((d) => [d, c.dispositions[d] ?? 0])) as Record<Disposition, number>,
  hist: new Map(c.hist), losSum: c.hist.reduce((a, [los, n]) => a + los * n, 0),
});

/**
 * Stored months as parsed, by their stored text: a stored month never changes, so the same text gives the same grid
 * object, and its suppression decision is remembered with it (grid-release.ts `monthRelease`). Bounded: twenty years
 * of months, a few kilobytes each.
 */
const PARSED = new Map<string, MonthGrid>();
const MAX_PARSED = 240;

function parsed(month: string, cells: string): MonthGrid {
  const key = `${month}\u0000${cells}`;
  let grid = PARSED.get(key);
  if (!grid) {
    const s = JSON.parse(cells) as StoredMonth;
    grid = {
      month,
      all: fromStored(s.all),
      groups: {
        department: new Map(s.groups.department.map(([name, c]) => [name, fromStored(c)])),
        diagnosisChapter: new Map(s.groups.diagnosisChapter.map(([name, c]) => [name, fromStored(c)])),
      },
    };
    if (PARSED.size >= MAX_PARSED) PARSED.delete(PARSED.keys().next().value!);
    PARSED.set(key, grid);
  }
  return grid;
}

export interface ReleasedMonth {
  grid: MonthGrid;
  releasedAt: string;
}

@Injectable()
export class OutcomeReleases {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** The stored months among `months`. */
  async load(months: string[]): Promise<Map<string, ReleasedMonth>> {
    if (months.length === 0) return new Map();
    const rows = await this.db.query<{ month: string; cells: string; released_at: string }>(
      `SELECT month, cells, released_at FROM outcome_releases WHERE month >= $1 AND month <= $2`,
      [months[0], months[months.length - 1]],
    );
    return new Map(rows.map((r) => [r.month, { grid: parsed(r.month, r.cells), releasedAt: r.released_at }]));
  }

  /** Stores months not stored yet (a month already stored keeps its first version). */
  async store(grids: MonthGrid[]): Promise<void> {
    const now = this.clock.nowIso();
    await this.db.transaction(async (tx) => {
      for (const g of grids) {
        const stored: StoredMonth = {
          all: toStored(g.all),
          groups: {
            department: [...g.groups.department].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, c]) => [name, toStored(c)]),
            diagnosisChapter: [...g.groups.diagnosisChapter].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, c]) => [name, toStored(c)]),
          },
        };
        await tx.execute('INSERT INTO outcome_releases (month, cells, released_at) VALUES ($1, $2, $3) ON CONFLICT (month) DO NOTHING', [g.month, JSON.stringify(stored), now]);
      }
    });
  }
}
