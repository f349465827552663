import { num } from '../../database/db';
import type { Published } from '../report-document';
import { Disposition, DISPOSITIONS, dispositionColumn } from './dispositions';
import type { OutcomesRow } from './outcomes-query';

/** One group's counts, straight from the database. */
export interface OutcomeCounts {
  group: string;
  discharges: number;
  indexStays: number;
  readmissions: number;
  sameDay: number;
  losSum: number;
  losMedian: number | null;
  deaths: number;
  mortalityEligible: number;
  dispositions: Record<Disposition, number>;
}

/** One group as the report shows it. Rates are fractions (0.125 = 12.5%); null where the denominator is 0. */
export interface OutcomeGroupView {
  group: string;
  discharges: Published<number>;
  indexStays: Published<number>;
  readmissions: Published<number>;
  readmissionRate: Published<number | null>;
  averageLengthOfStay: Published<number | null>;
  medianLengthOfStay: Published<number | null>;
  deaths: Published<number>;
  mortalityEligibleDischarges: Published<number>;
  mortalityRate: Published<number | null>;
  dispositions: Record<Disposition, Published<number>>;
}

export function countsOf(row: OutcomesRow, group: string): OutcomeCounts {
  const dispositions = Object.fromEntries(DISPOSITIONS.map((d) => [d, num(row[dispositionColumn(d)])])) as Record<Disposition, number>;
  return {
    group,
    discharges: num(row.discharges),
    indexStays: num(row.index_stays),
    readmissions: num(row.readmissions),
    sameDay: num(row.same_day),
    losSum: num(row.los_sum),
    losMedian: row.los_median === null || row.los_median === undefined ? null : Number(row.los_median),
    deaths: num(row.deaths),
    mortalityEligible: num(row.mortality_eligible),
    dispositions,
  };
}

export function emptyCounts(group: string): OutcomeCounts {
  return {
    group, discharges: 0, indexStays: 0, readmissions: 0, sameDay: 0, losSum: 0, losMedian: null, deaths: 0, mortalityEligible: 0,
    dispositions: Object.fromEntries(DISPOSITIONS.map((d) => [d, 0])) as Record<Disposition, number>,
  };
}

/** A rate, rounded to four decimals (0.1234 = 12.34%); null when nothing was at risk. */
export function rate(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : round(numerator / denominator, 4);
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Every number shown as counted: identified output (a privacy officer, an instructor). De-identified: grid-views.ts. */
export function viewOf(c: OutcomeCounts): OutcomeGroupView {
  const eligible = c.discharges - c.dispositions['transfer-acute'];
  return {
    group: c.group,
    discharges: c.discharges,
    indexStays: c.indexStays,
    readmissions: c.readmissions,
    readmissionRate: rate(c.readmissions, c.indexStays),
    averageLengthOfStay: c.discharges === 0 ? null : round(c.losSum / c.discharges, 2),
    medianLengthOfStay: c.losMedian,
    deaths: c.deaths,
    mortalityEligibleDischarges: eligible,
    mortalityRate: rate(c.deaths, eligible),
    dispositions: { ...c.dispositions },
  };
}
