/**
 * HL7 v3 PurposeOfUse codes (the value set FHIR AuditEvent.purposeOfEvent and IHE BALP use), plus the ones
 * this service records itself. The X-Purpose-Of-Use header must be one of them.
 */
export const PURPOSES_OF_USE = {
  TREAT: 'treatment',
  ETREAT: 'emergency treatment (break-the-glass)',
  HPAYMT: 'healthcare payment',
  HOPERAT: 'healthcare operations',
  CAREMGT: 'care management',
  HRESCH: 'healthcare research',
  HQUALIMP: 'quality improvement',
  HOUTCOMS: 'health outcome measures',
  HCOMPL: 'compliance',
  HLEGAL: 'legal',
  HSYSADMIN: 'system administration',
  PATRQT: 'patient requested',
  FAMRQT: 'family requested',
  PWATRNY: 'power of attorney',
  PUBHLTH: 'public health',
  LAW: 'law enforcement',
  TRAIN: 'training',
  COVERAGE: 'coverage under policy or program',
  DISCLOSURE: 'release of information (recorded by the ROI workflow)',
} as const;

export type PurposeOfUse = keyof typeof PURPOSES_OF_USE;
export const PURPOSE_CODES = Object.keys(PURPOSES_OF_USE) as PurposeOfUse[];

export function isPurposeOfUse(v: string): v is PurposeOfUse {
  return Object.prototype.hasOwnProperty.call(PURPOSES_OF_USE, v);
}
