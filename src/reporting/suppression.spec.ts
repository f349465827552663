import fc from 'fast-check';
import { determinedUnknowns, gridEquations } from './linear-disclosure';
import { isSmallCount, MarginalTable, suppressSmallCells, withMargins } from './suppression';

/** Cell names r<i>c<j> for the equations of the oracle. */
const namesOf = (values: number[][]) => values.map((row, i) => row.map((_, j) => `r${i}c${j}`));

function lines(values: number[][]): { cells: [number, number][]; total: [number, number] }[] {
  const R = values.length - 1;
  const C = values[0].length - 1;
  const out: { cells: [number, number][]; total: [number, number] }[] = [];
  for (let i = 0; i <= R; i++) out.push({ cells: Array.from({ length: C }, (_, j) => [i, j]), total: [i, C] });
  for (let j = 0; j <= C; j++) out.push({ cells: Array.from({ length: R }, (_, i) => [i, j]), total: [R, j] });
  return out;
}

/** Counts as they come out of a hospital: many zeros, many small, some large. */
const count = fc.oneof(
  { arbitrary: fc.constant(0), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 10 }), weight: 4 },
  { arbitrary: fc.integer({ min: 11, max: 400 }), weight: 4 },
);

const table = fc
  .record({ rows: fc.integer({ min: 1, max: 7 }), cols: fc.integer({ min: 1, max: 7 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      cells: fc.array(fc.array(count, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows }),
      // Sometimes the last column is never published (like "stays not readmitted").
      hideLastColumn: fc.boolean(),
    }),
  )
  .map(({ cells, hideLastColumn }): MarginalTable => {
    const values = withMargins(cells);
    const C = cells[0].length;
    const hidden = hideLastColumn && C > 1 ? values.map((row) => row.map((_, j) => j === C - 1)) : undefined;
    return { values, hidden };
  });

describe('suppressSmallCells (CMS cell-size rule)', () => {
  it('suppresses 1..10, shows zero, and protects a small cell with a 2x2 block of complements', () => {
    //            A    B   total
    const values = withMargins([
      [3, 40], // 43
      [25, 60], // 85
      [30, 12], // 42
    ]);
    const { suppressed, primary } = suppressSmallCells({ values });
    expect(primary[0][0]).toBe(true);
    // The 3 alone would follow from 43 - 40 (its row) and from 58 - 25 - 30 (its column).
    const hiddenCells = suppressed.flatMap((row, i) => row.map((s, j) => (s ? `${i},${j}` : null))).filter(Boolean);
    expect(hiddenCells).toEqual(['0,0', '0,1', '2,0', '2,1']);
  });

  it('never picks a zero as a complement, nor leaves the suppressed part of a line small', () => {
    const values = withMargins([
      [4, 0, 50],
      [30, 0, 70],
    ]);
    const { suppressed } = suppressSmallCells({ values });
    expect(suppressed[0][1] || suppressed[1][1]).toBe(false);
    // Row 0: the 4 plus its complement must add up to more than 10.
    const unknownSum = values[0].slice(0, 3).reduce((a, v, j) => a + (suppressed[0][j] ? v : 0), 0);
    expect(unknownSum).toBeGreaterThan(10);
  });

  it('suppresses a small total too, and a table with nothing small stays whole', () => {
    expect(suppressSmallCells({ values: withMargins([[2, 3]]) }).suppressed.flat().filter(Boolean).length).toBeGreaterThan(2);
    expect(suppressSmallCells({ values: withMargins([[0, 30], [12, 0]]) }).suppressed.flat().some(Boolean)).toBe(false);
  });

  it('refuses a table whose margins do not add up', () => {
    expect(() => suppressSmallCells({ values: [[1, 2], [1, 3]] })).toThrow(/adds up/);
  });

  it('property: no published cell is between 1 and 10', () => {
    fc.assert(
      fc.property(table, (t) => {
        const { suppressed } = suppressSmallCells(t);
        t.values.forEach((row, i) => row.forEach((v, j) => {
          if (!t.hidden?.[i][j] && !suppressed[i][j]) expect(isSmallCount(v)).toBe(false);
        }));
      }),
      { numRuns: 400 },
    );
  });

  it('property: no row or column has exactly one unknown cell (its total gives it away)', () => {
    fc.assert(
      fc.property(table, (t) => {
        const { suppressed } = suppressSmallCells(t);
        const unknown = (i: number, j: number) => suppressed[i][j] || !!t.hidden?.[i][j];
        for (const line of lines(t.values)) {
          const cells = [...line.cells, line.total];
          const open = cells.filter(([i, j]) => unknown(i, j));
          // A lone unknown is only acceptable when it is a never-published cell that is not small.
          if (open.length === 1) {
            const [i, j] = open[0];
            expect({ line, suppressed: suppressed[i][j], small: isSmallCount(t.values[i][j]) }).toEqual({ line, suppressed: false, small: false });
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('property: solving all the equations of the table recovers no suppressed (nor small hidden) cell', () => {
    fc.assert(
      fc.property(table, (t) => {
        const { suppressed } = suppressSmallCells(t);
        const names = namesOf(t.values);
        const unknown = new Set<string>();
        const mustHide: string[] = [];
        t.values.forEach((row, i) => row.forEach((v, j) => {
          const hidden = !!t.hidden?.[i][j];
          if (suppressed[i][j] || hidden) unknown.add(names[i][j]);
          if (suppressed[i][j] || (hidden && isSmallCount(v))) mustHide.push(names[i][j]);
        }));
        const determined = determinedUnknowns(gridEquations(names), unknown);
        expect(mustHide.filter((n) => determined.has(n))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('property: where a total is published, the unknown cells of its line add up to 0 or more than 10', () => {
    fc.assert(
      fc.property(table, (t) => {
        const { suppressed } = suppressSmallCells(t);
        const unknown = (i: number, j: number) => suppressed[i][j] || !!t.hidden?.[i][j];
        for (const line of lines(t.values)) {
          if (unknown(...line.total)) continue;
          const sum = line.cells.filter(([i, j]) => unknown(i, j)).reduce((a, [i, j]) => a + t.values[i][j], 0);
          expect(isSmallCount(sum)).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('property: only small cells and complements are suppressed; zeros never; the answer is deterministic', () => {
    fc.assert(
      fc.property(table, (t) => {
        const a = suppressSmallCells(t);
        expect(suppressSmallCells(t)).toEqual(a);
        t.values.forEach((row, i) => row.forEach((v, j) => {
          if (v === 0) expect(a.suppressed[i][j]).toBe(false);
          if (a.primary[i][j]) expect(a.suppressed[i][j]).toBe(true);
        }));
      }),
      { numRuns: 200 },
    );
  });
});

describe('determinedUnknowns (the attacker)', () => {
  it('solves a lone unknown from its row, and cannot solve a 2x2 block', () => {
    const names = namesOf(withMargins([[3, 40], [25, 60]]));
    expect([...determinedUnknowns(gridEquations(names), new Set(['r0c0']))]).toEqual(['r0c0']);
    expect(determinedUnknowns(gridEquations(names), new Set(['r0c0', 'r0c1', 'r1c0', 'r1c1'])).size).toBe(0);
  });

  it('solves a bridge between two blocks (a subtler leak than a lone cell)', () => {
    // Two 2x2 blocks of unknowns joined by one unknown cell: every line holds two unknowns, yet the joint is fixed.
    const names = namesOf(withMargins(Array.from({ length: 4 }, () => [20, 20, 20, 20])));
    const unknown = new Set(['r0c0', 'r0c1', 'r1c0', 'r1c1', 'r2c2', 'r2c3', 'r3c2', 'r3c3', 'r0c2']);
    expect([...determinedUnknowns(gridEquations(names), unknown)]).toEqual(['r0c2']);
  });
});
