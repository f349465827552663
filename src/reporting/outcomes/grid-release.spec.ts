import fc from 'fast-check';
import { determinedUnknowns, Equation, gridEquations } from '../linear-disclosure';
import { isSuppressed } from '../report-document';
import { isSmallCount } from '../suppression';
import { Disposition, DISPOSITIONS, INDEX_DISPOSITIONS } from './dispositions';
import { addInto, emptyCell, GRID_GROUPINGS, GridCell, GridGrouping, measureOf, monthRelease, MonthGrid, ShownMeasure, SHOWN_MEASURES } from './grid-release';
import { gridReport, GridRowView } from './grid-views';
import type { OutcomeGrouping } from './outcomes-query';

/**
 * The attacker of issue 13, item 8, against the release grid: random hospitals (months x departments x chapters),
 * random pairs and triples of de-identified requests (ranges of whole months, any grouping, either length-of-stay
 * convention), and every published number turned into an equation over the true grid cells. The attacker knows
 * which cells were published (the strongest attacker), every structural relation (a month's departments and its
 * chapters both add up to the month; discharges = alive + deaths + transfers + AMA; ...), and from rates and averages
 * the exact numerator and denominator sums they were computed from (two conventions' averages give the same-day
 * stays). Solving the whole system must never pin down a suppressed count, nor a hidden one from 1 to 10.
 */

const HIDDEN = ['K', 'X', 'N', 'Q'] as const;
type Measure = ShownMeasure | (typeof HIDDEN)[number];
type Convention = 'midnights' | 'inpatient-census';

const small = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 5, max: 25 }));
const baseCell = fc.record({
  d: fc.record(Object.fromEntries(DISPOSITIONS.map((k) => [k, small])) as Record<Disposition, typeof small>),
  iShare: fc.double({ min: 0, max: 1, noNaN: true }),
  rShare: fc.double({ min: 0, max: 1, noNaN: true }),
  sShare: fc.double({ min: 0, max: 1, noNaN: true }),
});
type Base = { month: number; dept: string; chapter: string; cell: Record<Convention, GridCell> };

function toCells(b: { d: Record<Disposition, number>; iShare: number; rShare: number; sShare: number }): Record<Convention, GridCell> {
  const discharges = DISPOSITIONS.reduce((a, k) => a + b.d[k], 0);
  const alive = INDEX_DISPOSITIONS.reduce((a, k) => a + b.d[k], 0);
  const indexStays = Math.floor(alive * b.iShare);
  const sameDay = Math.floor(discharges * b.sShare);
  const make = (c: Convention): GridCell => {
    const hist = new Map<number, number>();
    if (sameDay > 0) hist.set(c === 'midnights' ? 0 : 1, sameDay);
    for (let k = 0; k < discharges - sameDay; k++) hist.set(1 + (k % 4), (hist.get(1 + (k % 4)) ?? 0) + 1);
    const losSum = [...hist].reduce((a, [los, n]) => a + los * n, 0);
    return { discharges, indexStays, readmissions: Math.floor(indexStays * b.rShare), sameDay, losSum, dispositions: { ...b.d }, hist };
  };
  return { midnights: make('midnights'), 'inpatient-census': make('inpatient-census') };
}

const hospital = fc
  .record({ months: fc.integer({ min: 2, max: 3 }), depts: fc.integer({ min: 1, max: 3 }), chapters: fc.integer({ min: 1, max: 3 }) })
  .chain(({ months, depts, chapters }) =>
    fc.array(baseCell, { minLength: months * depts * chapters, maxLength: months * depts * chapters }).map((cells): { months: number; bases: Base[] } => ({
      months,
      bases: cells.map((c, k) => ({ month: Math.floor(k / (depts * chapters)), dept: `dept${Math.floor(k / chapters) % depts}`, chapter: `ch${k % chapters}`, cell: toCells(c) })),
    })),
  );

function gridsOf(h: { months: number; bases: Base[] }, c: Convention): MonthGrid[] {
  return Array.from({ length: h.months }, (_, m) => {
    const grid: MonthGrid = { month: `2030-0${m + 1}`, all: emptyCell(), groups: { department: new Map(), diagnosisChapter: new Map() } };
    for (const b of h.bases.filter((x) => x.month === m && x.cell[c].discharges > 0)) {
      addInto(grid.all, b.cell[c]);
      for (const [grouping, key] of [['department', b.dept], ['diagnosisChapter', b.chapter]] as const) {
        if (!grid.groups[grouping].has(key)) grid.groups[grouping].set(key, emptyCell());
        addInto(grid.groups[grouping].get(key)!, b.cell[c]);
      }
    }
    return grid;
  });
}

const request = fc.record({
  from: fc.integer({ min: 0, max: 2 }),
  span: fc.integer({ min: 0, max: 2 }),
  groupBy: fc.constantFrom<OutcomeGrouping>('month', 'department', 'diagnosisChapter'),
  convention: fc.constantFrom<Convention>('midnights', 'inpatient-census'),
});

const v = (m: Measure, grouping: GridGrouping | null, group: string, month: number) => `${m}|${grouping ?? 'all'}|${grouping ? group : ''}|${month}`;
const COUNT_FIELDS: [keyof GridRowView, ShownMeasure][] = [['discharges', 'D'], ['indexStays', 'I'], ['readmissions', 'R']];

