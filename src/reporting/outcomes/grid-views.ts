import { num } from '../../database/db';
import { monthsOf, DateRange } from '../date-range';
import { Published, SUPPRESSED } from '../report-document';
import { Disposition, DISPOSITIONS, dispositionColumn } from './dispositions';
import { LosConvention, lengthOfStayDays } from './length-of-stay';
import { addInto, emptyCell, GRID_GROUPINGS, GridCell, GridGrouping, monthRelease, MonthGrid, MonthRelease, ShownMeasure } from './grid-release';
import { OutcomeGroupView, rate, round } from './outcome-measures';
import type { OutcomeCellRow, OutcomeGrouping } from './outcomes-query';

/**
 * What a de-identified report shows, built only from published grid cells (grid-release.ts). A row over several
 * months adds up the row's published cells; a total adds up the published all-stays cells of the months. So every
 * number is a sum of the same published cells whatever the range or grouping, and subtracting two reports gives a
 * sum of published cells again, never a suppressed one. A rate or an average is shown only when every cell of the
 * row shows the counts behind it (so it is a function of published numbers too, and never a rate of part of a row).
 */

/** One grid cell of a row with what of it is published. */
export interface CellPart {
  cell: GridCell;
  published: (m: ShownMeasure) => boolean;
}

/** A row of a de-identified report: the view, and how many of its grid cells had discharges withheld. */
export interface GridRowView extends OutcomeGroupView {
  cellsWithheld: number;
}

/** Sum of a measure over the parts where the measures `needed` are all published; null when no part qualifies. */
function sumOver(parts: CellPart[], needed: ShownMeasure[], value: (c: GridCell) => number): { sum: number; any: boolean; withheld: boolean } {
  let sum = 0;
  let any = false;
  let withheld = false;
  for (const p of parts) {
    if (needed.every((m) => p.published(m))) {
      sum += value(p.cell);
      any = true;
    } else withheld = true;
  }
  return { sum, any, withheld };
}

/** A count: the sum of the published cells; withheld as a whole when nothing published adds to it but some cell was withheld. */
function count(parts: CellPart[], needed: ShownMeasure[], value: (c: GridCell) => number): Published<number> {
  const s = sumOver(parts, needed, value);
  return s.withheld && s.sum === 0 ? SUPPRESSED : s.sum;
}

/**
 * A rate or an average of a row: shown only when every cell of the row shows the counts behind it (a rate over
 * some of the months would be a different, biased number); then it is a function of published counts.
 */
function ratio(parts: CellPart[], needed: ShownMeasure[], numerator: (c: GridCell) => number, denominator: (c: GridCell) => number, f: (n: number, d: number) => number | null): Published<number | null> {
  if (!parts.every((p) => needed.every((m) => p.published(m)))) return SUPPRESSED;
  const n = parts.reduce((a, p) => a + numerator(p.cell), 0);
  const d = parts.reduce((a, p) => a + denominator(p.cell), 0);
  return f(n, d);
}

export function medianOf(hist: Map<number, number>): number | null {
  const n = [...hist.values()].reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  const ranks = [Math.floor((n + 1) / 2), Math.floor((n + 2) / 2)];
  const found: number[] = [];
  let running = 0;
  for (const los of [...hist.keys()].sort((a, b) => a - b)) {
    running += hist.get(los)!;
    while (found.length < 2 && running >= ranks[found.length]) found.push(los);
  }
  return (found[0] + found[1]) / 2;
}

const LOS_NEEDS: ShownMeasure[] = ['D', 'S'];
const MORTALITY_NEEDS: ShownMeasure[] = ['D', 'transfer-acute', 'expired'];

/** One row of a de-identified report from its grid cells. */
export function rowView(group: string, parts: CellPart[]): GridRowView {
  const losParts = parts.filter((p) => LOS_NEEDS.every((m) => p.published(m)));
  const hist = new Map<number, number>();
  for (const p of losParts) for (const [los, n] of p.cell.hist) hist.set(los, (hist.get(los) ?? 0) + n);
  const eligible = (c: GridCell) => c.discharges - c.dispositions['transfer-acute'];
  return {
    group,
    discharges: count(parts, ['D'], (c) => c.discharges),
    indexStays: count(parts, ['I'], (c) => c.indexStays),
    readmissions: count(parts, ['R'], (c) => c.readmissions),
    readmissionRate: ratio(parts, ['R', 'I'], (c) => c.readmissions, (c) => c.indexStays, rate),
    averageLengthOfStay: ratio(parts, LOS_NEEDS, (c) => c.losSum, (c) => c.discharges, (n, d) => (d === 0 ? null : round(n / d, 2))),
    medianLengthOfStay: losParts.length < parts.length ? SUPPRESSED : medianOf(hist),
    deaths: count(parts, ['expired'], (c) => c.dispositions.expired),
    mortalityEligibleDischarges: count(parts, ['D', 'transfer-acute'], eligible),
    mortalityRate: ratio(parts, MORTALITY_NEEDS, (c) => c.dispositions.expired, eligible, rate),
    dispositions: Object.fromEntries(DISPOSITIONS.map((d) => [d, count(parts, [d], (c) => c.dispositions[d])])) as Record<Disposition, Published<number>>,
    cellsWithheld: parts.filter((p) => !p.published('D')).length,
  };
}

