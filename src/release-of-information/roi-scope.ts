import type { RoiRequestFacts, RoiScope, RoiScopeLimits } from '../access/policy';
import { RECORD_TYPES, RecordType } from '../access/item-visibility';
import { Authorization, authorizedCategories } from './authorization';
import { LegalBasis, RecipientKind, RequesterType, storedBasis } from './disclosure-basis';
import { BasisFacts, COMPELLED, LegalProcess, ORDERS } from './release-basis-conditions';

/**
 * The scope of a release-of-information request: which record types, which dates, which restricted categories.
 * It is what the access policy checks for each item (roiScopeProblem in src/access/policy.ts) and what the scoped
 * reader and the package builder use.
 */

export { RECORD_TYPES };
export type { RecordType };

/**
 * The right of access (164.524) covers the whole designated record set, restricted categories included, but
 * not psychotherapy notes (164.524(a)(1)(i)). 'unspecified': a restricted item without a category.
 */
export const RIGHT_OF_ACCESS_CATEGORIES = ['behavioral-health', 'substance-use', 'hiv', 'reproductive', 'genetic', 'unspecified'] as const;

/**
 * A treatment disclosure needs no authorization and is not limited by authorization categories (164.506(c)(2)):
 * everything but psychotherapy notes (164.508(a)(2)) and 42 CFR Part 2 records (their own consent, 42 CFR 2.31,
 * 2.33) goes to the treating provider (issue 12, item 2).
 */
export const TREATMENT_CATEGORIES = ['behavioral-health', 'hiv', 'reproductive', 'genetic', 'unspecified'] as const;

export interface ScopedRequest {
  requesterType: RequesterType;
  legalBasis: LegalBasis;
  recordTypes: readonly string[];
  dateFrom: string | null;
  dateTo: string | null;
  authorization: Authorization | null;
  /** The court order, subpoena or law enforcement process the release answers (its scope limits the release). */
  legalProcess?: LegalProcess | null;
  /** The privacy officer approved the release (VIP charts, Part 2 records to a third party). */
  privacyApproved: boolean;
  /** The account that logged it (a personal representative may file the individual's own request). */
  createdBy?: number;
  patientId?: number;
  /** Who receives the release, as stated on the request (null: unstated, an older request). */
  recipientKind?: RecipientKind | null;
}

/** The restricted categories a release carries, by its basis. */
function releasedCategories(r: ScopedRequest): string[] {
  if (r.requesterType === 'self') return [...RIGHT_OF_ACCESS_CATEGORIES];
  if (r.legalBasis === 'authorization') return authorizedCategories(r.authorization);
  if (r.legalBasis === 'treatment') return [...TREATMENT_CATEGORIES];
  const lp = r.legalProcess;
  // 164.512(e)(1)(i): an order may expressly reach a restricted category (never Part 2 records nor psychotherapy notes).
  if (lp?.type && ORDERS.includes(lp.type) && (r.legalBasis === 'judicial' || r.legalBasis === 'law-enforcement')) {
    return (lp.scope?.categories ?? []).filter((c) => c !== 'substance-use' && c !== 'psychotherapy');
  }
  return [];
}

/**
 * THE choice of the rule that limits a release (issue 12, item 7): minimum necessary (164.502(b), 164.514(d))
 * except where 164.502(b)(2) exempts the disclosure: to the individual ((b)(2)(ii)), to a provider for treatment
 * ((b)(2)(i)), under an authorization ((b)(2)(iii)), required by law ((b)(2)(v), 164.512(a): court orders, court-ordered
 * warrants, judicial and grand jury subpoenas, whose own terms limit the release). Restricted categories and
 * psychotherapy notes are refused under the rule that actually keeps them out.
 */
