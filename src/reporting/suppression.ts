/**
 * Small-cell suppression for de-identified aggregate reports: the CMS cell-size suppression policy.
 *
 * CMS (Centers for Medicare & Medicaid Services, "Cell Size Suppression Policy", applied to every data release
 * built on CMS data): no cell holding a count from 1 to 10 may be published, and no such count may be derivable
 * from what is published (totals, other cells, percentages). Zero may be shown.
 *
 * The model. A table of counts with its margins is an (R+1) x (C+1) grid: the last column holds the row totals,
 * the last row the column totals, the corner the grand total. Every row and every column of the grid is one
 * equation ("the cells add up to the total"). A reader who sees the published cells can solve those equations
 * for the cells left out. Flip the sign of the margin cells (not the corner) and every line of the grid sums to
 * zero: the grid is then the complete bipartite graph between its R+1 row nodes and C+1 column nodes, each cell
 * an edge, each line a node whose edges sum to zero. A cell left out is determined by the equations exactly when
 * it is a bridge of the graph of cells left out, that is when it lies on no cycle of unknown cells; a cell on such
 * a cycle can move by +d, -d, +d, ... around it without changing any published number.
 *
 * So the rule we enforce is:
 *   1. primary suppression: every count from 1 to 10, margins included;
 *   2. complementary suppression: every suppressed cell lies on a cycle of unknown cells (no row or column of the
 *      grid holds exactly one unknown cell, nor any subtler chain); we close each gap along the cheapest path,
 *      preferring small interior cells and avoiding totals;
 *   3. interval protection: in a line whose total is published, the unknown cells add up to more than 10, so the
 *      total cannot show that the suppressed cells are small (without it, 3 + a suppressed 0 gives away the 3).
 * Zero cells are never picked as complements: a reader knows they cannot go below zero, so they hide nothing.
 *
 * "Hidden" cells are never published (the report does not show them, e.g. stays not readmitted) but a reader could
 * still derive them: when their value is 1..10 they are protected like a suppressed cell.
 */

import { determinedUnknowns, gridEquations } from './linear-disclosure';

/** The CMS cell-size rule: counts from 1 to 10 are never shown, nor derivable. */
export const CMS_CELL_SIZE_RULE = { min: 1, max: 10 } as const;
export type CellSizeRule = { min: number; max: number };

export function isSmallCount(value: number, rule: CellSizeRule = CMS_CELL_SIZE_RULE): boolean {
  return value >= rule.min && value <= rule.max;
}

/** A table of counts with its margins, as one (R+1) x (C+1) grid (see the module comment). */
export interface MarginalTable {
  values: number[][];
  /** Same shape: cells the report never shows (protected when small). */
  hidden?: boolean[][];
  /** Same shape: cells already suppressed, e.g. by a linked table sharing them. */
  suppressed?: boolean[][];
}

export interface SuppressionResult {
  /** Same shape as the table: true where the cell must not be published (hidden cells are false here). */
  suppressed: boolean[][];
  /** The cells suppressed because they are small themselves (primary suppression). */
  primary: boolean[][];
}

/** Builds the grid from interior cells, adding the row totals, column totals and grand total. */
export function withMargins(cells: number[][]): number[][] {
  const columns = cells[0]?.length ?? 0;
  const rows = cells.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  const totals = Array.from({ length: columns + 1 }, (_, j) => rows.reduce((a, row) => a + row[j], 0));
  return [...rows, totals];
}

interface Grid {
  rows: number;
  cols: number;
  value: (i: number, j: number) => number;
  hidden: (i: number, j: number) => boolean;
}

const UNREACHABLE = Number.POSITIVE_INFINITY;

/**
 * Decides which cells of a table with margins to suppress (pure). Deterministic: the same table gives the same
 * answer. Throws when the table's margins do not add up (a bug in the caller, not a data problem).
 */