/** The month grid of a range from the cells query's rows (every month of the range, empty ones too), lengths in midnights. */
export function monthGrids(range: DateRange, rows: OutcomeCellRow[]): MonthGrid[] {
  const grids = new Map(monthsOf(range).map((month) => [month, { month, all: emptyCell(), groups: { department: new Map(), diagnosisChapter: new Map() } } as MonthGrid]));
  for (const r of rows) {
    const grid = grids.get(String(r.month));
    if (!grid) continue;
    const los = num(r.los_days);
    const n = num(r.n);
    const cell: GridCell = {
      discharges: n, indexStays: num(r.index_stays), readmissions: num(r.readmissions), sameDay: num(r.same_day), losSum: los * n,
      dispositions: Object.fromEntries(DISPOSITIONS.map((d) => [d, num(r[dispositionColumn(d)])])) as Record<Disposition, number>,
      hist: new Map([[los, n]]),
    };
    addInto(grid.all, cell);
    const keys: Record<GridGrouping, string> = { department: String(r.department), diagnosisChapter: String(r.chapter) };
    for (const grouping of GRID_GROUPINGS) {
      const groups = grid.groups[grouping];
      if (!groups.has(keys[grouping])) groups.set(keys[grouping], emptyCell());
      addInto(groups.get(keys[grouping])!, cell);
    }
  }
  return [...grids.values()];
}

/** A month grid with its lengths of stay under a convention (the grid keeps them in midnights). */
export function underConvention(grid: MonthGrid, convention: LosConvention): MonthGrid {
  const convert = (c: GridCell): GridCell => {
    const hist = new Map<number, number>();
    for (const [midnights, n] of c.hist) {
      const los = lengthOfStayDays(convention, midnights);
      hist.set(los, (hist.get(los) ?? 0) + n);
    }
    return { ...c, dispositions: { ...c.dispositions }, hist, losSum: [...hist].reduce((a, [los, n]) => a + los * n, 0) };
  };
  const groups = (m: Map<string, GridCell>) => new Map([...m].map(([name, c]) => [name, convert(c)]));
  return { month: grid.month, all: convert(grid.all), groups: { department: groups(grid.groups.department), diagnosisChapter: groups(grid.groups.diagnosisChapter) } };
}

/**
 * The de-identified report: rows by month (the all-stays cell of each month) or by group (the group's cells over
 * the months), and the total (the all-stays cells of every month), each from published cells only.
 */
export function gridReport(
  grids: MonthGrid[], groupBy: OutcomeGrouping, order: (groups: string[]) => string[],
  // The months' releases, when the caller has them: a release depends on the counts only, not on the length-of-stay
  // convention, so the stored grid's release serves every convention.
  releases: MonthRelease[] = grids.map((g) => monthRelease(g)),
): { groups: GridRowView[]; total: GridRowView; suppressedCells: number } {
  const allPart = (g: MonthGrid, r: MonthRelease): CellPart => ({ cell: g.all, published: (m) => r.isPublished(m, null) });
  const total = rowView('Total', grids.map((g, k) => allPart(g, releases[k])));
  const countSuppressed = (r: MonthRelease, grouping: GridGrouping | null) =>
    [...r.suppressed].filter((n) => (grouping ? n.includes(`\u001f${grouping}\u001f`) : n.endsWith('\u001fall'))).length;
  if (groupBy === 'month') {
    return {
      groups: grids.map((g, k) => rowView(g.month, [allPart(g, releases[k])])),
      total,
      suppressedCells: releases.reduce((a, r) => a + countSuppressed(r, null), 0),
    };
  }
  const names = order([...new Set(grids.flatMap((g) => [...g.groups[groupBy].keys()]))]);
  const groups = names.map((name) =>
    rowView(name, grids.flatMap((g, k) => {
      const cell = g.groups[groupBy].get(name);
      return cell ? [{ cell, published: (m: ShownMeasure) => releases[k].isPublished(m, groupBy, name) }] : [];
    })),
  );
  return { groups, total, suppressedCells: releases.reduce((a, r) => a + countSuppressed(r, groupBy) + countSuppressed(r, null), 0) };
}
