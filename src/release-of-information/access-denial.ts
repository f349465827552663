import type { FieldProblem } from '../common/errors';
import { denialGround, DenialCode } from './denial-grounds';
import { RECORD_TYPES, RecordType } from './roi-scope';

/**
 * The individual's right of access when it is denied (45 CFR 164.524), as pure rules:
 * - a reviewable ground (164.524(a)(3)) rests on a licensed health care professional's determination, so the denial
 *   names who determined it, a user holding a licensed clinical role;
 * - a denial may cover only part of the information; access to the rest must be given (164.524(d)(1));
 * - the individual may have a reviewable denial reviewed by another licensed health care professional, designated
 *   by the covered entity, who did not take part in the original decision (164.524(a)(4), (d)(4)); the entity then
 *   acts on the reviewer's determination (upheld: the denial stands; reversed: the information is released).
 */

/**
 * The roles whose members are licensed health care professionals (a physician, a registered nurse): the only ones
 * who may make or review the determination of 164.524(a)(3). Role names are fixed (access/catalogue.ts); an
 * instructor edits their permissions, not what the people in them are licensed for.
 */
export const LICENSED_PROFESSIONAL_ROLES = ['physician', 'nurse'] as const;

export function isLicensedProfessional(role: string | null | undefined): boolean {
  return typeof role === 'string' && (LICENSED_PROFESSIONAL_ROLES as readonly string[]).includes(role);
}

/** The part of the requested information that is denied; the rest of the request's scope is released. */
export interface DeniedPart {
  /** Whole record types (sections) of the request denied. */
  sections: RecordType[];
  /** Single items, by record type and id. */
  items: { recordType: RecordType; id: number }[];
}

export const NO_DENIED_PART: DeniedPart = { sections: [], items: [] };

/**
 * 400 problems of a partial denial (deny-in-part): something must be denied, every section must be in the request's
 * scope and not all of it (that is a denial, action deny), every item must be one of the request's records and not
 * inside a denied section.
 */
export function deniedPartProblems(part: Partial<DeniedPart> | null | undefined, scopeTypes: readonly string[], itemIds: ReadonlyMap<string, ReadonlySet<number>>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const sections = part?.sections ?? [];
  const items = part?.items ?? [];
  if (!sections.length && !items.length) {
    return [{ field: 'deniedSections', problems: ['deny-in-part needs deniedSections or deniedItems: the part denied (the rest is released, 164.524(d)(1))'] }];
  }
  const outside = sections.filter((s) => !scopeTypes.includes(s));
  if (outside.length) problems.push({ field: 'deniedSections', problems: [`are not in the request's record types: ${outside.join(', ')}`] });
  else if (sections.length && scopeTypes.every((t) => sections.includes(t as RecordType))) {
    problems.push({ field: 'deniedSections', problems: ['cover the whole request: deny it with action deny instead'] });
  }
  const unknown = items.filter((i) => !itemIds.get(i.recordType)?.has(i.id) || sections.includes(i.recordType));
  if (unknown.length) {
    problems.push({
      field: 'deniedItems',
      problems: [`are not among the request's records (or lie in a denied section): ${unknown.map((i) => `${i.recordType}/${i.id}`).join(', ')}`],
    });
  }
  return problems;
}

/**
 * 400 problems of the determination a denial rests on. A reviewable ground (164.524(a)(3)) needs the licensed health
 * care professional who determined it (`determinedBy`, a user in a licensed role); an unreviewable ground
 * (164.524(a)(1)-(2)) and a third party's denial have none.
 */
export function determinationProblems(code: DenialCode, determinedBy: number | null | undefined, determiner: { role: string; disabled: boolean } | null): FieldProblem[] {
  const field = 'determinedBy';
  const reviewable = denialGround(code).reviewable === true;
  if (!reviewable) {
    return determinedBy === undefined || determinedBy === null
      ? []
      : [{ field, problems: [`is only for the reviewable grounds of 164.524(a)(3); ${code} needs no professional determination`] }];
  }
  if (determinedBy === undefined || determinedBy === null) {
    return [{ field, problems: [`is required for ${code}: a licensed health care professional's determination (45 CFR 164.524(a)(3)); the user id of that professional`] }];
  }
  if (!determiner || determiner.disabled) return [{ field, problems: [`user ${determinedBy} is not an active user`] }];
  if (!isLicensedProfessional(determiner.role)) {
    return [{ field, problems: [`user ${determinedBy} (${determiner.role}) is not a licensed health care professional (roles: ${LICENSED_PROFESSIONAL_ROLES.join(', ')}; 164.524(a)(3))`] }];
  }
  return [];
}