export function suppressSmallCells(table: MarginalTable, rule: CellSizeRule = CMS_CELL_SIZE_RULE): SuppressionResult {
  const grid = checkGrid(table);
  const { rows, cols } = grid;
  const primary = table.values.map((row, i) => row.map((v, j) => !grid.hidden(i, j) && isSmallCount(v, rule)));
  const suppressed = table.values.map((row, i) => row.map((_, j) => primary[i][j] || (!grid.hidden(i, j) && !!table.suppressed?.[i]?.[j])));
  const unknown = (i: number, j: number) => suppressed[i][j] || grid.hidden(i, j);
  const mustHide = (i: number, j: number) => suppressed[i][j] || (grid.hidden(i, j) && isSmallCount(grid.value(i, j), rule));

  // Each pass fixes one problem, then looks again: cells are only ever added, so this ends.
  for (let guard = 0; guard <= rows * cols + 1; guard++) {
    const gap = findDeterminedCell(grid, unknown, mustHide);
    if (gap) {
      for (const [i, j] of cheapestCycleCompletion(grid, unknown, gap, rule)) suppressed[i][j] = true;
      continue;
    }
    const line = findThinLine(grid, unknown, rule);
    if (line) {
      const [i, j] = cheapestInLine(grid, unknown, line);
      suppressed[i][j] = true;
      continue;
    }
    return { suppressed, primary };
  }
  throw new Error('suppression did not converge');
}

function checkGrid(table: MarginalTable): Grid {
  const v = table.values;
  const rows = v.length;
  const cols = v[0]?.length ?? 0;
  if (rows < 2 || cols < 2 || v.some((r) => r.length !== cols)) throw new Error('a table with margins needs at least one row and column of cells plus totals');
  if (v.some((r) => r.some((x) => !Number.isInteger(x) || x < 0))) throw new Error('counts must be whole numbers >= 0');
  const R = rows - 1;
  const C = cols - 1;
  for (let i = 0; i <= R; i++) {
    const sum = v[i].slice(0, C).reduce((a, b) => a + b, 0);
    if (sum !== v[i][C]) throw new Error(`row ${i} adds up to ${sum}, its total says ${v[i][C]}`);
  }
  for (let j = 0; j <= C; j++) {
    let sum = 0;
    for (let i = 0; i < R; i++) sum += v[i][j];
    if (sum !== v[R][j]) throw new Error(`column ${j} adds up to ${sum}, its total says ${v[R][j]}`);
  }
  return { rows, cols, value: (i, j) => v[i][j], hidden: (i, j) => !!table.hidden?.[i]?.[j] };
}

/** A cell that must stay unknown but lies on no cycle of unknown cells (the equations would give it away). */
function findDeterminedCell(
  grid: Grid,
  unknown: (i: number, j: number) => boolean,
  mustHide: (i: number, j: number) => boolean,
): [number, number] | null {
  for (let i = 0; i < grid.rows; i++) {
    for (let j = 0; j < grid.cols; j++) {
      if (mustHide(i, j) && !connectedWithout(grid, unknown, i, j)) return [i, j];
    }
  }
  return null;
}

/** Is row node i connected to column node j through unknown cells other than (i, j)? */
function connectedWithout(grid: Grid, unknown: (i: number, j: number) => boolean, i0: number, j0: number): boolean {
  const seenRow = new Array<boolean>(grid.rows).fill(false);
  const seenCol = new Array<boolean>(grid.cols).fill(false);
  const queue: ['r' | 'c', number][] = [['r', i0]];
  seenRow[i0] = true;
  while (queue.length > 0) {
    const [kind, n] = queue.shift()!;
    if (kind === 'r') {
      for (let j = 0; j < grid.cols; j++) {
        if (seenCol[j] || !unknown(n, j) || (n === i0 && j === j0)) continue;
        if (j === j0) return true;
        seenCol[j] = true;
        queue.push(['c', j]);
      }
    } else {
      for (let i = 0; i < grid.rows; i++) {
        if (seenRow[i] || !unknown(i, n) || (i === i0 && n === j0)) continue;
        seenRow[i] = true;
        queue.push(['r', i]);
      }
    }
  }
  return false;
}

/**
 * What a complementary cell costs: small interior cells first (they lose least information), then the totals,
 * the grand total last. Zero cells are never used (a reader knows they are zero: counts are not negative).
 */