export function scopeLimits(basis: LegalBasis, legalProcess?: LegalProcess | null): RoiScopeLimits {
  const psychotherapy = basis === 'individual'
    ? 'psychotherapy notes are excluded from the right of access (45 CFR 164.524(a)(1)(i))'
    : 'psychotherapy notes are disclosed only under an authorization that names them (45 CFR 164.508(a)(2))';
  const sensitive = 'this service releases behavioral health, HIV, reproductive and genetic information to a third party only under an authorization naming the category or an order expressly reaching it (stricter state laws, 45 CFR 160.203(b))';
  switch (basis) {
    case 'individual':
      return { scope: 'the individual\'s request, which defines what is released (45 CFR 164.524(c)(1); minimum necessary does not apply, 164.502(b)(2)(ii))', categories: 'not part of the right of access', psychotherapy };
    case 'authorization':
      return {
        scope: 'the authorization and the request (45 CFR 164.508(c)(1)(i); minimum necessary does not apply to an authorized disclosure, 164.502(b)(2)(iii))',
        categories: 'the authorization does not name this category (45 CFR 164.508(c)(1)(i))', psychotherapy,
      };
    case 'treatment':
      return { scope: 'what the treating provider asked for (minimum necessary does not apply to a disclosure for treatment, 45 CFR 164.502(b)(2)(i))', categories: 'not released for treatment without the specific consent', psychotherapy };
    default:
      break;
  }
  const lp = legalProcess;
  if (lp?.type && COMPELLED.includes(lp.type) && (basis === 'judicial' || basis === 'law-enforcement')) {
    const cite = basis === 'judicial' ? '164.512(e)(1)(i)' : '164.512(f)(1)(ii)(A)-(B)';
    return {
      scope: `what the ${lp.type} expressly reaches (45 CFR ${cite}; required by law, 164.512(a), so minimum necessary does not apply, 164.502(b)(2)(v))`,
      categories: ORDERS.includes(lp.type) ? `the ${lp.type} does not expressly reach this category (45 CFR ${cite})` : `the ${lp.type} does not reach it: ${sensitive}`, psychotherapy,
    };
  }
  return { scope: 'minimum necessary (45 CFR 164.502(b), 164.514(d))', categories: `${sensitive}, beyond the minimum necessary of 45 CFR 164.502(b)`, psychotherapy };
}

/** The request's own record types and dates, narrowed to what its legal process allows (164.512(e)(1)(i)). */
function narrowed(r: ScopedRequest): Pick<RoiScope, 'recordTypes' | 'dateFrom' | 'dateTo'> {
  const s = r.legalBasis === 'judicial' || r.legalBasis === 'law-enforcement' ? r.legalProcess?.scope : undefined;
  const recordTypes = s?.recordTypes ? r.recordTypes.filter((t) => s.recordTypes!.includes(t)) : [...r.recordTypes];
  const later = (a: string | null, b: string | undefined) => (b && (a === null || b > a) ? b : a);
  const earlier = (a: string | null, b: string | undefined) => (b && (a === null || b < a) ? b : a);
  return { recordTypes, dateFrom: later(r.dateFrom, s?.dateFrom), dateTo: earlier(r.dateTo, s?.dateTo) };
}

/** The scope: record types and dates (narrowed to the legal process), categories by basis, the rules that limit it. */
export function scopeOf(r: ScopedRequest): RoiScope {
  const categories = releasedCategories(r);
  // 42 CFR Part 2 records to a third party: even with a consent naming them, the privacy officer approves first.
  const part2AwaitingApproval = r.requesterType !== 'self' && categories.includes('substance-use') && !r.privacyApproved;
  return {
    ...narrowed(r), categories, limits: scopeLimits(r.legalBasis, r.legalProcess), ...(part2AwaitingApproval ? { part2AwaitingApproval } : {}),
  };
}

/** What an open request tells the access policy: its scope, and whether the privacy officer approved the release. */
export function requestFacts(id: number, r: ScopedRequest): RoiRequestFacts {
  // The basis and the recipient: what an agreed restriction is matched against (164.522(a), src/access/restriction-rule.ts).
  return { id, patientId: r.patientId, scope: scopeOf(r), privacyApproved: r.privacyApproved, disclosure: {
    legalBasis: r.legalBasis, requesterType: r.requesterType, recipientKind: r.recipientKind ?? null, createdBy: r.createdBy,
  } };
}

/** The columns of a roi_requests row the scope is made from (the repository's row and the scope source's). */
export interface ScopeColumns {
  requester_type: RequesterType;
  legal_basis: LegalBasis | null;
  recipient_kind: RecipientKind | null;
  record_types: string;
  date_from: string | null;
  date_to: string | null;
  authorization_json: string | null;
  basis_facts_json: string | null;
  privacy_approved_at: string | null;
  created_by: number;
  patient_id: number;
}

export const basisFactsOf = (r: Pick<ScopeColumns, 'basis_facts_json'>): BasisFacts => (r.basis_facts_json ? (JSON.parse(r.basis_facts_json) as BasisFacts) : {});

export function basisOfColumns(r: Pick<ScopeColumns, 'legal_basis' | 'requester_type' | 'authorization_json' | 'recipient_kind'>): LegalBasis {
  return storedBasis(r.legal_basis, r.requester_type, r.authorization_json !== null, r.recipient_kind);
}

export function scopedRequestOfColumns(r: ScopeColumns): ScopedRequest {
  return {
    requesterType: r.requester_type, legalBasis: basisOfColumns(r), recordTypes: JSON.parse(r.record_types) as string[], dateFrom: r.date_from,
    dateTo: r.date_to, authorization: r.authorization_json ? (JSON.parse(r.authorization_json) as Authorization) : null,
    legalProcess: basisFactsOf(r).legalProcess ?? null, privacyApproved: r.privacy_approved_at !== null, createdBy: Number(r.created_by),
    patientId: Number(r.patient_id), recipientKind: r.recipient_kind,
  };
}
