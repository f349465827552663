import { suppressLinkedTables } from '../suppression';
import { Disposition, DISPOSITIONS, INDEX_DISPOSITIONS } from './dispositions';

/**
 * De-identified outcomes on the release grid (docs/outcome-measures.md, "Differencing"). The grid cells are
 * (group x calendar month) for both groupings that have groups (department, chapter of the principal diagnosis),
 * plus the month's all-stays row, which is the margin of both. Suppression is decided once per month, on that
 * month's cells of both groupings together (pure function of the month's counts: every request, range, grouping and
 * run sees the same decision), and every number a report shows is a sum of published cells (grid-views.ts).
 *
 * Per month and grouping, five linked tables with margins (rows: the groups, then the month's all-stays row):
 *
 *   A  discharges D   = K + expired + transfer-acute + ama     K = discharged alive, not transferred, not AMA
 *   B  K              = home + home-health + skilled-nursing + other + unknown
 *   F  K              = index stays I + X                      X = K minus the readmission cohort (minors, psychiatric, ...)
 *   C  index stays I  = readmitted R + N                       N = not readmitted
 *   E  discharges D   = same-day stays S + Q                   Q = stays of one night or more
 *
 * K, X, N and Q are never shown (hidden: protected when 1..10). S is not shown either, but it is published in
 * effect: the two length-of-stay conventions differ by one day per same-day stay, so two average lengths of stay of
 * one cell under the two conventions give S. So S is treated as a shown count, and a cell's length of stay is shown
 * only when its D and S are.
 */
export const GRID_GROUPINGS = ['department', 'diagnosisChapter'] as const;
export type GridGrouping = (typeof GRID_GROUPINGS)[number];

/** One grid cell's counts (a group in a month, or all stays of a month), with its length-of-stay histogram. */
export interface GridCell {
  discharges: number;
  indexStays: number;
  readmissions: number;
  sameDay: number;
  losSum: number;
  dispositions: Record<Disposition, number>;
  /** length of stay (days) -> stays */
  hist: Map<number, number>;
}

export interface MonthGrid {
  month: string;
  all: GridCell;
  groups: Record<GridGrouping, Map<string, GridCell>>;
}

/** The counts a report shows (S: see above), and the ones it never shows. */
export const SHOWN_MEASURES = ['D', 'I', 'R', 'S', ...DISPOSITIONS] as const;
export type ShownMeasure = (typeof SHOWN_MEASURES)[number];
const HIDDEN_MEASURES = ['K', 'X', 'N', 'Q'] as const;
type Measure = ShownMeasure | (typeof HIDDEN_MEASURES)[number];

export function emptyCell(): GridCell {
  return {
    discharges: 0, indexStays: 0, readmissions: 0, sameDay: 0, losSum: 0, hist: new Map(),
    dispositions: Object.fromEntries(DISPOSITIONS.map((d) => [d, 0])) as Record<Disposition, number>,
  };
}

export function addInto(target: GridCell, c: GridCell): void {
  target.discharges += c.discharges;
  target.indexStays += c.indexStays;
  target.readmissions += c.readmissions;
  target.sameDay += c.sameDay;
  target.losSum += c.losSum;
  for (const d of DISPOSITIONS) target.dispositions[d] += c.dispositions[d];
  for (const [los, n] of c.hist) target.hist.set(los, (target.hist.get(los) ?? 0) + n);
}

export function measureOf(c: GridCell, m: Measure): number {
  const alive = INDEX_DISPOSITIONS.reduce((a, d) => a + c.dispositions[d], 0);
  switch (m) {
    case 'D': return c.discharges;
    case 'I': return c.indexStays;
    case 'R': return c.readmissions;
    case 'S': return c.sameDay;
    case 'K': return alive;
    case 'X': return alive - c.indexStays;
    case 'N': return c.indexStays - c.readmissions;
    case 'Q': return c.discharges - c.sameDay;
    default: return c.dispositions[m];
  }
}

/** Which of a month's shown counts are published: by grouping (null: the all-stays row) and group. */
export interface MonthRelease {
  month: string;
  isPublished(measure: ShownMeasure, grouping: GridGrouping | null, group?: string): boolean;
  /** The suppressed shown counts, by cell name (for counting them). */
  suppressed: ReadonlySet<string>;
}

