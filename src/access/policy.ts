import type { Permission, RoleName } from './catalogue';
import {
  ActingFor, minorCareProblem, MinorConsentBasis, RepresentationFacts, representationInForce, RIGHT_OF_PERMISSION,
} from './representation';
import { bindingRestrictions, describeRestriction, DisclosureFacts, RestrictionFacts, restrictionProblem } from './restriction-rule';

/**
 * The access policy as a pure function: the same facts in, the same decision and reasons out. It is what the
 * services enforce and what GET /access/explain shows; there is no second copy of these rules.
 */

export type Sensitivity = 'normal' | 'restricted';

/** What the policy needs to know about the patient and the caller's relation to them. */
export interface PatientFacts {
  patientId: number;
  exists: boolean;
  vip: boolean;
  /** The caller is on the patient's care team. */
  careTeam: boolean;
  /** The caller is this patient (a patient user, or a workforce member reading their own chart). */
  ownRecord: boolean;
  /** An unexpired break-the-glass grant of the caller for this patient. */
  breakGlass: { id: number; expiresAt: string } | null;
  /** An open release-of-information request covering this patient (issue: release of information). */
  roiRequest: RoiRequestFacts | null;
  /** A representative caller's links to this patient and what the rules need (45 CFR 164.502(g)). */
  representation?: RepresentationFacts | null;
  /** The patient's agreed (or entity-terminated) restrictions, loaded when a disclosure is being made (164.522(a)). */
  restrictions?: readonly RestrictionFacts[];
}

/**
 * What an open release-of-information request lets its ROI specialist read: the record types and date range it
 * names, and the restricted categories its authorization (or the right of access) names. Minimum necessary
 * (45 CFR 164.502(b)); psychotherapy notes only when named (164.508(a)(2)); Part 2 records only with a consent
 * naming them (42 CFR 2.31).
 */
export interface RoiScope {
  /** 'encounters', 'diagnoses', 'procedures', 'observations', 'notes'. */
  recordTypes: readonly string[];
  /** Inclusive calendar dates (YYYY-MM-DD), compared with the item's clinical date in UTC; null = open-ended. */
  dateFrom: string | null;
  dateTo: string | null;
  /** Restricted categories that may be disclosed: 'behavioral-health', 'substance-use', ..., 'psychotherapy'. */
  categories: readonly string[];
  /** A third-party release of substance use disorder records waits for the privacy officer's approval. */
  part2AwaitingApproval?: boolean;
  /**
   * The rules that limit this release, chosen by the release's basis (release-of-information/roi-scope.ts
   * scopeLimits): minimum necessary only where it applies (164.502(b)(2) exempts the individual's own request,
   * treatment, authorized and required-by-law disclosures). Absent: minimum necessary.
   */
  limits?: RoiScopeLimits;
}

/** Why items fall outside a release: its record types and dates, a restricted category, a psychotherapy note. */
export interface RoiScopeLimits {
  scope: string;
  categories: string;
  psychotherapy: string;
}

export interface RoiRequestFacts {
  id: number;
  /** The patient the request is about. */
  patientId?: number;
  /** What the request reaches: every item is checked against it (there is no request without one). */
  scope: RoiScope;
  /** The privacy officer approved a release from a VIP chart under this request. */
  privacyApproved?: boolean;
  /** The request's legal basis and recipient: what an agreed restriction is matched against (164.522(a)). */
  disclosure?: DisclosureFacts;
}

/** The item being read, when the question is about one item (a note, a restricted diagnosis...). */
export interface ItemFacts {
  sensitivity: Sensitivity;
  category?: string | null;
  /** Psychotherapy notes (45 CFR 164.501) are their author's alone. */
  psychotherapy?: boolean;
  authorUserId?: number | null;
  /** The item's record type ('encounters', 'diagnoses'...), when a request's scope must be checked. */
  recordType?: string;
  /** The item's clinical date-time (ISO-8601 UTC), when a request's date range must be checked. */
  date?: string | null;
  /** The encounter the item belongs to (an encounter: its own id): restrictions and minors' care are per encounter. */
  encounterId?: number | null;
  /** Set on a hypothetical item (limitsOf): care a minor's parent does not represent them for. */
  minorConsent?: MinorConsentBasis | null;
}

export interface Subject {
  userId: number;
  role: RoleName;
  permissions: ReadonlySet<Permission>;
}

