/**
 * A measure's rule in words a student can read, with where the rule comes from. Every report carries the
 * definitions it used, so a number never travels without its meaning.
 */
export interface MeasureDefinition {
  measure: string;
  rule: string;
  numerator?: string;
  denominator?: string;
  source: string;
}

export const SOURCES = {
  cmsReadmission:
    'CMS Hospital-Wide All-Cause Unplanned Readmission measure (HWR; Yale CORE methodology for CMS), with the CMS Planned Readmission Algorithm deciding what counts as planned',
  cmsHwrCohort:
    'CMS Hospital-Wide All-Cause Unplanned Readmission Measure (HWR), Yale New Haven Health Services Corporation/Center for Outcomes Research and Evaluation (YNHHSC/CORE) for CMS: Measure Methodology Report (2011) and Measure Updates and Specifications Reports (version 3.0, 2014, and later annual updates), section "Cohort" (inclusion and exclusion criteria); NQF #1789',
  cmsPlannedReadmission:
    'CMS Planned Readmission Algorithm version 4.0 (YNHHSC/CORE), appendix of the HWR Measure Updates and Specifications Report: always-planned procedures (transplants) and diagnoses (maintenance chemotherapy, rehabilitation), potentially planned procedures not counted as planned when the principal diagnosis is acute',
  ahrqIqi: 'AHRQ Inpatient Quality Indicators (IQI), in-hospital mortality indicators: transfers to another acute-care hospital are excluded',
  hcupLos: 'AHRQ Healthcare Cost and Utilization Project (HCUP) length of stay: discharge date minus admission date, same-day stays counted as 0',
  censusLos: 'Inpatient census convention (inpatient service days) of hospital statistics as taught in HIM (AHIMA, Calculating and Reporting Healthcare Statistics): the admission day counts, the discharge day does not, an admission and discharge on the same day counts 1',
  nubcDisposition: 'NUBC UB-04 patient discharge status codes (01 home, 06 home health, 03 skilled nursing, 02 acute-care transfer, 07 left against medical advice, 20 expired)',
  cmsCellSize: 'CMS Cell Size Suppression Policy (no cell from 1 to 10, nor any value from which one can be derived); HIPAA de-identification, 45 CFR 164.514(b)',
  hipaaAccess: 'HIPAA right of access, 45 CFR 164.524(b)(2): act on a request no later than 30 days after receipt (one 30-day extension with written reasons)',
  hipaaAudit: 'HIPAA Security Rule audit controls, 45 CFR 164.312(b); information system activity review, 164.308(a)(1)(ii)(D)',
} as const;
