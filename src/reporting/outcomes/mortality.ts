import { MeasureDefinition, SOURCES } from '../definitions';

/**
 * In-hospital mortality (AHRQ Inpatient Quality Indicators): deaths in hospital over eligible discharges.
 * Eligible: every discharge except transfers to another acute-care hospital ('transfer-acute'), whose outcome this
 * hospital does not see (the patient may die or recover at the other hospital). A death is disposition 'expired'.
 */
export const DEATH_DISPOSITION = 'expired';
export const MORTALITY_EXCLUDED_DISPOSITIONS = ['transfer-acute'] as const;

export const MORTALITY_DEFINITION: MeasureDefinition = {
  measure: 'in-hospital mortality',
  rule:
    'Deaths in hospital (discharge disposition "expired") divided by eligible discharges. Eligible discharges are all discharges except ' +
    'transfers to another acute-care hospital ("transfer-acute"): their outcome happens at the other hospital. Patients who left ' +
    'against medical advice are eligible (they were discharged alive).',
  numerator: 'discharges with disposition "expired"',
  denominator: 'discharges minus transfers to another acute-care hospital',
  source: SOURCES.ahrqIqi,
};
