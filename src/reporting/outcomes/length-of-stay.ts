import { MeasureDefinition, SOURCES } from '../definitions';
import type { ReportSql } from '../sql-dialect';

/**
 * Length of stay, in whole days, by one of two conventions (LOS_CONVENTION):
 *
 * - 'midnights' (default; AHRQ HCUP): discharge date - admission date. A same-day stay is 0; admitted Monday,
 *   discharged Wednesday is 2 (the number of midnights spent in hospital).
 * - 'calendar-days': the number of calendar days on which the patient was in hospital, admission and discharge
 *   days both counted: midnights + 1. A same-day stay is 1; Monday to Wednesday is 3.
 *
 * Dates are UTC calendar dates (see sql-dialect.ts). The average and the median are over all discharges in the
 * group (deaths and transfers included: they used the beds too).
 */
export const LOS_CONVENTIONS = ['midnights', 'calendar-days'] as const;
export type LosConvention = (typeof LOS_CONVENTIONS)[number];
export const DEFAULT_LOS_CONVENTION: LosConvention = 'midnights';

/** SQL: the length of stay of the stay aliased `e`, in whole days, under the convention. */
export function lengthOfStaySql(sql: ReportSql, convention: LosConvention, e: string): string {
  const midnights = sql.daysBetween(sql.dateOf(`${e}.admitted_at`), sql.dateOf(`${e}.discharged_at`));
  return convention === 'calendar-days' ? `(${midnights} + 1)` : midnights;
}

export function lengthOfStayDefinitions(convention: LosConvention): MeasureDefinition[] {
  const rule =
    convention === 'calendar-days'
      ? 'Length of stay = the number of calendar days the patient spent in hospital, the admission day and the discharge day both counted ' +
        '(discharge date minus admission date, plus 1). A same-day stay counts 1; admitted Monday and discharged Wednesday counts 3. ' +
        '(Convention "calendar-days", set by LOS_CONVENTION.)'
      : 'Length of stay = discharge date minus admission date, in days (the number of midnights spent in hospital). A same-day stay ' +
        'counts 0; admitted Monday and discharged Wednesday counts 2. (Convention "midnights", the default, set by LOS_CONVENTION.)';
  return [
    {
      measure: 'average length of stay',
      rule: `${rule} The average is the sum of the lengths of stay divided by the number of discharges, deaths and transfers included.`,
      numerator: 'sum of lengths of stay',
      denominator: 'discharges',
      source: SOURCES.hcupLos,
    },
    {
      measure: 'median length of stay',
      rule: 'The middle length of stay when the group\'s discharges are sorted by length of stay; with an even number of discharges, the average of the two middle ones.',
      source: SOURCES.hcupLos,
    },
  ];
}
