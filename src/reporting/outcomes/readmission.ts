import { MeasureDefinition, SOURCES } from '../definitions';
import type { ReportSql } from '../sql-dialect';
import { ACTIVE_ENCOUNTER_SQL, INPATIENT_SQL } from './population';

/**
 * 30-day all-cause unplanned readmission (CMS Hospital-Wide Readmission measure, simplified to one hospital).
 *
 * Index stay: an inpatient discharge in the range, discharged alive (not 'expired'), not transferred to another
 * acute-care hospital ('transfer-acute': the stay goes on elsewhere, so it is not yet a discharge to the community),
 * and not left against medical advice ('ama': CMS excludes these, the hospital could not complete the care).
 * A discharge with no recorded disposition is taken as alive and not transferred.
 *
 * Readmission: another inpatient stay of the same patient, unplanned (planned_readmission = FALSE; CMS Planned
 * Readmission Algorithm), not entered-in-error, admitted after the index discharge time and on day 0 to day 30
 * after it, where day = admission date - index discharge date (UTC calendar dates). Day 30 counts; day 31 does not.
 * Whether the readmission was itself discharged in the range does not matter; it is itself an index stay when it
 * qualifies. An index stay counts at most one readmission however many follow it (EXISTS, not COUNT).
 */
export const READMISSION_WINDOW_DAYS = 30;
export const NOT_INDEX_DISPOSITIONS = ['expired', 'transfer-acute', 'ama'] as const;

/** SQL condition: the stay aliased `e` (already known to be an inpatient discharge) is an index stay. */
export function isIndexStaySql(e: string): string {
  return `COALESCE(${e}.disposition, 'unknown') NOT IN (${NOT_INDEX_DISPOSITIONS.map((d) => `'${d}'`).join(', ')})`;
}

/**
 * SQL condition: an unplanned inpatient admission follows the stay `e` within the window. Written as a range on
 * (patient_id, admitted_at), so each index stay costs one probe of the encounters_patient index: "before the start
 * of day 31" is the same as "day <= 30".
 */
export function readmissionExistsSql(sql: ReportSql, e: string): string {
  return `EXISTS (
      SELECT 1 FROM encounters r
       WHERE r.patient_id = ${e}.patient_id
         AND r.admitted_at > ${e}.discharged_at
         AND r.admitted_at < ${sql.plusDays(sql.dateOf(`${e}.discharged_at`), READMISSION_WINDOW_DAYS + 1)}
         AND ${INPATIENT_SQL('r')}
         AND ${ACTIVE_ENCOUNTER_SQL('r')}
         AND r.planned_readmission = FALSE
         AND r.id <> ${e}.id)`;
}

export const INDEX_STAY_DEFINITION: MeasureDefinition = {
  measure: 'index stays',
  rule:
    'Discharges that can start a readmission window: the patient left alive (disposition not "expired"), was not transferred to ' +
    'another acute-care hospital ("transfer-acute") and did not leave against medical advice ("ama"). A discharge without a recorded ' +
    'disposition counts as an index stay.',
  source: SOURCES.cmsReadmission,
};

export const READMISSION_DEFINITION: MeasureDefinition = {
  measure: '30-day readmission rate',
  rule:
    `An index stay is readmitted when the same patient has another inpatient admission that is unplanned, starts after the index ` +
    `discharge, and starts on day 0 to day ${READMISSION_WINDOW_DAYS} after it (day = admission date minus discharge date, in UTC calendar ` +
    `days; day ${READMISSION_WINDOW_DAYS} counts, day ${READMISSION_WINDOW_DAYS + 1} does not). Planned readmissions (e.g. a scheduled ` +
    `chemotherapy or staged surgery) do not count. Each index stay counts at most one readmission, and a readmission is itself an ` +
    `index stay when it qualifies. The readmission may fall after the end of the range; index stays discharged in the last 30 days ` +
    `before today have not had their whole window yet.`,
  numerator: 'index stays followed by at least one unplanned readmission within 30 days',
  denominator: 'index stays',
  source: SOURCES.cmsReadmission,
};
