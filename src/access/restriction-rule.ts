/**
 * Restrictions of uses and disclosures the individual asked for (45 CFR 164.522(a)). Pure rules; the access policy
 * (policy.ts, decide) enforces the agreed ones on every item a disclosure would carry, and GET /access/explain
 * shows them. The requests live in restrictions (access).
 *
 *  - (a)(1)(i)-(ii): the individual may ask to restrict uses or disclosures for treatment, payment or health care
 *    operations; the covered entity need not agree, but once it agrees it is bound;
 *  - (a)(1)(vi): it must agree to a restriction of disclosures to a health plan, for payment or health care
 *    operations (not required by law), of PHI about items or services the individual paid for out of pocket in full;
 *  - (a)(1)(v): a restriction does not stop disclosures to the individual, or those under 164.512 (legal process, law
 *    enforcement, public health...): it binds treatment, payment and operations only;
 *  - (a)(2): termination: by the individual (in writing, or orally and documented) ends it; by the covered entity,
 *    after informing the individual, it ends only for PHI created or received after that; never for a (a)(1)(vi)
 *    restriction.
 */

export const RESTRICTION_PURPOSES = ['treatment', 'payment', 'operations'] as const;
export type RestrictionPurpose = (typeof RESTRICTION_PURPOSES)[number];
export const RESTRICTION_RECIPIENTS = ['health-plan', 'any'] as const;
export type RestrictionRecipient = (typeof RESTRICTION_RECIPIENTS)[number];
export type RestrictionStatus = 'requested' | 'agreed' | 'refused' | 'terminated';

/** Requester types taken for a health plan when a request states no recipient kind (requests logged before it existed). */
const HEALTH_PLAN_REQUESTER_TYPES: ReadonlySet<string> = new Set(['insurer', 'health-plan', 'health_plan']);

/**
 * Whether the disclosure goes to a health plan (164.522(a)(1)(vi)): the recipient the request states decides (an
 * insurer may be a life insurer, which is not a health plan, 164.103); only without one, the requester type.
 */
function toHealthPlan(d: DisclosureFacts): boolean {
  return d.recipientKind ? d.recipientKind === 'health-plan' : HEALTH_PLAN_REQUESTER_TYPES.has(d.requesterType);
}

/** An agreed (or terminated) restriction, as the policy needs it. */
export interface RestrictionFacts {
  id: number;
  purposes: readonly RestrictionPurpose[];
  recipient: RestrictionRecipient;
  /** The encounter whose items it covers; null = the whole record. */
  encounterId: number | null;
  required: boolean;
  status: RestrictionStatus;
  terminatedAt: string | null;
  terminatedByIndividual: boolean | null;
}

/** The disclosure being made: its legal basis and who receives it (from the release-of-information request). */
export interface DisclosureFacts {
  legalBasis: string;
  requesterType: string;
  /** Who receives it, as the request states (release-of-information recipient kinds); null when unstated. */
  recipientKind?: string | null;
  /** Who logged the request (a personal representative files the individual's own request for them). */
  createdBy?: number;
  /** The representation in force of the representative who filed it, when one did (164.502(g)). */
  representative?: { relationship: import('./representation').Relationship; minorConsentEncounters: readonly { encounterId: number; basis: import('./representation').MinorConsentBasis }[] };
}

/** The item a disclosure would carry: its encounter, and its clinical date (for an entity's termination). */
export interface RestrictedItem {
  encounterId?: number | null;
  date?: string | null;
}

/** 164.522(a)(1)(vi): the restriction the covered entity must agree to. */
export function isRequiredRestriction(r: { purposes: readonly string[]; recipient: string; encounterSelfPay: boolean }): boolean {
  return r.recipient === 'health-plan' && r.encounterSelfPay && r.purposes.length > 0 && r.purposes.every((p) => p === 'payment' || p === 'operations');
}

/** Whether an agreed or terminated restriction still covers this item (164.522(a)(2)). */
export function inForceFor(r: RestrictionFacts, item: RestrictedItem): boolean {
  if (r.status === 'agreed') return true;
  if (r.status !== 'terminated' || r.terminatedByIndividual !== false || r.terminatedAt === null) return false;
  // Terminated by the covered entity: still binding for what was created or received before it told the individual.
  return item.date === undefined || item.date === null || item.date < r.terminatedAt;
}

/** Whether the restriction binds a disclosure of this basis to this recipient (for some item). */
export function bindsDisclosure(r: RestrictionFacts, d: DisclosureFacts): boolean {
  if (!(RESTRICTION_PURPOSES as readonly string[]).includes(d.legalBasis)) return false;
  if (!r.purposes.includes(d.legalBasis as RestrictionPurpose)) return false;
  return r.recipient === 'any' || toHealthPlan(d);
}

export function describeRestriction(r: RestrictionFacts): string {
  const what = r.encounterId === null ? 'the whole record' : `the items of encounter ${r.encounterId}`;
  const to = r.recipient === 'health-plan' ? 'to a health plan' : 'to anyone';
  const cite = r.required ? '45 CFR 164.522(a)(1)(vi): paid out of pocket in full' : '45 CFR 164.522(a)(1)(ii): agreed restriction';
  return `restriction ${r.id}: no disclosure of ${what} ${to} for ${r.purposes.join(' or ')} (${cite})`;
}

/** Why a disclosure may not carry this item under an agreed restriction, or null. */
export function restrictionProblem(restrictions: readonly RestrictionFacts[], d: DisclosureFacts | undefined, item: RestrictedItem): string | null {
  if (!d) return null;
  for (const r of restrictions) {
    if (!bindsDisclosure(r, d) || !inForceFor(r, item)) continue;
    if (r.encounterId !== null && r.encounterId !== item.encounterId) continue;
    return `withheld under ${describeRestriction(r)}`;
  }
  return null;
}

/** The restrictions that bind a disclosure for at least some items (what explain lists). */
export function bindingRestrictions(restrictions: readonly RestrictionFacts[], d: DisclosureFacts | undefined): RestrictionFacts[] {
  return d ? restrictions.filter((r) => bindsDisclosure(r, d) && (r.status === 'agreed' || (r.status === 'terminated' && r.terminatedByIndividual === false))) : [];
}

/** A decision on a request: 409 reasons (pure, so the service and its unit test agree). */
export function decisionConflict(r: { status: RestrictionStatus; required: boolean }, decision: 'agree' | 'refuse'): string | null {
  if (r.status !== 'requested') return `the restriction request is ${r.status}; only a requested one is decided`;
  if (decision === 'refuse' && r.required) {
    return 'a restriction of disclosures to a health plan of items paid out of pocket in full must be agreed (45 CFR 164.522(a)(1)(vi))';
  }
  return null;
}

/** A termination: by the individual (164.522(a)(2)(i)-(ii)) or by the covered entity ((a)(2)(iii)). */
export function terminationConflict(r: { status: RestrictionStatus; required: boolean }, byIndividual: boolean): string | null {
  if (r.status === 'requested' && byIndividual) return null;
  if (r.status !== 'agreed') return `the restriction is ${r.status}; only an agreed restriction is terminated`;
  if (!byIndividual && r.required) {
    return 'the covered entity may not terminate a restriction of disclosures to a health plan of items paid out of pocket in full (45 CFR 164.522(a)(2)(iii))';
  }
  return null;
}
