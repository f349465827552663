import type { FieldProblem } from '../common/errors';

/**
 * A valid authorization (45 CFR 164.508(c)) and a Part 2 consent (42 CFR 2.31), as one pure check that lists every
 * missing or bad element at once: the ROI specialist sends the requester one letter naming everything to fix, not
 * one problem per round trip.
 */

/** Restricted categories an authorization may name (the sensitivity categories of the record, plus psychotherapy notes). */
export const NAMEABLE_CATEGORIES = ['behavioral-health', 'substance-use', 'hiv', 'reproductive', 'genetic', 'psychotherapy'] as const;
export type NameableCategory = (typeof NAMEABLE_CATEGORIES)[number];

/** The required statements of 164.508(c)(2). */
export interface AuthorizationStatements {
  /** (c)(2)(i): the individual's right to revoke in writing, and how (or a reference to the notice of privacy practices). */
  rightToRevoke?: boolean;
  /** (c)(2)(ii): whether treatment, payment, enrollment or eligibility may be conditioned on signing. */
  conditioning?: boolean;
  /** (c)(2)(iii): the information may be redisclosed by the recipient and no longer be protected. */
  redisclosure?: boolean;
}

/** A consent to disclose substance use disorder records (42 CFR 2.31(a)). */
export interface Part2Consent {
  /** 2.31(a)(1): the patient's name. */
  patientName?: string;
  /** 2.31(a)(2): who may disclose (the Part 2 program or a general designation). */
  discloser?: string;
  /** 2.31(a)(3): how much and what kind of substance use disorder information, specifically and meaningfully. */
  information?: string;
  /** 2.31(a)(4): the recipient. */
  recipient?: string;
  /** 2.31(a)(5): the purpose. */
  purpose?: string;
  /** 2.31(a)(6): the right to revoke. */
  rightToRevoke?: boolean;
  /** 2.31(a)(7): expiration date, event or condition. */
  expiresOn?: string;
  expirationEvent?: string;
  /** 2.31(a)(8), (9): signature and date. */
  signedBy?: string;
  signedOn?: string;
  revokedOn?: string;
}

/** The authorization as the requester sent it (stored as JSON with the request). */
export interface Authorization {
  /** (c)(1)(i): a description of the information that identifies it in a specific and meaningful fashion. */
  description?: string;
  /** (c)(1)(ii): who may make the disclosure (name or class of persons). */
  discloser?: string;
  /** (c)(1)(iii): to whom (name or class of persons). */
  recipient?: string;
  /** (c)(1)(iv): the purpose ("at the request of the individual" suffices when the individual asks). */
  purpose?: string;
  /** (c)(1)(v): an expiration date... */
  expiresOn?: string;
  /** ...or an expiration event that relates to the individual or the purpose. */
  expirationEvent?: string;
  /** The expiration event is known to have occurred (164.508(b)(2)(i)). */
  expirationEventOccurred?: boolean;
  /** (c)(1)(vi): signature of the individual (or of a personal representative) and date. */
  signedBy?: string;
  signedOn?: string;
  /** Signed by a personal representative: a description of their authority is required ((c)(1)(vi)). */
  signedByRepresentative?: boolean;
  representativeAuthority?: string;
  statements?: AuthorizationStatements;
  /** Restricted categories the authorization names explicitly; others are left out of the package. */
  categories?: string[];
  /** Record types the authorization is limited to, when it says so. */
  recordTypes?: string[];
  /** The date the individual revoked it in writing (164.508(b)(5)). */
  revokedOn?: string;
  /** Required when 'substance-use' is named. */
  part2Consent?: Part2Consent;
}

/** What the check compares the authorization with. */
export interface AuthorizationContext {
  /** Today, YYYY-MM-DD (UTC). */
  today: string;
  requesterName: string;
  recordTypes: readonly string[];
  /** "Given Family" of the patient, to check the Part 2 consent names them. */
  patientName?: string;
}

const blank = (v: unknown): boolean => typeof v !== 'string' || v.trim().length === 0;
const isDate = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/**
 * Every problem with the authorization, as `authorization.<element>` entries. Empty: the authorization is valid
 * for this request today.
 */
export function authorizationProblems(a: Authorization | null | undefined, ctx: AuthorizationContext): FieldProblem[] {
  const out = new Map<string, string[]>();
  const add = (field: string, problem: string) => {
    const key = `authorization${field ? `.${field}` : ''}`;
    out.set(key, [...(out.get(key) ?? []), problem]);
  };
  if (!a) {
    add('', 'is required: a disclosure to a third party under this legal basis needs a valid authorization (45 CFR 164.508(a))');
    return [...out].map(([field, problems]) => ({ field, problems }));
  }

  coreElements(a, ctx, add);
  statementsAndRevocation(a, ctx, add);
  whatItNames(a, ctx, add);
  return [...out].map(([field, problems]) => ({ field, problems }));
}

