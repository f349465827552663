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
 * Who receives a third-party release, as the request states it (the basis of the release is established from the
 * recipient and the purpose, issue 12, item 1). A life or disability insurer, an employer, an attorney are not
 * covered entities: what they get needs an authorization (164.508) or legal process (164.512(e)).
 */
export const RECIPIENT_KINDS = [
  'individual', 'health-care-provider', 'health-plan', 'provider-billing', 'life-insurer', 'employer', 'attorney', 'law-enforcement', 'court',
  'public-health-authority', 'other',
] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

/** The bases a release of information may rest on; the others of LEGAL_BASES are refused (issue 12, item 1). */
export const RELEASE_BASES = ['individual', 'treatment', 'payment', 'operations', 'authorization', 'judicial', 'law-enforcement', 'public-health'] as const;
export type ReleaseBasis = (typeof RELEASE_BASES)[number];

/** Which recipients each basis can go to (164.506(c)(1)-(4), 164.512(b), (e), (f)); authorization: anyone. */
const RECIPIENTS_OF: Record<Exclude<ReleaseBasis, 'individual' | 'authorization' | 'judicial'>, readonly RecipientKind[]> = {
  treatment: ['health-care-provider'],
  payment: ['health-plan', 'provider-billing', 'health-care-provider'],
  operations: ['health-care-provider', 'health-plan'],
  'law-enforcement': ['law-enforcement'],
  'public-health': ['public-health-authority'],
};

/** The recipient the requester type implies; an insurer must say whether it is a health plan (null: unstated). */
export function defaultRecipientKind(requesterType: RequesterType): RecipientKind | null {
  const byType: Record<RequesterType, RecipientKind | null> = {
    self: 'individual', provider: 'health-care-provider', insurer: null, attorney: 'attorney', law_enforcement: 'law-enforcement', other: 'other',
  };
  return byType[requesterType];
}

/** The facts the basis is established from. */
export interface BasisInput {
  requesterType: RequesterType;
  recipientKind: RecipientKind | null;
  hasAuthorization: boolean;
  /** A court order, subpoena or discovery request came with the request (164.512(e)). */
  hasLegalProcess: boolean;
}

/**
 * The basis when the request does not name one, from the recipient: the individual's own request is the right of
 * access; an authorization, when one came with it; a provider gets records for treatment, a health plan or the
 * provider's billing for payment (164.506(c)); a court or a party with legal process under 164.512(e); law
 * enforcement under 164.512(f); a public health authority under 164.512(b); anyone else (a life insurer, an
 * employer, an attorney without legal process) needs an authorization. Null: the recipient is not stated.
 */
export function defaultLegalBasis(input: BasisInput): LegalBasis | null {
  if (input.requesterType === 'self') return 'individual';
  if (input.hasAuthorization) return 'authorization';
  switch (input.recipientKind) {
    case 'health-care-provider':
      return 'treatment';
    case 'health-plan':
    case 'provider-billing':
      return 'payment';
    case 'law-enforcement':
      return 'law-enforcement';
    case 'court':
      return 'judicial';
    case 'public-health-authority':
      return 'public-health';
    case null:
      return null;
    default:
      return input.hasLegalProcess ? 'judicial' : 'authorization';
  }
}

/** The basis a stored request was logged under (rows from before issue 12 have no recipient kind). */
export function storedBasis(legalBasis: LegalBasis | null, requesterType: RequesterType, hasAuthorization: boolean, recipientKind: RecipientKind | null): LegalBasis {
  if (legalBasis) return legalBasis;
  return defaultLegalBasis({ requesterType, recipientKind: recipientKind ?? defaultRecipientKind(requesterType), hasAuthorization, hasLegalProcess: false }) ?? 'authorization';
}

type Problem = { field: string; problem: string };

/**
 * Intake problems (400 field entries): the basis must be one a release may rest on and fit the recipient. The
 * conditions of the basis (documents, assurances) are checked at validation (release-basis-conditions.ts).
 */
export function basisProblems(input: BasisInput, basis: LegalBasis | null): Problem[] {
  const out: Problem[] = [];
  const { requesterType, recipientKind, hasAuthorization } = input;
  if (basis === null) {
    out.push({
      field: 'recipientKind',
      problem: 'is required: say whether the insurer is a health plan (payment, 164.506(c)) or another insurer such as a life or disability insurer, which is not a health plan (164.103) and needs an authorization (164.508)',
    });
    return out;
  }
  if (requesterType === 'self' && basis !== 'individual') {
    out.push({ field: 'legalBasis', problem: 'the patient\'s own request is made under the right of access: legalBasis individual (164.524)' });
  }
  if (requesterType !== 'self' && basis === 'individual') {
    out.push({ field: 'legalBasis', problem: 'individual is the basis of the patient\'s own request only (requesterType self)' });
  }
  if (requesterType !== 'self' && recipientKind === 'individual') {
    out.push({ field: 'recipientKind', problem: 'individual is the recipient of the patient\'s own request only (requesterType self)' });
  }
  if (requesterType === 'self' && hasAuthorization) {
    out.push({ field: 'authorization', problem: 'the patient\'s own request needs no authorization (right of access, 164.524); a copy to a third party needs the patient\'s signed direction (164.524(c)(3)(ii))' });
  }
  if (requesterType === 'self') return out;
  if (!(RELEASE_BASES as readonly string[]).includes(basis)) {
    out.push({
      field: 'legalBasis',
      problem: `${basis} is not a basis this release-of-information service releases under: treatment, payment, operations (164.506(c)), an authorization (164.508), legal process (164.512(e)), law enforcement (164.512(f)) or public health (164.512(b))`,
    });
    return out;
  }
  const allowed = (RECIPIENTS_OF as Record<string, readonly RecipientKind[] | undefined>)[basis];
  if (allowed && recipientKind !== null && !allowed.includes(recipientKind)) {
    out.push({ field: 'recipientKind', problem: `${recipientKind} cannot receive a ${basis} disclosure, which goes to ${allowed.join(' or ')} (${LEGAL_BASES[basis].citation})${recipientKind === 'life-insurer' ? ': a life or disability insurer is not a health plan (164.103); it needs an authorization (164.508)' : ''}` });
  }
  if (allowed && recipientKind === null) {
    out.push({ field: 'recipientKind', problem: `is required for a ${basis} disclosure: it goes to ${allowed.join(' or ')} (${LEGAL_BASES[basis].citation})` });
  }
  if (LEGAL_BASES[basis].needsAuthorization && !hasAuthorization) {
    out.push({ field: 'authorization', problem: `is required for legalBasis ${basis} (45 CFR 164.508)` });
  }
  if (!LEGAL_BASES[basis].needsAuthorization && hasAuthorization) {
    out.push({ field: 'legalBasis', problem: 'a request that comes with an authorization is a disclosure under it: legalBasis authorization' });
  }
  return out;
}

/** Exempt from the accounting (recorded, not listed), and under which exemption of 164.528(a)(1). */
export function accountingExemption(basis: LegalBasis): { exempt: boolean; exemption: string | null } {
  const exemption = LEGAL_BASES[basis].exemption;
  return { exempt: exemption !== null, exemption };
}
