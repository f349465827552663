import { MeasureDefinition, SOURCES } from '../definitions';
import type { ReportSql } from '../sql-dialect';
import { cohortExclusions, inCohortSql, REHABILITATION_PDX_PREFIXES } from './cohort';
import { ACTIVE_ENCOUNTER_SQL, INPATIENT_SQL, principalDiagnosisSql } from './population';

/**
 * 30-day all-cause unplanned readmission (CMS Hospital-Wide Readmission measure, HWR, observed rate at one hospital).
 *
 * Index stay: an inpatient discharge in the range that is in the measure's cohort (cohort.ts: adult, discharged
 * alive, not transferred to another acute-care hospital, not against medical advice, not a primary psychiatric,
 * rehabilitation or medical cancer-treatment stay). A discharge with no recorded disposition is taken as alive and
 * not transferred.
 *
 * Readmission: another inpatient stay of the same patient, unplanned (plannedReadmissionSql: the Planned
 * Readmission Algorithm, simplified), not entered-in-error, admitted after the index discharge time and on day 0 to
 * day 30 after it, where day = admission date - index discharge date (UTC calendar dates). Day 30 counts; day 31
 * does not. A readmission counts whatever its own diagnosis (all-cause) and wherever it falls in or after the range;
 * it is itself an index stay when it qualifies. An index stay counts at most one readmission (EXISTS, not COUNT).
 */
export const READMISSION_WINDOW_DAYS = 30;

/** SQL condition over the stays CTE (columns disposition, pdx, adult, surgical): the stay is an index stay. */
export function isIndexStaySql(): string {
  return inCohortSql();
}

/** ICD-10 diagnosis codes that make an admission planned: maintenance chemotherapy and radiotherapy, rehabilitation. */
export const PLANNED_PDX_PREFIXES = ['Z51.0', 'Z51.1', ...REHABILITATION_PDX_PREFIXES] as const;

/**
 * SQL: the admission aliased `r` was planned (CMS Planned Readmission Algorithm v4.0, simplified):
 *  - always planned: a transplant (ICD-10-PCS root operation Y "transplantation" of the medical and surgical
 *    section, 0?Y...; or a bone marrow or stem cell transfusion, 302..G/X/Y), or a principal diagnosis of
 *    maintenance chemotherapy/immunotherapy (Z51.1x), radiotherapy (Z51.0) or rehabilitation;
 *  - potentially planned: an elective admission scheduled for a procedure, recorded at registration
 *    (encounters.planned_readmission). The algorithm also requires that its principal diagnosis is not acute; this
 *    service trusts the scheduling flag (the simplification, stated in the definition).
 */
export function plannedReadmissionSql(r: string): string {
  const pdx = principalDiagnosisSql(r, 'code');
  const plannedDx = PLANNED_PDX_PREFIXES.map((p) => `substr(${pdx}, 1, ${p.length}) = '${p}'`).join(' OR ');
  return `(${r}.planned_readmission = TRUE
         OR COALESCE((${plannedDx}), FALSE)
         OR EXISTS (SELECT 1 FROM procedures tp WHERE tp.encounter_id = ${r}.id AND tp.status <> 'entered-in-error'
                      AND tp.code_system = 'ICD-10-PCS'
                      AND (tp.code LIKE '0_Y%' OR (tp.code LIKE '302%' AND substr(tp.code, 6, 1) IN ('G', 'X', 'Y')))))`;
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
         AND r.id <> ${e}.id
         AND NOT ${plannedReadmissionSql('r')})`;
}

export const INDEX_STAY_DEFINITION: MeasureDefinition = {
  measure: 'index stays',
  rule:
    'Discharges that open a readmission window: the cohort of the CMS hospital-wide readmission measure. Every inpatient discharge ' +
    'in the range except: ' + cohortExclusions().map((x) => x.exclusion).join('; ') + ' (each exclusion, with its rule and source, ' +
    'in GET /reports/outcomes/definition). A discharge without a recorded disposition counts as alive and not transferred.',
  source: SOURCES.cmsHwrCohort,
};

export const PLANNED_READMISSION_DEFINITION: MeasureDefinition = {
  measure: 'planned readmission',
  rule:
    'A readmission is planned, and not counted, when (always planned) it includes a transplant (ICD-10-PCS root operation ' +
    '"transplantation", or a bone marrow or stem cell transfusion) or its principal diagnosis is maintenance chemotherapy or ' +
    'immunotherapy (Z51.1x), radiotherapy (Z51.0) or rehabilitation (Z44-Z47, Z50); or (potentially planned) it was an elective ' +
    'admission scheduled for a procedure. Simplification of the CMS algorithm: the procedure list is not the algorithm\'s full AHRQ CCS ' +
    'list, and a scheduled admission counts as planned even when its principal diagnosis is acute (the algorithm would count that one).',
  source: SOURCES.cmsPlannedReadmission,
};

export const READMISSION_DEFINITION: MeasureDefinition = {
  measure: '30-day readmission rate',
  rule:
    `An index stay is readmitted when the same patient has another inpatient admission, for any cause, that is unplanned, starts after ` +
    `the index discharge, and starts on day 0 to day ${READMISSION_WINDOW_DAYS} after it (day = admission date minus discharge date, in UTC ` +
    `calendar days; day ${READMISSION_WINDOW_DAYS} counts, day ${READMISSION_WINDOW_DAYS + 1} does not). Each index stay counts at most ` +
    `one readmission, and a readmission is itself an index stay when it qualifies. The readmission may fall after the end of the range. ` +
    `Observed (not risk-standardized) rate.`,
  numerator: 'index stays followed by at least one unplanned readmission within 30 days',
  denominator: 'index stays',
  source: SOURCES.cmsReadmission,
};
