import { MeasureDefinition, SOURCES } from '../definitions';

/**
 * Who the outcome measures are about: inpatient stays discharged in the report's date range. A stay marked
 * entered-in-error is not a stay (it was never real); amended and active rows are.
 */
export const ACTIVE_ENCOUNTER_SQL = (e: string) => `${e}.status <> 'entered-in-error'`;
export const INPATIENT_SQL = (e: string) => `${e}.encounter_class = 'inpatient'`;

export const DISCHARGES_DEFINITION: MeasureDefinition = {
  measure: 'discharges',
  rule:
    'Inpatient stays whose discharge falls in the date range (from and to both included, on the discharge\'s UTC calendar date). ' +
    'Stays still open (no discharge yet) and records marked entered-in-error are left out; each remaining stay counts once.',
  source: SOURCES.hcupLos,
};

export const DAY_ARITHMETIC_DEFINITION: MeasureDefinition = {
  measure: 'day arithmetic',
  rule:
    'Every time is stored in UTC, and the calendar date of a time is its UTC date. A number of days between two events is the ' +
    'difference of their calendar dates: discharged on 1 March at 23:30 and readmitted on 2 March at 00:10 is day 1; ' +
    'readmitted later on the day of discharge is day 0.',
  source: SOURCES.hcupLos,
};

/**
 * SQL: a column of the principal diagnosis of the stay aliased `e`: its latest active primary diagnosis (NULL when
 * none). The one definition of "principal diagnosis" for grouping by chapter, the readmission cohort and the planned
 * readmission rules.
 */
export function principalDiagnosisSql(e: string, column: 'code' | 'chapter'): string {
  return `(SELECT d.${column} FROM diagnoses d
          WHERE d.encounter_id = ${e}.id AND d.is_primary = TRUE AND d.status = 'active'
          ORDER BY d.recorded_at DESC, d.id DESC LIMIT 1)`;
}