const SEP = '\u001f';
export const cellName = (m: Measure, grouping: GridGrouping | null, group?: string) => (grouping ? `${m}${SEP}${grouping}${SEP}${group}` : `${m}${SEP}all`);

/** The linked tables of one grouping in one month, as grids of cell names (see the module comment). */
function groupingTables(grouping: GridGrouping, groups: string[]): string[][][] {
  const rows: (string | null)[] = [...groups, null];
  const table = (columns: Measure[], total: Measure) =>
    rows.map((g) => [...columns, total].map((m) => (g === null ? cellName(m, null) : cellName(m, grouping, g))));
  return [
    table(['K', 'expired', 'transfer-acute', 'ama'], 'D'),
    table([...INDEX_DISPOSITIONS], 'K'),
    table(['I', 'X'], 'K'),
    table(['R', 'N'], 'I'),
    table(['S', 'Q'], 'D'),
  ];
}

/**
 * The suppression decision of one month: counts from 1 to 10 suppressed, then complementary suppression over the
 * linked tables of both groupings (suppression.ts, checked by solving all their equations at once,
 * linear-disclosure.ts). Deterministic: the same month's counts always give the same decision.
 */
export function monthRelease(m: MonthGrid): MonthRelease {
  let release = RELEASES.get(m);
  if (!release) {
    release = decideMonthRelease(m);
    RELEASES.set(m, release);
  }
  return release;
}

/**
 * Releases by grid object: a stored month's grid is parsed once and kept (outcome-releases.ts), so its release is
 * decided once too, instead of rebuilding the month's ~500 named counts and its decision key on every report (30 ms of
 * a 22-month report on 10,000 patients, docs/performance.md). A grid is never changed after it is built.
 */
const RELEASES = new WeakMap<MonthGrid, MonthRelease>();

function decideMonthRelease(m: MonthGrid): MonthRelease {
  const values = new Map<string, number>();
  const put = (cell: GridCell, grouping: GridGrouping | null, group?: string) => {
    for (const measure of [...SHOWN_MEASURES, ...HIDDEN_MEASURES]) values.set(cellName(measure, grouping, group), measureOf(cell, measure));
  };
  put(m.all, null);
  const tables: string[][][] = [];
  for (const grouping of GRID_GROUPINGS) {
    const groups = [...m.groups[grouping].keys()].sort();
    if (groups.length === 0) continue;
    for (const g of groups) put(m.groups[grouping].get(g)!, grouping, g);
    tables.push(...groupingTables(grouping, groups));
  }
  const hidden = new Set([...values.keys()].filter((n) => (HIDDEN_MEASURES as readonly string[]).includes(n.split(SEP)[0])));
  const suppressed = tables.length === 0 ? new Set<string>() : decided(tables, values, hidden);
  return {
    month: m.month,
    isPublished: (measure, grouping, group) => !suppressed.has(cellName(measure, grouping, group)),
    suppressed,
  };
}

/**
 * Decisions already taken, by the month's counts (a pure function of them, so a cached answer is the same answer):
 * closed months rarely change, and an analyst asks for the same months again and again.
 */
const DECISIONS = new Map<string, Set<string>>();
const MAX_DECISIONS = 5000;

function decided(tables: string[][][], values: ReadonlyMap<string, number>, hidden: ReadonlySet<string>): Set<string> {
  const key = JSON.stringify([...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const known = DECISIONS.get(key);
  if (known) return known;
  const suppressed = suppressOrWithholdMonth(tables, values, hidden);
  if (DECISIONS.size >= MAX_DECISIONS) DECISIONS.delete(DECISIONS.keys().next().value!);
  DECISIONS.set(key, suppressed);
  return suppressed;
}

/**
 * The linked suppression, or, when it finds no published cell left to protect a count with (a rare shape of
 * counts), the whole month withheld: every non-zero count suppressed. That is always safe: the true counts scaled
 * by any factor satisfy every relation, so no non-zero count is pinned down when all of them are unknown.
 */
function suppressOrWithholdMonth(tables: string[][][], values: ReadonlyMap<string, number>, hidden: ReadonlySet<string>): Set<string> {
  try {
    return suppressLinkedTables(tables, values, hidden, undefined, { everyLeakAtOnce: true });
  } catch {
    return new Set([...values].filter(([name, v]) => v !== 0 && !hidden.has(name)).map(([name]) => name));
  }
}