describe('release grid: the differencing attacker', () => {
  it('property: random pairs and triples of requests, solved together, never give a suppressed count or a hidden one from 1 to 10', () => {
    fc.assert(
      fc.property(hospital, fc.array(request, { minLength: 2, maxLength: 3 }), (h, requests) => {
        const grids = { midnights: gridsOf(h, 'midnights'), 'inpatient-census': gridsOf(h, 'inpatient-census') };
        const releases = grids.midnights.map((g) => monthRelease(g));
        // The decision does not depend on the convention (lengths of stay are not counts).
        grids['inpatient-census'].forEach((g, k) => expect([...monthRelease(g).suppressed].sort()).toEqual([...releases[k].suppressed].sort()));
        const truth = new Map<string, number>();
        const equations: Equation[] = [];
        grids.midnights.forEach((g, k) => {
          for (const m of [...SHOWN_MEASURES, ...HIDDEN]) truth.set(v(m, null, '', k), measureOf(g.all, m));
          for (const grouping of GRID_GROUPINGS) {
            const groups = [...g.groups[grouping].keys()].sort();
            for (const name of groups) for (const m of [...SHOWN_MEASURES, ...HIDDEN]) truth.set(v(m, grouping, name, k), measureOf(g.groups[grouping].get(name)!, m));
            if (groups.length === 0) continue;
            const rows = [...groups, null];
            const table = (cols: Measure[], total: Measure) => rows.map((r) => [...cols, total].map((m) => v(m, r === null ? null : grouping, r ?? '', k)));
            for (const t of [table(['K', 'expired', 'transfer-acute', 'ama'], 'D'), table([...INDEX_DISPOSITIONS], 'K'), table(['I', 'X'], 'K'), table(['R', 'N'], 'I'), table(['S', 'Q'], 'D')]) {
              equations.push(...gridEquations(t));
            }
          }
        });
        const published = (m: ShownMeasure, grouping: GridGrouping | null, group: string, k: number) => releases[k].isPublished(m, grouping, group);
        for (const r of requests) {
          const first = Math.min(r.from, h.months - 1);
          const last = Math.min(first + r.span, h.months - 1);
          const months = Array.from({ length: last - first + 1 }, (_, i) => first + i);
          const report = gridReport(grids[r.convention].slice(first, last + 1), r.groupBy, (n) => [...n].sort());
          const rows: [GridRowView, GridGrouping | null, string, number[]][] = [
            ...report.groups.map((row, i): [GridRowView, GridGrouping | null, string, number[]] =>
              r.groupBy === 'month' ? [row, null, '', [months[i]]] : [row, r.groupBy, row.group, months]),
            [report.total, null, '', months],
          ];
          for (const [row, grouping, group, ks] of rows) {
            const present = ks.filter((k) => truth.has(v('D', grouping, group, k)));
            // What the attacker writes down: sum over the published cells of the row = the number shown (checked true).
            const sumEq = (m: Measure, needs: ShownMeasure[], shown: unknown, coef: (m: Measure) => [Measure, number][] = (x) => [[x, 1]]) => {
              const cells = present.filter((k) => needs.every((n) => published(n, grouping, group, k)));
              const eq: Equation = cells.flatMap((k) => coef(m).map(([x, c]) => ({ cell: v(x, grouping, group, k), coef: c })));
              const value = eq.reduce((a, t) => a + t.coef * truth.get(t.cell)!, 0);
              if (typeof shown === 'number' || isSuppressed(shown)) expect([row.group, m, isSuppressed(shown) ? 0 : shown]).toEqual([row.group, m, value]);
              // The right-hand side is a known number: only which cells the equation ties together matters to the solver.
              if (eq.length > 0) equations.push(eq);
            };
            for (const [field, m] of COUNT_FIELDS) sumEq(m, [m], row[field]);
            for (const d of DISPOSITIONS) sumEq(d, [d], row.dispositions[d]);
            sumEq('D', ['D', 'transfer-acute'], row.mortalityEligibleDischarges, () => [['D', 1], ['transfer-acute', -1]]);
            // Rates and averages: their exact numerators and denominators (the strongest reading of a rounded ratio).
            for (const [needs, ms] of [[['R', 'I'], ['R', 'I']], [['D', 'S'], ['D', 'S']], [['D', 'transfer-acute', 'expired'], ['expired', 'D', 'transfer-acute']]] as [ShownMeasure[], ShownMeasure[]][]) {
              for (const m of ms) sumEq(m, needs, undefined);
            }
          }
        }
        // Every true cell is an unknown; a cell is found when the equations pin it to one value.
        const determined = determinedUnknowns(equations, new Set(truth.keys()));
        const leaks = [...determined].filter((name) => {
          const [m, grouping, group, k] = name.split('|');
          const isHidden = (HIDDEN as readonly string[]).includes(m);
          if (isHidden) return isSmallCount(truth.get(name)!);
          return !releases[Number(k)].isPublished(m as ShownMeasure, grouping === 'all' ? null : (grouping as GridGrouping), group);
        });
        expect(leaks).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });
});