export interface Decision {
  decision: 'allow' | 'deny';
  permission: Permission;
  role: RoleName;
  reasons: string[];
  /** The access rides on a break-the-glass grant: the audit row is flagged. */
  breakGlass: boolean;
  breakGlassGrantId?: number;
  roiRequestId?: number;
  /** A personal representative's decision: on whose behalf, under which authority (164.502(g)). */
  actingFor?: ActingFor;
  /** The rule that withheld an item, when it is neither sensitivity nor scope (item-visibility.ts names it). */
  withhold?: 'minor-consented-care' | 'agreed-restriction';
  /**
   * The patient does not exist, and the caller may be told so (a 404): workforce whose role reaches patients in
   * general. A patient or a personal representative is refused an unknown id exactly as another patient's id, so
   * probing sequential ids tells them nothing.
   */
  notFound?: boolean;
}

/** Permissions about one patient's chart that need a relation to that patient (care team, own, grant). */
const CARE_SCOPED: ReadonlySet<Permission> = new Set<Permission>([
  'clinical:read', 'clinical:read:restricted', 'note:read', 'note:read:psychotherapy', 'clinical:write', 'observation:write',
  'amendment:respond',
]);

/**
 * Administration that shows no chart content (who is on the care team). The VIP rule guards chart content, so it
 * does not apply here: otherwise nobody could ever put a clinician on a VIP's care team.
 */
const CHART_ADMINISTRATION: ReadonlySet<Permission> = new Set<Permission>(['careteam:manage', 'representative:manage', 'restriction:decide']);

/** Permissions that change a chart. */
const WRITES: ReadonlySet<Permission> = new Set<Permission>(['clinical:write', 'observation:write', 'coding:write', 'demographics:write', 'amendment:respond']);

/** Reads that HIM work (record:him) may do on any patient's designated record set. */
const HIM_READS: ReadonlySet<Permission> = new Set<Permission>(['clinical:read', 'clinical:read:restricted', 'note:read']);

/**
 * The decision under construction: the reasons gathered so far, and the two ways to end. A class, not closures: a
 * chart read decides once per item (docs/performance.md).
 */
class Steps {
  readonly reasons: string[] = [];

  constructor(private readonly permission: Permission, private readonly role: RoleName) {}

  /** Ends the decision: nothing is asked after a refusal, so its reasons take the last one without a copy. */
  deny(why: string): Decision {
    this.reasons.push(why);
    return { decision: 'deny', permission: this.permission, role: this.role, reasons: this.reasons, breakGlass: false };
  }

  allow(extra?: Partial<Decision>): Decision {
    const decision: Decision = { decision: 'allow', permission: this.permission, role: this.role, reasons: this.reasons, breakGlass: false };
    return extra ? Object.assign(decision, extra) : decision;
  }

  /** The patient does not exist (Decision.notFound). */
  missing(patientId: number): Decision {
    return { ...this.deny(`patient ${patientId} does not exist`), notFound: true };
  }
}

/** `role R has permission P`, made once per pair: every decision of a chart read gives it. */
const HAS_PERMISSION = new Map<string, Map<string, string>>();
function hasPermissionReason(role: RoleName, permission: Permission): string {
  let byPermission = HAS_PERMISSION.get(role);
  if (!byPermission) HAS_PERMISSION.set(role, (byPermission = new Map()));
  let reason = byPermission.get(permission);
  if (reason === undefined) byPermission.set(permission, (reason = `role ${role} has permission ${permission}`));
  return reason;
}

export function decide(subject: Subject, permission: Permission, patient: PatientFacts | null, item?: ItemFacts): Decision {
  const steps = new Steps(permission, subject.role);
  if (subject.role === 'patient') return patientUser(steps, subject, permission, patient, item);
  if (subject.role === 'representative') return representativeUser(steps, subject, permission, patient, item);
  if (!subject.permissions.has(permission)) {
    if (subject.role === 'roi_specialist' && CARE_SCOPED.has(permission)) return roiRequest(steps, patient, item);
    return steps.deny(`role ${subject.role} lacks permission ${permission}`);
  }
  steps.reasons.push(hasPermissionReason(subject.role, permission));
  if (!patient) return steps.allow();
  if (!patient.exists) return steps.missing(patient.patientId);
  const relation = relationTo(steps, subject, permission, patient);
  if ('decision' in relation) return relation;
  const refused = itemRule(steps, subject, item);
  if (refused) return refused;
  return relation.breakGlass ? steps.allow({ breakGlass: true, breakGlassGrantId: patient.breakGlass?.id }) : steps.allow();
}

/**
 * 1. A patient user: the right of access to their own record (45 CFR 164.524), nothing else, and never
 *    psychotherapy notes (excluded from the right of access, 164.524(a)(1)(i)). Restricted items of one's own
 *    record are included: sensitivity protects a patient from others, not from themselves.
 */