type Add = (field: string, problem: string) => void;

/** The core elements, 164.508(c)(1). */
function coreElements(a: Authorization, ctx: AuthorizationContext, add: Add): void {
  if (blank(a.description)) add('description', 'is missing: a specific and meaningful description of the information (164.508(c)(1)(i))');
  if (blank(a.discloser)) add('discloser', 'is missing: who may make the disclosure (164.508(c)(1)(ii))');
  if (blank(a.recipient)) add('recipient', 'is missing: to whom the information may be disclosed (164.508(c)(1)(iii))');
  else if (!namesSameParty(a.recipient as string, ctx.requesterName)) {
    add('recipient', `does not name the requester (${ctx.requesterName}): the information may go only to the recipient the authorization names (164.508(c)(1)(iii))`);
  }
  if (blank(a.purpose)) add('purpose', 'is missing: the purpose of the disclosure (164.508(c)(1)(iv))');
  const hasDate = a.expiresOn !== undefined && a.expiresOn !== null;
  if (!hasDate && blank(a.expirationEvent)) {
    add('expiresOn', 'is missing: an expiration date or an expiration event (164.508(c)(1)(v))');
  } else if (hasDate && !isDate(a.expiresOn)) {
    add('expiresOn', 'must be a date written YYYY-MM-DD');
  } else if (hasDate && (a.expiresOn as string) < ctx.today) {
    add('expiresOn', `has passed (${a.expiresOn}): an expired authorization is not valid (164.508(b)(2)(i))`);
  }
  if (a.expirationEventOccurred === true) add('expirationEvent', 'has occurred: the authorization has expired (164.508(b)(2)(i))');
  if (blank(a.signedBy)) add('signedBy', 'is missing: the signature of the individual or of a personal representative (164.508(c)(1)(vi))');
  if (a.signedOn === undefined || a.signedOn === null) add('signedOn', 'is missing: the date of the signature (164.508(c)(1)(vi))');
  else if (!isDate(a.signedOn)) add('signedOn', 'must be a date written YYYY-MM-DD');
  else {
    if (a.signedOn > ctx.today) add('signedOn', `is in the future (${a.signedOn})`);
    if (hasDate && isDate(a.expiresOn) && a.signedOn > a.expiresOn) add('signedOn', 'is after the expiration date');
  }
  if (a.signedByRepresentative === true && blank(a.representativeAuthority)) {
    add('representativeAuthority', 'is missing: a personal representative\'s signature needs a description of their authority (164.508(c)(1)(vi))');
  }

}

/** The required statements, 164.508(c)(2), and revocation, 164.508(b)(5). */
function statementsAndRevocation(a: Authorization, ctx: AuthorizationContext, add: Add): void {
  const s = a.statements ?? {};
  if (s.rightToRevoke !== true) add('statements.rightToRevoke', 'is missing: the statement of the right to revoke in writing and how (164.508(c)(2)(i))');
  if (s.conditioning !== true) add('statements.conditioning', 'is missing: the statement on conditioning treatment, payment, enrollment or eligibility (164.508(c)(2)(ii))');
  if (s.redisclosure !== true) add('statements.redisclosure', 'is missing: the statement that disclosed information may be redisclosed and no longer protected (164.508(c)(2)(iii))');

  // Revocation, 164.508(b)(5).
  if (a.revokedOn !== undefined && a.revokedOn !== null) {
    if (!isDate(a.revokedOn)) add('revokedOn', 'must be a date written YYYY-MM-DD');
    else if (a.revokedOn <= ctx.today) add('revokedOn', `the individual revoked this authorization on ${a.revokedOn}: a revoked authorization is not valid (164.508(b)(2)(iii), (b)(5))`);
  }

}

/** What it names: categories (psychotherapy alone, 164.508(b)(3)(ii)), record types, and Part 2 consent (42 CFR 2.31). */
function whatItNames(a: Authorization, ctx: AuthorizationContext, add: Add): void {
  const categories = a.categories ?? [];
  for (const c of categories) {
    if (!(NAMEABLE_CATEGORIES as readonly string[]).includes(c)) add('categories', `names an unknown category ${JSON.stringify(c)}; the categories are ${NAMEABLE_CATEGORIES.join(', ')}`);
  }
  if (categories.includes('psychotherapy')) {
    // 164.508(b)(3)(ii): an authorization for psychotherapy notes may be combined only with another for psychotherapy notes.
    if (categories.some((c) => c !== 'psychotherapy') || ctx.recordTypes.some((t) => t !== 'notes')) {
      add('categories', 'names psychotherapy notes together with other information: an authorization for psychotherapy notes may not be combined with any other (164.508(b)(3)(ii))');
    }
  }
  if (a.recordTypes) {
    const beyond = ctx.recordTypes.filter((t) => !a.recordTypes!.includes(t));
    if (beyond.length) add('recordTypes', `the request asks for ${beyond.join(', ')}, which this authorization does not cover`);
  }

  // Substance use disorder records, 42 CFR Part 2.
  if (categories.includes('substance-use')) {
    for (const p of part2Problems(a.part2Consent, ctx)) add(`part2Consent${p.field ? `.${p.field}` : ''}`, p.problem);
  } else if (a.part2Consent) {
    add('categories', 'has a Part 2 consent but does not name substance-use among its categories');
  }
}

