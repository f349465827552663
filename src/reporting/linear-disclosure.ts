/**
 * The attacker's view of a report, as linear algebra: every published relation ("these cells add up to that
 * total") is an equation; the cells left out are the unknowns. An unknown is disclosed when the equations pin it
 * to one value, that is when every solution of the homogeneous system has a zero in its place.
 *
 * Used as an independent check of the suppression (suppression.ts reasons on cycles of a graph; this solves the
 * equations), over one table or over several tables that share cells.
 */

/** sum(coef * cell) = 0 over named cells (margins enter with coefficient -1). */
export type Equation = { cell: string; coef: number }[];

/** The equations of a table with margins given as a grid of cell names (last row and column: the totals). */
export function gridEquations(names: string[][]): Equation[] {
  const R = names.length - 1;
  const C = names[0].length - 1;
  const equations: Equation[] = [];
  for (let i = 0; i <= R; i++) {
    equations.push([...names[i].slice(0, C).map((cell) => ({ cell, coef: 1 })), { cell: names[i][C], coef: -1 }]);
  }
  for (let j = 0; j <= C; j++) {
    equations.push([...names.slice(0, R).map((row) => ({ cell: row[j], coef: 1 })), { cell: names[R][j], coef: -1 }]);
  }
  return equations;
}

const EPS = 1e-9;

/**
 * The unknown cells that the equations determine (the published cells being known). Gauss-Jordan elimination on
 * sparse rows (each equation ties a handful of cells: a table's line), with partial pivoting; the coefficients are
 * small integers. A pivot variable is fixed when its reduced row has no free variable in it; free ones never are.
 */
export function determinedUnknowns(equations: Equation[], unknown: ReadonlySet<string>): Set<string> {
  const vars = [...unknown].sort();
  const index = new Map(vars.map((v, k) => [v, k]));
  let pending: Map<number, number>[] = [];
  for (const eq of equations) {
    const row = new Map<number, number>();
    for (const { cell, coef } of eq) {
      const k = index.get(cell);
      if (k === undefined) continue;
      const x = (row.get(k) ?? 0) + coef;
      if (Math.abs(x) < EPS) row.delete(k);
      else row.set(k, x);
    }
    if (row.size > 0) pending.push(row);
  }
  const pivotRows: { col: number; row: Map<number, number> }[] = [];
  for (let c = 0; c < vars.length && pending.length > 0; c++) {
    let best = -1;
    for (let k = 0; k < pending.length; k++) {
      const x = pending[k].get(c);
      if (x !== undefined && (best < 0 || Math.abs(x) > Math.abs(pending[best].get(c)!))) best = k;
    }
    if (best < 0) continue;
    const pivot = pending[best];
    pending.splice(best, 1);
    const p = pivot.get(c)!;
    for (const [j, x] of pivot) pivot.set(j, x / p);
    const eliminate = (row: Map<number, number>) => {
      const f = row.get(c);
      if (f === undefined) return;
      for (const [j, x] of pivot) {
        const y = (row.get(j) ?? 0) - f * x;
        if (Math.abs(y) < EPS) row.delete(j);
        else row.set(j, y);
      }
    };
    pending.forEach(eliminate);
    for (const pr of pivotRows) eliminate(pr.row);
    pending = pending.filter((row) => row.size > 0);
    pivotRows.push({ col: c, row: pivot });
  }
  const isPivot = new Set(pivotRows.map((pr) => pr.col));
  const determined = new Set<string>();
  for (const { col, row } of pivotRows) {
    if (![...row.keys()].some((j) => !isPivot.has(j))) determined.add(vars[col]);
  }
  return determined;
}
