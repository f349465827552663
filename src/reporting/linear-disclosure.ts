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

/** The unknown cells that the equations determine (the published cells being known). */
export function determinedUnknowns(equations: Equation[], unknown: ReadonlySet<string>): Set<string> {
  const vars = [...unknown].sort();
  const index = new Map(vars.map((v, k) => [v, k]));
  const rows: number[][] = [];
  for (const eq of equations) {
    const row = new Array<number>(vars.length).fill(0);
    let any = false;
    for (const { cell, coef } of eq) {
      const k = index.get(cell);
      if (k === undefined) continue;
      row[k] += coef;
      any = true;
    }
    if (any) rows.push(row);
  }
  // Reduced row echelon form (Gauss-Jordan with partial pivoting; the coefficients are small integers).
  const pivots: number[] = [];
  let r = 0;
  for (let c = 0; c < vars.length && r < rows.length; c++) {
    let best = r;
    for (let k = r + 1; k < rows.length; k++) if (Math.abs(rows[k][c]) > Math.abs(rows[best][c])) best = k;
    if (Math.abs(rows[best][c]) < EPS) continue;
    [rows[r], rows[best]] = [rows[best], rows[r]];
    const p = rows[r][c];
    for (let j = 0; j < vars.length; j++) rows[r][j] /= p;
    for (let k = 0; k < rows.length; k++) {
      if (k === r || Math.abs(rows[k][c]) < EPS) continue;
      const f = rows[k][c];
      for (let j = 0; j < vars.length; j++) rows[k][j] -= f * rows[r][j];
    }
    pivots.push(c);
    r++;
  }
  // A pivot variable is fixed when its row has no free variable in it; free variables never are.
  const isPivot = new Set(pivots);
  const determined = new Set<string>();
  pivots.forEach((c, k) => {
    const free = rows[k].some((x, j) => !isPivot.has(j) && Math.abs(x) > EPS);
    if (!free) determined.add(vars[c]);
  });
  return determined;
}
