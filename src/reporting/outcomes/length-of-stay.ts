import { MeasureDefinition, SOURCES } from '../definitions';
import type { ReportSql } from '../sql-dialect';

/**
 * Length of stay, in whole days, by one of two conventions (LOS_CONVENTION):
 *
 * - 'midnights' (default; AHRQ HCUP): discharge date - admission date. A same-day stay is 0; admitted Monday,
 *   discharged Wednesday is 2 (the number of midnights spent in hospital).
 * - 'inpatient-census': the inpatient census (inpatient service days) convention taught in HIM statistics: the day
 *   of admission counts, the day of discharge does not, and a patient admitted and discharged the same day counts
 *   one day. So discharge date - admission date, but at least 1. Monday to Wednesday is 2; a same-day stay is 1.
 *   (An earlier version offered 'calendar-days', which added one to every stay: no census counts that way.)
 *
 * Dates are UTC calendar dates (see sql-dialect.ts). The average and the median are over all discharges in the
 * group (deaths and transfers included: they used the beds too).
 */
export const LOS_CONVENTIONS = ['midnights', 'inpatient-census'] as const;
export type LosConvention = (typeof LOS_CONVENTIONS)[number];
export const DEFAULT_LOS_CONVENTION: LosConvention = 'midnights';

/** SQL: the length of stay of the stay aliased `e`, in whole days, under the convention. */
export function lengthOfStaySql(sql: ReportSql, convention: LosConvention, e: string): string {
  const midnights = sql.daysBetween(sql.dateOf(`${e}.admitted_at`), sql.dateOf(`${e}.discharged_at`));
  return convention === 'inpatient-census' ? `(CASE WHEN ${midnights} < 1 THEN 1 ELSE ${midnights} END)` : midnights;
}

/**
 * The same rule in TypeScript, from the number of midnights: the de-identified grid keeps its histograms by midnights
 * (outcome-releases.ts) and applies the convention when it builds a report, so a frozen month serves both.
 */
export function lengthOfStayDays(convention: LosConvention, midnights: number): number {
  return convention === 'inpatient-census' ? Math.max(1, midnights) : midnights;
}

export function lengthOfStayDefinitions(convention: LosConvention): MeasureDefinition[] {
  const rule =
    convention === 'inpatient-census'
      ? 'Length of stay = inpatient service days: the day of admission counts and the day of discharge does not (discharge date minus ' +
        'admission date), and a patient admitted and discharged the same day counts 1 day. Admitted Monday and discharged Wednesday ' +
        'counts 2. (Convention "inpatient-census", set by LOS_CONVENTION.)'
      : 'Length of stay = discharge date minus admission date, in days (the number of midnights spent in hospital). A same-day stay ' +
        'counts 0; admitted Monday and discharged Wednesday counts 2. (Convention "midnights", the default, set by LOS_CONVENTION.)';
  return [
    {
      measure: 'average length of stay',
      rule: `${rule} The average is the sum of the lengths of stay divided by the number of discharges, deaths and transfers included.`,
      numerator: 'sum of lengths of stay',
      denominator: 'discharges',
      source: convention === 'inpatient-census' ? SOURCES.censusLos : SOURCES.hcupLos,
    },
    {
      measure: 'median length of stay',
      rule: 'The middle length of stay when the group\'s discharges are sorted by length of stay; with an even number of discharges, the average of the two middle ones.',
      source: convention === 'inpatient-census' ? SOURCES.censusLos : SOURCES.hcupLos,
    },
  ];
}