function patientUser(steps: Steps, subject: Subject, permission: Permission, patient: PatientFacts | null, item?: ItemFacts): Decision {
  if (!subject.permissions.has(permission)) return steps.deny(`role patient lacks permission ${permission}`);
  if (!patient) return steps.deny('a patient user acts only on their own record');
  // Before existence: an unknown id is refused like another patient's (Decision.notFound).
  if (!patient.ownRecord) return steps.deny('a patient may access only their own record');
  if (!patient.exists) return steps.missing(patient.patientId);
  if (item?.psychotherapy) return steps.deny('psychotherapy notes are excluded from the right of access (45 CFR 164.524(a)(1)(i))');
  steps.reasons.push(`role patient has permission ${permission}`, 'this is the caller\'s own record (right of access, 45 CFR 164.524)');
  return steps.allow();
}

/**
 * 1b. A personal representative (45 CFR 164.502(g)) is treated as the individual: the individual's rights, for the
 *     patients a representation in force links to the account and no other, within the rights it covers. A minor's
 *     parent or guardian is not the representative for care the minor consented to, obtained by court direction, or
 *     the parent agreed to keep confidential (164.502(g)(3)(i)): those items are withheld (item-visibility.ts).
 */
function representativeUser(steps: Steps, subject: Subject, permission: Permission, patient: PatientFacts | null, item?: ItemFacts): Decision {
  if (!subject.permissions.has(permission)) return steps.deny(`role representative lacks permission ${permission}`);
  if (!patient) return steps.deny('a personal representative acts only for a patient they represent');
  // Before existence: an unknown id is refused like another patient's (Decision.notFound).
  const facts = patient.representation;
  if (!facts) return steps.deny('the caller is not a personal representative of this patient (45 CFR 164.502(g))');
  if (!patient.exists) return steps.missing(patient.patientId);
  const inForce = representationInForce(patient.patientId, facts, RIGHT_OF_PERMISSION[permission]);
  if ('problem' in inForce) return steps.deny(inForce.problem);
  const { actingFor } = inForce;
  steps.reasons.push(
    `role representative has permission ${permission}`,
    `personal representative of patient ${patient.patientId}: ${actingFor.authority} (${actingFor.citation}), treated as the individual`,
  );
  if (item?.psychotherapy) return steps.deny('psychotherapy notes are excluded from the right of access (45 CFR 164.524(a)(1)(i))');
  const minorCare = item ? minorCareProblem(actingFor.relationship, facts, item) : null;
  if (minorCare) return { ...steps.deny(minorCare), withhold: 'minor-consented-care' };
  return steps.allow({ actingFor });
}

/**
 * 2b. An ROI specialist has no standing access: an open release-of-information request covering the patient is
 *     her only basis, and it adds scope without skipping a rule. The VIP rule still applies (for a disclosure, the
 *     privacy officer's approval instead of break-the-glass); every item is checked against the request's scope.
 */
function roiRequest(steps: Steps, patient: PatientFacts | null, item?: ItemFacts): Decision {
  const request = patient?.roiRequest;
  if (!patient || !request) {
    return steps.deny('an ROI specialist reads records only inside an open release-of-information request that covers this patient; none does');
  }
  if (!patient.exists) return steps.missing(patient.patientId);
  steps.reasons.push(`open release-of-information request ${request.id} covers this patient`);
  if (patient.vip && !request.privacyApproved) {
    return steps.deny('VIP patient: a release of information from this chart needs the privacy officer\'s approval');
  }
  const outside = item ? roiScopeProblem(request.id, request.scope, item) : null;
  if (outside) return steps.deny(outside);
  // Agreed restrictions (45 CFR 164.522(a)) bind the disclosure whatever its scope: listed without an item, applied with one.
  const restrictions = patient.restrictions ?? [];
  if (!item) {
    for (const r of bindingRestrictions(restrictions, request.disclosure)) steps.reasons.push(`this disclosure is bound by ${describeRestriction(r)}`);
  } else {
    const restricted = restrictionProblem(restrictions, request.disclosure, item);
    if (restricted) return { ...steps.deny(restricted), withhold: 'agreed-restriction' };
    // A copy for a minor's parent who filed the request leaves out the minor's own care, as the parent's read does.
    const parent = request.disclosure?.representative;
    const minorCare = parent ? minorCareProblem(parent.relationship, parent, item) : null;
    if (minorCare) return { ...steps.deny(minorCare), withhold: 'minor-consented-care' };
  }
  return steps.allow({ roiRequestId: request.id });
}

const RIDES_ON_GRANT = Object.freeze({ breakGlass: true });
const NO_GRANT_NEEDED = Object.freeze({ breakGlass: false });