/** 42 CFR 2.31(a): the elements of a written consent to disclose substance use disorder records. */
function part2Problems(c: Part2Consent | undefined, ctx: AuthorizationContext): { field: string; problem: string }[] {
  const out: { field: string; problem: string }[] = [];
  const add = (field: string, problem: string) => out.push({ field, problem });
  if (!c) {
    add('', 'is required: substance use disorder records need a consent under 42 CFR 2.31 that names them; a general authorization is not enough');
    return out;
  }
  if (blank(c.patientName)) add('patientName', 'is missing: the name of the patient (42 CFR 2.31(a)(1))');
  else if (ctx.patientName && !namesSameParty(c.patientName as string, ctx.patientName)) {
    add('patientName', 'does not name this patient (42 CFR 2.31(a)(1))');
  }
  if (blank(c.discloser)) add('discloser', 'is missing: who may disclose the substance use disorder records (42 CFR 2.31(a)(2))');
  if (blank(c.information)) add('information', 'is missing: how much and what kind of substance use disorder information (42 CFR 2.31(a)(3))');
  if (blank(c.recipient)) add('recipient', 'is missing: the recipient (42 CFR 2.31(a)(4))');
  else if (!namesSameParty(c.recipient as string, ctx.requesterName)) add('recipient', `does not name the requester (${ctx.requesterName}) (42 CFR 2.31(a)(4))`);
  if (blank(c.purpose)) add('purpose', 'is missing: the purpose of the disclosure (42 CFR 2.31(a)(5))');
  if (c.rightToRevoke !== true) add('rightToRevoke', 'is missing: the statement of the patient\'s right to revoke (42 CFR 2.31(a)(6))');
  if ((c.expiresOn === undefined || c.expiresOn === null) && blank(c.expirationEvent)) {
    add('expiresOn', 'is missing: an expiration date, event or condition (42 CFR 2.31(a)(7))');
  } else if (c.expiresOn !== undefined && c.expiresOn !== null) {
    if (!isDate(c.expiresOn)) add('expiresOn', 'must be a date written YYYY-MM-DD');
    else if (c.expiresOn < ctx.today) add('expiresOn', `has passed (${c.expiresOn}): the consent has expired`);
  }
  if (blank(c.signedBy)) add('signedBy', 'is missing: the signature (42 CFR 2.31(a)(8))');
  if (c.signedOn === undefined || c.signedOn === null) add('signedOn', 'is missing: the date signed (42 CFR 2.31(a)(9))');
  else if (!isDate(c.signedOn)) add('signedOn', 'must be a date written YYYY-MM-DD');
  else if (c.signedOn > ctx.today) add('signedOn', `is in the future (${c.signedOn})`);
  if (c.revokedOn !== undefined && c.revokedOn !== null && isDate(c.revokedOn) && c.revokedOn <= ctx.today) {
    add('revokedOn', `the patient revoked this consent on ${c.revokedOn}`);
  }
  return out;
}

/** "Smith & Jones LLP" names the requester "smith jones llp", and "Dana Smith, Esq." names "Dana Smith". */
export function namesSameParty(named: string, requester: string): boolean {
  const a = norm(named);
  const b = norm(requester);
  return a.length > 0 && b.length > 0 && (a === b || a.includes(b) || b.includes(a));
}

/**
 * The restricted categories an authorization lets the package carry: those it names, substance use only with a
 * Part 2 consent. Validity is checked separately (authorizationProblems) before any record is read.
 */
export function authorizedCategories(a: Authorization | null | undefined): string[] {
  if (!a) return [];
  const named = (a.categories ?? []).filter((c) => (NAMEABLE_CATEGORIES as readonly string[]).includes(c));
  return named.filter((c) => c !== 'substance-use' || a.part2Consent !== undefined);
}

/** Still usable today (not expired, not revoked): a request loses its reach into the records the day it lapses. */
export function authorizationInForce(a: Authorization | null | undefined, today: string): boolean {
  if (!a) return false;
  if (a.expiresOn && a.expiresOn < today) return false;
  if (a.expirationEventOccurred === true) return false;
  if (a.revokedOn && a.revokedOn <= today) return false;
  return true;
}