function complementCost(grid: Grid, i: number, j: number): number {
  const v = grid.value(i, j);
  if (v === 0) return UNREACHABLE;
  const R = grid.rows - 1;
  const C = grid.cols - 1;
  if (i === R && j === C) return 1e12;
  if (i === R || j === C) return 1e6 + v;
  return v;
}

/** The published cells to suppress so that cell `gap` lies on a cycle: the cheapest path between its two ends. */
function cheapestCycleCompletion(
  grid: Grid,
  unknown: (i: number, j: number) => boolean,
  gap: [number, number],
  rule: CellSizeRule,
): [number, number][] {
  const [gi, gj] = gap;
  // Dijkstra over R+1 row nodes (0..rows-1) and C+1 column nodes (rows..rows+cols-1), from row gi to column gj.
  const n = grid.rows + grid.cols;
  const dist = new Array<number>(n).fill(UNREACHABLE);
  const via = new Array<number>(n).fill(-1);
  const done = new Array<boolean>(n).fill(false);
  dist[gi] = 0;
  for (;;) {
    let u = -1;
    for (let k = 0; k < n; k++) if (!done[k] && dist[k] < UNREACHABLE && (u < 0 || dist[k] < dist[u])) u = k;
    if (u < 0) break;
    done[u] = true;
    if (u === grid.rows + gj) break;
    const neighbours = u < grid.rows ? range(grid.cols).map((j) => [u, j, grid.rows + j]) : range(grid.rows).map((i) => [i, u - grid.rows, i]);
    for (const [i, j, w] of neighbours) {
      if (i === gi && j === gj) continue;
      const cost = unknown(i, j) ? 0 : complementCost(grid, i, j);
      if (cost === UNREACHABLE || dist[u] + cost >= dist[w]) continue;
      dist[w] = dist[u] + cost;
      via[w] = u;
    }
  }
  const target = grid.rows + gj;
  if (dist[target] === UNREACHABLE) {
    throw new Error(`cannot protect cell (${gi}, ${gj}) under the ${rule.min}-${rule.max} rule: no path of non-zero cells`);
  }
  const path: [number, number][] = [];
  for (let w = target; w !== gi; w = via[w]) {
    const u = via[w];
    const [i, j] = u < grid.rows ? [u, w - grid.rows] : [w, u - grid.rows];
    if (!unknown(i, j)) path.push([i, j]);
  }
  return path;
}

interface Line {
  kind: 'row' | 'column';
  index: number;
}

/** A line whose total is published while its unknown cells add up to a small number (1..10): it would show them small. */
function findThinLine(grid: Grid, unknown: (i: number, j: number) => boolean, rule: CellSizeRule): Line | null {
  const R = grid.rows - 1;
  const C = grid.cols - 1;
  const thin = (cells: [number, number][], total: [number, number]): boolean => {
    if (unknown(...total)) return false;
    const hiddenPart = cells.filter(([i, j]) => unknown(i, j));
    return hiddenPart.length > 0 && isSmallCount(hiddenPart.reduce((a, [i, j]) => a + grid.value(i, j), 0), rule);
  };
  for (let i = 0; i <= R; i++) {
    if (thin(range(C).map((j) => [i, j]), [i, C])) return { kind: 'row', index: i };
  }
  for (let j = 0; j <= C; j++) {
    if (thin(range(R).map((i) => [i, j]), [R, j])) return { kind: 'column', index: j };
  }
  return null;
}

/** The cheapest published non-zero cell inside a line (not its total). */
function cheapestInLine(grid: Grid, unknown: (i: number, j: number) => boolean, line: Line): [number, number] {
  const cells: [number, number][] =
    line.kind === 'row' ? range(grid.cols - 1).map((j) => [line.index, j]) : range(grid.rows - 1).map((i) => [i, line.index]);
  let best: [number, number] | null = null;
  for (const [i, j] of cells) {
    if (unknown(i, j) || grid.value(i, j) === 0) continue;
    if (!best || complementCost(grid, i, j) < complementCost(grid, best[0], best[1])) best = [i, j];
  }
  // The total is published and above the unknown part, so some published cell in the line is not zero.
  if (!best) throw new Error(`no complementary cell in ${line.kind} ${line.index}`);
  return best;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, k) => k);
}