/** 3. The caller's relation to the patient: a refusal, or whether the access rides on a break-the-glass grant. */
function relationTo(steps: Steps, subject: Subject, permission: Permission, patient: PatientFacts): Decision | { breakGlass: boolean } {
  const grant = patient.breakGlass;
  if (patient.careTeam) {
    steps.reasons.push('the caller is on the patient\'s care team');
  } else if (patient.ownRecord && !WRITES.has(permission)) {
    steps.reasons.push('this is the caller\'s own record (workforce access to it is reviewed as an anomaly)');
  } else if (patient.ownRecord && CARE_SCOPED.has(permission)) {
    return steps.deny('a workforce member may not write in their own record (conflict of interest)');
  } else if (patient.vip && !CHART_ADMINISTRATION.has(permission)) {
    if (!grant) return steps.deny('VIP patient: anyone outside the care team needs break-the-glass, whatever the role');
    steps.reasons.push(`VIP patient: active break-the-glass grant ${grant.id} until ${grant.expiresAt}`);
    return RIDES_ON_GRANT;
  } else if (CARE_SCOPED.has(permission)) {
    if (HIM_READS.has(permission) && subject.permissions.has('record:him')) {
      steps.reasons.push('HIM work (record:him) covers the designated record set of every patient');
    } else if (grant) {
      steps.reasons.push(`active break-the-glass grant ${grant.id} until ${grant.expiresAt}`);
      return RIDES_ON_GRANT;
    } else {
      return steps.deny('the caller is not on the patient\'s care team and holds no active break-the-glass grant');
    }
  } else {
    steps.reasons.push(
      patient.vip
        ? `${permission} administers the chart without opening it, so the VIP rule does not apply`
        : `${permission} is not limited to a care team`,
    );
  }
  return NO_GRANT_NEEDED;
}

/** 4. The item's sensitivity: psychotherapy notes are their author's (164.508(a)(2)); restricted items need a permission. */
function itemRule(steps: Steps, subject: Subject, item?: ItemFacts): Decision | null {
  if (item?.psychotherapy) {
    if (!subject.permissions.has('note:read:psychotherapy')) return steps.deny(`role ${subject.role} lacks permission note:read:psychotherapy`);
    if (item.authorUserId !== subject.userId) return steps.deny('psychotherapy notes are readable by their author only (45 CFR 164.508(a)(2))');
    steps.reasons.push('the caller wrote this psychotherapy note');
  } else if (item?.sensitivity === 'restricted') {
    if (!subject.permissions.has('clinical:read:restricted') && !subject.permissions.has('record:him')) {
      return steps.deny(`restricted item (${item.category ?? 'sensitive'}): role ${subject.role} lacks permission clinical:read:restricted`);
    }
    steps.reasons.push(`restricted item (${item.category ?? 'sensitive'}) readable with ${subject.permissions.has('clinical:read:restricted') ? 'clinical:read:restricted' : 'record:him'}`);
  }
  return null;
}

/**
 * Why an item lies outside an ROI request's scope, or null when the request covers it. Pure, so the package
 * builder, the scoped reader and /access/explain give the same answer.
 */
export function roiScopeProblem(requestId: number, scope: RoiScope, item: ItemFacts): string | null {
  const limits = scope.limits;
  if (item.recordType !== undefined && !scope.recordTypes.includes(item.recordType)) {
    return `release-of-information request ${requestId} does not cover ${item.recordType} (${limits?.scope ?? 'minimum necessary, 45 CFR 164.502(b)'})`;
  }
  if (item.date !== undefined && (scope.dateFrom !== null || scope.dateTo !== null)) {
    const day = item.date === null ? null : item.date.slice(0, 10);
    if (day === null || (scope.dateFrom !== null && day < scope.dateFrom) || (scope.dateTo !== null && day > scope.dateTo)) {
      return `the item is dated outside the date range of release-of-information request ${requestId} (${scope.dateFrom ?? '...'} to ${scope.dateTo ?? '...'})${limits ? `; limited by ${limits.scope}` : ''}`;
    }
  }
  if (item.psychotherapy) {
    return scope.categories.includes('psychotherapy')
      ? null
      : limits?.psychotherapy ?? 'psychotherapy notes are disclosed only under an authorization that names them (45 CFR 164.508(a)(2))';
  }
  if (item.sensitivity === 'restricted') {
    const category = item.category ?? 'unspecified';
    if (category === 'substance-use' && scope.categories.includes(category) && scope.part2AwaitingApproval) {
      return 'substance use disorder records (42 CFR Part 2) are released to a third party only after the privacy officer\'s approval';
    }
    if (scope.categories.includes(category)) return null;
    if (category === 'substance-use') {
      return 'substance use disorder records (42 CFR Part 2) are disclosed only with a consent that names them (42 CFR 2.31)';
    }
    return limits
      ? `restricted item (${category}) outside release-of-information request ${requestId}: ${limits.categories}`
      : `restricted item (${category}): the authorization of release-of-information request ${requestId} does not name this category`;
  }
  return null;
}
