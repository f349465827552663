import { num } from '../../database/db';
import { Published, SUPPRESSED } from '../report-document';
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

/** Every number shown as counted (identified output: a privacy officer, an instructor). */
export function viewOf(c: OutcomeCounts, isPublished: (cell: string) => boolean = () => true, key = ''): OutcomeGroupView {
  const show = <T>(cell: string, value: T): Published<T> => (isPublished(`${cell}:${key}`) ? value : SUPPRESSED);
  const both = (a: string, b: string) => isPublished(`${a}:${key}`) && isPublished(`${b}:${key}`);
  const transfers = c.dispositions['transfer-acute'];
  return {
    group: c.group,
    discharges: show('D', c.discharges),
    indexStays: show('I', c.indexStays),
    readmissions: show('R', c.readmissions),
    // A rate is shown only when both of its counts are: otherwise rate x denominator gives the numerator back.
    readmissionRate: both('R', 'I') ? rate(c.readmissions, c.indexStays) : SUPPRESSED,
    // Lengths of stay of a suppressed (small) group would describe a handful of identifiable stays.
    averageLengthOfStay: isPublished(`D:${key}`) ? (c.discharges === 0 ? null : round(c.losSum / c.discharges, 2)) : SUPPRESSED,
    medianLengthOfStay: isPublished(`D:${key}`) ? c.losMedian : SUPPRESSED,
    deaths: show('expired', c.deaths),
    mortalityEligibleDischarges: both('D', 'transfer-acute') ? c.discharges - transfers : SUPPRESSED,
    mortalityRate: both('D', 'transfer-acute') && isPublished(`expired:${key}`) ? rate(c.deaths, c.discharges - transfers) : SUPPRESSED,
    dispositions: Object.fromEntries(DISPOSITIONS.map((d) => [d, show(d, c.dispositions[d])])) as Record<Disposition, Published<number>>,
  };
}