export const REVIEW_DECISIONS = ['upheld', 'reversed'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** The review of a denial, as stored with the request. */
export interface DenialReview {
  requestedAt: string;
  requestedBy: number;
  note: string | null;
  /** The designated reviewing official (164.524(d)(4)); null until designated or until a reviewer decides. */
  reviewerId: number | null;
  decision: ReviewDecision | null;
  decidedAt: string | null;
  reason: string | null;
}

export interface DenialFacts {
  code: DenialCode | null;
  reviewable: boolean;
  determinedBy: number | null;
  review: DenialReview | null;
}

/** 409 when the individual may not ask for a review now: no denial, an unreviewable ground, or already asked. */
export function reviewRequestConflict(d: DenialFacts): string | null {
  if (!d.code) return 'the request was not denied: there is nothing to review';
  if (!d.reviewable) return `the ground ${d.code} is not reviewable (45 CFR 164.524(a)(1)-(2)): the denial is final`;
  if (d.review) return `a review was already requested on ${d.review.requestedAt}${d.review.decision ? ` and decided: ${d.review.decision}` : ''}`;
  return null;
}

/**
 * 409 when this user may not be (or decide as) the reviewing official: 164.524(a)(4) wants a licensed health care
 * professional who did not participate in the original decision, and once one is designated only that one decides.
 */
export function reviewerConflict(d: DenialFacts, reviewer: { id: number; role: string }): string | null {
  if (!isLicensedProfessional(reviewer.role)) return `the reviewing official must be a licensed health care professional (roles: ${LICENSED_PROFESSIONAL_ROLES.join(', ')}; 164.524(a)(4))`;
  if (d.determinedBy !== null && reviewer.id === d.determinedBy) {
    return 'the reviewing official must not have taken part in the original decision: this professional determined the denial (45 CFR 164.524(a)(4))';
  }
  return null;
}

/** 409 when the review cannot be decided now (not requested, already decided, or designated to someone else). */
export function reviewDecisionConflict(d: DenialFacts, reviewer: { id: number; role: string }): string | null {
  if (!d.review) return 'no review was requested: the individual asks for it first (164.524(a)(4))';
  if (d.review.decision) return `the review was already decided: ${d.review.decision}`;
  if (d.review.reviewerId !== null && d.review.reviewerId !== reviewer.id) return `the review was referred to another reviewing official (user ${d.review.reviewerId}); only that professional decides (164.524(d)(4))`;
  return reviewerConflict(d, reviewer);
}

/** The part still denied: none once a review reversed the denial. */
export function deniedPartInForce(part: DeniedPart | null, review: DenialReview | null): DeniedPart | null {
  if (!part || review?.decision === 'reversed') return null;
  return part;
}

/** The written notice of the reviewer's determination (164.524(d)(4): the entity promptly notifies the individual). */
export function reviewDecisionNotice(decision: ReviewDecision, partial: boolean): string {
  return decision === 'reversed'
    ? `The reviewing official, a licensed health care professional who did not take part in the original decision, reversed the denial: ${partial ? 'the information denied' : 'the information you asked for'} will be provided (45 CFR 164.524(d)(4)).`
    : 'The reviewing official, a licensed health care professional who did not take part in the original decision, upheld the denial; the determination is final (45 CFR 164.524(d)(4)). You may still complain to us or to the Secretary of Health and Human Services (164.524(d)(2)(iii)).';
}

/**
 * Where a request goes when the reviewing official reverses its denial: a denied request is approved for release; one
 * whose remainder was already released returns to approved so that the denied part is released; a request still under
 * review keeps its state (nothing is left out of its package any more).
 */
export function statusAfterReversal<S extends string>(status: S): S | 'approved' {
  return status === 'denied' || status === 'fulfilled' || status === 'closed' ? 'approved' : status;
}

export function isRecordType(s: unknown): s is RecordType {
  return typeof s === 'string' && (RECORD_TYPES as readonly string[]).includes(s);
}