/**
 * Several tables with margins that share cells, protected together (the "modular" method of statistical
 * disclosure control): each table is protected on its own, a cell suppressed in one table is treated as
 * suppressed in every table that holds it, and this goes round until nothing changes. Then the equations of all
 * the tables together are solved (linear-disclosure.ts); if they still pin down a protected cell, the cheapest
 * published cell next to it is suppressed too, and round again. Cells are only ever added, so this ends.
 *
 * Tables are grids of cell names, (R+1) x (C+1) like MarginalTable; `values` gives each name its count.
 */
export function suppressLinkedTables(
  tables: string[][][],
  values: ReadonlyMap<string, number>,
  hidden: ReadonlySet<string> = new Set(),
  rule: CellSizeRule = CMS_CELL_SIZE_RULE,
  options: { everyLeakAtOnce?: boolean } = {},
): Set<string> {
  const valueOf = (name: string): number => {
    const v = values.get(name);
    if (v === undefined) throw new Error(`no value for cell ${name}`);
    return v;
  };
  const suppressed = new Set<string>();
  const equations = tables.flatMap((t) => gridEquations(t));
  for (let guard = 0; guard <= values.size + 1; guard++) {
    let changed = false;
    for (const t of tables) {
      const result = suppressSmallCells(
        {
          values: t.map((row) => row.map(valueOf)),
          hidden: t.map((row) => row.map((n) => hidden.has(n))),
          suppressed: t.map((row) => row.map((n) => suppressed.has(n))),
        },
        rule,
      );
      result.suppressed.forEach((row, i) => row.forEach((s, j) => {
        if (s && !suppressed.has(t[i][j])) {
          suppressed.add(t[i][j]);
          changed = true;
        }
      }));
    }
    if (changed) continue;
    const determined = determinedUnknowns(equations, new Set([...suppressed, ...hidden]));
    const leaks = [...determined].sort().filter((n) => suppressed.has(n) || isSmallCount(valueOf(n), rule));
    if (leaks.length === 0) return suppressed;
    // One leak at a time suppresses least; every leak at once (each its own cheapest neighbour) solves fewer times.
    const complements = (options.everyLeakAtOnce ? leaks : leaks.slice(0, 1)).map((leak) => cheapestNeighbour(tables, leak, (n) => suppressed.has(n) || hidden.has(n), valueOf));
    for (const c of complements) suppressed.add(c);
  }
  throw new Error('linked suppression did not converge');
}

/** The cheapest published non-zero cell sharing a row or column with `name` in any of the tables. */
function cheapestNeighbour(tables: string[][][], name: string, unknown: (n: string) => boolean, valueOf: (n: string) => number): string {
  let best: { name: string; cost: number } | null = null;
  for (const t of tables) {
    const R = t.length - 1;
    const C = t[0].length - 1;
    t.forEach((row, i) => row.forEach((n, j) => {
      if (n !== name) return;
      const line = [...t[i], ...t.map((r) => r[j])];
      for (const candidate of line) {
        if (candidate === name || unknown(candidate) || valueOf(candidate) === 0) continue;
        const [ci, cj] = positionOf(t, candidate);
        const cost = ci === R && cj === C ? 1e12 : ci === R || cj === C ? 1e6 + valueOf(candidate) : valueOf(candidate);
        if (!best || cost < best.cost || (cost === best.cost && candidate < best.name)) best = { name: candidate, cost };
      }
    }));
  }
  if (!best) throw new Error(`cannot protect cell ${name}: nothing left to suppress beside it`);
  return (best as { name: string }).name;
}

function positionOf(t: string[][], name: string): [number, number] {
  for (let i = 0; i < t.length; i++) {
    const j = t[i].indexOf(name);
    if (j >= 0) return [i, j];
  }
  return [-1, -1];
}
