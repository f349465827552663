import { SOURCES } from '../definitions';

/**
 * The readmission cohort of the CMS Hospital-Wide All-Cause Unplanned Readmission measure (HWR), as this service
 * implements it from its own records (docs/outcome-measures.md). Each exclusion below is one SQL condition on the
 * stay aliased `e`, its principal diagnosis `pdx` (the stay's latest active primary diagnosis, see population.ts)
 * and the patient's age at admission; the same list is what the definition endpoint shows.
 *
 * Population: adults, 18 and over on the day of admission. The published CMS measure is limited to Medicare
 * fee-for-service beneficiaries aged 65 and over because it is computed from Medicare claims; the measure
 * developer (Yale CORE) also specified and tested it for all payers, adults 18 and over, and a hospital's own
 * records cover every payer. A teaching service shows the hospital's whole adult population, so: 18+.
 */
export interface CohortExclusion {
  /** A short name, also the key of the exclusion in the definition. */
  exclusion: string;
  rule: string;
  source: string;
}

/** Principal diagnoses of primary psychiatric disease (HWR: AHRQ CCS 650-652, 654-659, 662, 670). */
export const PSYCHIATRIC_PDX = { from: 'F20', to: 'F99' } as const;
/** Rehabilitation care, fitting of prostheses and adjustment of devices (AHRQ CCS 254), by ICD-10 category. */
export const REHABILITATION_PDX_PREFIXES = ['Z44', 'Z45', 'Z46', 'Z47', 'Z50'] as const;
/** Encounters for radiotherapy (Z51.0) and antineoplastic chemotherapy or immunotherapy (Z51.1x). */
export const CANCER_TREATMENT_PDX_PREFIXES = ['Z51.0', 'Z51.1'] as const;
/** Malignant neoplasms (ICD-10-CM C00-C96): medical treatment of cancer when the stay had no surgical procedure. */
export const MALIGNANT_PDX = { from: 'C00', to: 'C96' } as const;
export const ADULT_AGE = 18;

/** The ICD-10 category (first three characters) of a code expression lies in [from, to]. */
const categoryIn = (code: string, r: { from: string; to: string }) => `(substr(${code}, 1, 3) BETWEEN '${r.from}' AND '${r.to}')`;
const startsWithAny = (code: string, prefixes: readonly string[]) =>
  `(${prefixes.map((p) => `substr(${code}, 1, ${p.length}) = '${p}'`).join(' OR ')})`;

/** SQL: the patient (aliased `p`) was 18 or older on the day the stay `e` began (birthday reached that day). */
export function adultAtAdmissionSql(e: string, p: string): string {
  // The 18th birthday as 'YYYY-MM-DD' text: the birth year + 18, then the birth month and day; compared as text.
  return `(substr(${e}.admitted_at, 1, 10) >= (CAST(CAST(substr(${p}.birth_date, 1, 4) AS INTEGER) + ${ADULT_AGE} AS TEXT) || substr(${p}.birth_date, 5, 6)))`;
}

/** SQL: the stay `e` had a surgical (ICD-10-PCS medical and surgical section, 0) procedure. */
export function surgicalProcedureSql(e: string): string {
  return `EXISTS (SELECT 1 FROM procedures pr WHERE pr.encounter_id = ${e}.id AND pr.status <> 'entered-in-error'
            AND pr.code_system = 'ICD-10-PCS' AND substr(pr.code, 1, 1) = '0')`;
}

/**
 * The exclusions, in order, each with its SQL over the stays CTE's columns (disposition, pdx, adult, surgical).
 * A stay is an index stay when none applies.
 */
