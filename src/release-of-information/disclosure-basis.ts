/**
 * The legal basis of a disclosure, and whether it belongs in the accounting of disclosures (45 CFR 164.528).
 *
 * 164.528(a)(1) leaves out of the accounting the disclosures made: to carry out treatment, payment and health care
 * operations (i); to the individual (ii); incident to a permitted use or disclosure (iii); under an authorization
 * (iv); for the facility directory or to persons involved in the individual's care (v); for national security or
 * intelligence (vi); to correctional institutions or law enforcement officials with custody (vii); as part of a
 * limited data set (viii). Everything else (law enforcement, judicial proceedings, public health, health
 * oversight, research without authorization, required by law...) is accounted for.
 */

export const REQUESTER_TYPES = ['self', 'provider', 'insurer', 'attorney', 'law_enforcement', 'other'] as const;
export type RequesterType = (typeof REQUESTER_TYPES)[number];

export const LEGAL_BASES = {
  individual: { citation: '45 CFR 164.502(a)(1)(i), 164.524', exemption: 'to the individual (164.528(a)(1)(ii))', needsAuthorization: false },
  authorization: { citation: '45 CFR 164.508', exemption: 'under an authorization (164.528(a)(1)(iv))', needsAuthorization: true },
  treatment: { citation: '45 CFR 164.506(c)', exemption: 'treatment (164.528(a)(1)(i))', needsAuthorization: false },
  payment: { citation: '45 CFR 164.506(c)', exemption: 'payment (164.528(a)(1)(i))', needsAuthorization: false },
  operations: { citation: '45 CFR 164.506(c)', exemption: 'health care operations (164.528(a)(1)(i))', needsAuthorization: false },
  incidental: { citation: '45 CFR 164.502(a)(1)(iii)', exemption: 'incidental (164.528(a)(1)(iii))', needsAuthorization: false },
  'facility-directory': { citation: '45 CFR 164.510', exemption: 'facility directory or persons involved in care (164.528(a)(1)(v))', needsAuthorization: false },
  'national-security': { citation: '45 CFR 164.512(k)(2)', exemption: 'national security or intelligence (164.528(a)(1)(vi))', needsAuthorization: false },
  correctional: { citation: '45 CFR 164.512(k)(5)', exemption: 'correctional institution or custody (164.528(a)(1)(vii))', needsAuthorization: false },
  'limited-data-set': { citation: '45 CFR 164.514(e)', exemption: 'limited data set (164.528(a)(1)(viii))', needsAuthorization: false },
  'law-enforcement': { citation: '45 CFR 164.512(f)', exemption: null, needsAuthorization: false },
  judicial: { citation: '45 CFR 164.512(e)', exemption: null, needsAuthorization: false },
  'public-health': { citation: '45 CFR 164.512(b)', exemption: null, needsAuthorization: false },
  'health-oversight': { citation: '45 CFR 164.512(d)', exemption: null, needsAuthorization: false },
  'required-by-law': { citation: '45 CFR 164.512(a)', exemption: null, needsAuthorization: false },
  research: { citation: '45 CFR 164.512(i)', exemption: null, needsAuthorization: false },
} as const satisfies Record<string, { citation: string; exemption: string | null; needsAuthorization: boolean }>;

export type LegalBasis = keyof typeof LEGAL_BASES;
export const LEGAL_BASIS_CODES = Object.keys(LEGAL_BASES) as LegalBasis[];

/**
 * The basis when the request does not name one: the individual's own request is the right of access; an
 * authorization, when one came with the request; a provider asks for treatment, an insurer for payment, law
 * enforcement under 164.512(f); anyone else needs an authorization.
 */
export function defaultLegalBasis(requesterType: RequesterType, hasAuthorization: boolean): LegalBasis {
  if (requesterType === 'self') return 'individual';
  if (hasAuthorization) return 'authorization';
  switch (requesterType) {
    case 'provider':
      return 'treatment';
    case 'insurer':
      return 'payment';
    case 'law_enforcement':
      return 'law-enforcement';
    default:
      return 'authorization';
  }
}

/** Intake problems between requester type, basis and authorization (400 field entries). */
export function basisProblems(requesterType: RequesterType, basis: LegalBasis, hasAuthorization: boolean): { field: string; problem: string }[] {
  const out: { field: string; problem: string }[] = [];
  if (requesterType === 'self' && basis !== 'individual') {
    out.push({ field: 'legalBasis', problem: 'the patient\'s own request is made under the right of access: legalBasis individual (164.524)' });
  }
  if (requesterType !== 'self' && basis === 'individual') {
    out.push({ field: 'legalBasis', problem: 'individual is the basis of the patient\'s own request only (requesterType self)' });
  }
  if (requesterType === 'self' && hasAuthorization) {
    out.push({ field: 'authorization', problem: 'the patient\'s own request needs no authorization (right of access, 164.524)' });
  }
  if (requesterType !== 'self' && LEGAL_BASES[basis].needsAuthorization && !hasAuthorization) {
    out.push({ field: 'authorization', problem: `is required for legalBasis ${basis} (45 CFR 164.508)` });
  }
  if (requesterType !== 'self' && !LEGAL_BASES[basis].needsAuthorization && hasAuthorization) {
    out.push({ field: 'legalBasis', problem: 'a request that comes with an authorization is a disclosure under it: legalBasis authorization' });
  }
  return out;
}

/** Exempt from the accounting (recorded, not listed), and under which exemption of 164.528(a)(1). */
export function accountingExemption(basis: LegalBasis): { exempt: boolean; exemption: string | null } {
  const exemption = LEGAL_BASES[basis].exemption;
  return { exempt: exemption !== null, exemption };
}
