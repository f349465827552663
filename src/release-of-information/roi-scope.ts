import type { RoiRequestFacts, RoiScope } from '../access/policy';
import { RECORD_TYPES, RecordType } from '../access/item-visibility';
import { Authorization, authorizedCategories } from './authorization';
import type { LegalBasis, RequesterType } from './disclosure-basis';

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

export interface ScopedRequest {
  requesterType: RequesterType;
  legalBasis: LegalBasis;
  recordTypes: readonly string[];
  dateFrom: string | null;
  dateTo: string | null;
  authorization: Authorization | null;
  /** The privacy officer approved the release (VIP charts, Part 2 records to a third party). */
  privacyApproved: boolean;
  /** The account that logged it (a personal representative may file the individual's own request). */
  createdBy?: number;
  patientId?: number;
}

/**
 * Without an authorization naming them, restricted categories stay out of a third party's package, whatever the
 * basis: the conservative reading of 164.508(a)(2), 42 CFR 2.31 and the state laws on HIV and reproductive health.
 */
export function scopeOf(r: ScopedRequest): RoiScope {
  const categories =
    r.requesterType === 'self' ? [...RIGHT_OF_ACCESS_CATEGORIES] : r.legalBasis === 'authorization' ? authorizedCategories(r.authorization) : [];
  // 42 CFR Part 2 records to a third party: even with a consent naming them, the privacy officer approves first.
  const part2AwaitingApproval = r.requesterType !== 'self' && categories.includes('substance-use') && !r.privacyApproved;
  return { recordTypes: [...r.recordTypes], dateFrom: r.dateFrom, dateTo: r.dateTo, categories, ...(part2AwaitingApproval ? { part2AwaitingApproval } : {}) };
}

/** What an open request tells the access policy: its scope, and whether the privacy officer approved the release. */
export function requestFacts(id: number, r: ScopedRequest): RoiRequestFacts {
  // The basis and the recipient: what an agreed restriction is matched against (164.522(a), src/access/restriction-rule.ts).
  return { id, patientId: r.patientId, scope: scopeOf(r), privacyApproved: r.privacyApproved, disclosure: { legalBasis: r.legalBasis, requesterType: r.requesterType, createdBy: r.createdBy } };
}