export const COHORT_EXCLUSIONS: (CohortExclusion & { sql: string })[] = [
  {
    exclusion: 'under 18',
    rule: `Patients under ${ADULT_AGE} on the day of admission are left out. The CMS measure covers Medicare beneficiaries 65 and over; this service uses adults ${ADULT_AGE} and over, as in the measure's all-payer specification, because a hospital's own records cover every payer.`,
    source: SOURCES.cmsHwrCohort,
    sql: 'adult = 0',
  },
  {
    exclusion: 'died in hospital',
    rule: 'Stays ending in death (disposition "expired"): no readmission can follow.',
    source: SOURCES.cmsHwrCohort,
    sql: "disposition = 'expired'",
  },
  {
    exclusion: 'transferred to another acute-care hospital',
    rule: 'Stays ending in a transfer to another acute-care hospital ("transfer-acute"): the episode of care goes on at the other hospital, which would hold the index stay.',
    source: SOURCES.cmsHwrCohort,
    sql: "disposition = 'transfer-acute'",
  },
  {
    exclusion: 'left against medical advice',
    rule: 'Stays the patient left against medical advice ("ama"): the hospital could not complete the care.',
    source: SOURCES.cmsHwrCohort,
    sql: "disposition = 'ama'",
  },
  {
    exclusion: 'primary psychiatric diagnosis',
    rule:
      `Principal diagnosis in ICD-10-CM ${PSYCHIATRIC_PDX.from}-${PSYCHIATRIC_PDX.to} (schizophrenia, mood, anxiety, personality, eating, ` +
      'developmental and other mental disorders): such stays are usually cared for in psychiatric units not comparable with acute care. ' +
      'Delirium and dementia (F01-F09) and substance use (F10-F19) stay in the cohort, as in the CMS measure (their AHRQ CCS categories, 653, 660 and 661, ' +
      'belong to its medicine and neurology cohorts). Simplification: the measure excludes by AHRQ CCS category; this service by ICD-10-CM category range.',
    source: SOURCES.cmsHwrCohort,
    sql: categoryIn('pdx', PSYCHIATRIC_PDX),
  },
  {
    exclusion: 'rehabilitation',
    rule:
      `Principal diagnosis of rehabilitation care, fitting of prostheses or adjustment of devices (ICD-10 ${REHABILITATION_PDX_PREFIXES.join(', ')}; ` +
      'the measure uses AHRQ CCS 254).',
    source: SOURCES.cmsHwrCohort,
    sql: startsWithAny('pdx', REHABILITATION_PDX_PREFIXES),
  },
  {
    exclusion: 'medical treatment of cancer',
    rule:
      'Principal diagnosis of an encounter for radiotherapy or chemotherapy/immunotherapy (Z51.0, Z51.1x), or of a malignant neoplasm ' +
      `(${MALIGNANT_PDX.from}-${MALIGNANT_PDX.to}) when the stay had no surgical procedure (no ICD-10-PCS code of the medical and surgical section): ` +
      'these patients follow treatment plans the measure cannot judge. Cancer surgery stays remain in the cohort.',
    source: SOURCES.cmsHwrCohort,
    sql: `(${startsWithAny('pdx', CANCER_TREATMENT_PDX_PREFIXES)} OR (${categoryIn('pdx', MALIGNANT_PDX)} AND surgical = 0))`,
  },
];

/** SQL condition over the stays CTE: the stay is in the readmission cohort (an index stay). */
export function inCohortSql(): string {
  return `NOT (${COHORT_EXCLUSIONS.map((x) => `COALESCE(${x.sql}, FALSE)`).join(' OR ')})`;
}

/** The exclusions as the definition shows them (without their SQL). */
export function cohortExclusions(): CohortExclusion[] {
  return COHORT_EXCLUSIONS.map(({ exclusion, rule, source }) => ({ exclusion, rule, source }));
}

/** What is not applicable from the CMS specification, and why: shown with the exclusions, so nothing is silently dropped. */
export const COHORT_NOT_APPLICABLE: CohortExclusion[] = [
  {
    exclusion: 'enrollment and PPS-exempt cancer hospital exclusions',
    rule:
      'The CMS measure also leaves out stays without 30 days of Medicare enrollment after discharge and stays at PPS-exempt cancer hospitals. ' +
      'Neither applies to one hospital\'s own records (no payer enrollment data; not a cancer hospital).',
    source: SOURCES.cmsHwrCohort,
  },
  {
    exclusion: 'risk standardization',
    rule:
      'The CMS measure reports a risk-standardized rate (hierarchical models per specialty cohort). This report shows the observed (crude) ' +
      'rate of the same cohort, the numerator and denominator a hospital checks before any modelling.',
    source: SOURCES.cmsHwrCohort,
  },
];
