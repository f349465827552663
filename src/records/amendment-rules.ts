import { DAY_MS } from '../common/clock';
import type { FieldProblem } from '../common/errors';

/**
 * The right to amend (45 CFR 164.526) as pure rules: deadlines, the one extension, the denial grounds and which
 * decision may follow which state. No database, no clock: the service passes "now" in, so the unit tests (and
 * students) can check every rule with plain values.
 */

/** 164.526(b)(2): act on the request no later than 60 days after its receipt. */
export const RESPONSE_DAYS = 60;
/** 164.526(b)(2)(ii): one extension of no more than 30 days, with a written statement of the reasons. */
export const MAX_EXTENSION_DAYS = 30;
/** 164.526(d)(3) lets the covered entity reasonably limit the length of a statement of disagreement. */
export const MAX_TEXT = 5000;

export const AMENDMENT_STATUSES = ['received', 'extended', 'accepted', 'denied'] as const;
export type AmendmentStatus = (typeof AMENDMENT_STATUSES)[number];
/** Still waiting for the covered entity's action. */
export const OPEN_STATUSES: readonly AmendmentStatus[] = ['received', 'extended'];

export const DECISIONS = ['accept', 'deny', 'extend'] as const;
export type AmendmentDecision = (typeof DECISIONS)[number];

/** The four grounds on which a covered entity may deny an amendment: 164.526(a)(2)(i)-(iv). */
export const DENIAL_GROUNDS = [
  'not-created-by-covered-entity',
  'not-part-of-designated-record-set',
  'not-available-for-inspection',
  'accurate-and-complete',
] as const;
export type DenialGround = (typeof DENIAL_GROUNDS)[number];

export const DENIAL_GROUND_TEXT: Record<DenialGround, { citation: string; description: string }> = {
  'not-created-by-covered-entity': {
    citation: '45 CFR 164.526(a)(2)(i)',
    description:
      'The information was not created by this covered entity (unless the originator is no longer available to act on the request).',
  },
  'not-part-of-designated-record-set': {
    citation: '45 CFR 164.526(a)(2)(ii)',
    description: 'The information is not part of the designated record set.',
  },
  'not-available-for-inspection': {
    citation: '45 CFR 164.526(a)(2)(iii)',
    description: 'The information would not be available for inspection under the right of access (45 CFR 164.524).',
  },
  'accurate-and-complete': {
    citation: '45 CFR 164.526(a)(2)(iv)',
    description: 'The information is accurate and complete.',
  },
};

export function isDenialGround(v: unknown): v is DenialGround {
  return typeof v === 'string' && (DENIAL_GROUNDS as readonly string[]).includes(v);
}

export function isOpen(status: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}

const ms = (t: string | Date): number => (typeof t === 'string' ? new Date(t).getTime() : t.getTime());
const iso = (t: number): string => new Date(t).toISOString();

/** The due date: exactly 60 days after receipt. */
export function dueDateFor(receivedAt: string): string {
  return iso(ms(receivedAt) + RESPONSE_DAYS * DAY_MS);
}

/** The latest the covered entity may ever act: 60 days plus the one 30-day extension. */
export function latestDueDateFor(receivedAt: string): string {
  return iso(ms(receivedAt) + (RESPONSE_DAYS + MAX_EXTENSION_DAYS) * DAY_MS);
}

/** Days of extension already granted (0 when none), derived from the stored dates. */
export function extensionDaysOf(receivedAt: string, dueAt: string): number {
  return Math.round((ms(dueAt) - ms(dueDateFor(receivedAt))) / DAY_MS);
}

/** Open and past its due date. */
export function isOverdue(a: { status: string; dueAt: string }, now: string | Date): boolean {
  return isOpen(a.status) && ms(now) > ms(a.dueAt);
}

/**
 * Whole days until the due date, rounded up (60 right after receipt, 0 on the due day, -1 a day late);
 * null once the request is closed.
 */
export function daysLeft(a: { status: string; dueAt: string }, now: string | Date): number | null {
  if (!isOpen(a.status)) return null;
  const d = Math.ceil((ms(a.dueAt) - ms(now)) / DAY_MS);
  return d === 0 ? 0 : d; // no -0
}

export interface DecisionInput {
  decision: AmendmentDecision;
  reason?: string;
  denialGround?: string;
  extensionDays?: number;
}

/**
 * What each decision must carry (400 on a miss, one entry per field): a denial names one of the four grounds and
 * its reason (164.526(d)(1)(i)); an extension gives 1..30 days and its written reason (164.526(b)(2)(ii)); fields
 * that belong to another decision are refused rather than silently ignored.
 */
export function decisionProblems(input: DecisionInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problems: [problem] });
  const hasReason = typeof input.reason === 'string' && input.reason.trim().length > 0;
  const grounds = DENIAL_GROUNDS.join(', ');
  switch (input.decision) {
    case 'deny':
      if (!isDenialGround(input.denialGround)) add('denialGround', `is required to deny and must be one of ${grounds}`);
      if (!hasReason) add('reason', 'is required to deny: the written denial states its basis (164.526(d)(1)(i))');
      if (input.extensionDays !== undefined) add('extensionDays', 'is only allowed with decision extend');
      break;
    case 'extend':
      if (!Number.isInteger(input.extensionDays) || (input.extensionDays as number) < 1 || (input.extensionDays as number) > MAX_EXTENSION_DAYS) {
        add('extensionDays', `is required to extend and must be an integer from 1 to ${MAX_EXTENSION_DAYS}`);
      }
      if (!hasReason) add('reason', 'is required to extend: the individual receives the reasons for the delay in writing (164.526(b)(2)(ii))');
      if (input.denialGround !== undefined) add('denialGround', 'is only allowed with decision deny');
      break;
    case 'accept':
      if (input.denialGround !== undefined) add('denialGround', 'is only allowed with decision deny');
      if (input.extensionDays !== undefined) add('extensionDays', 'is only allowed with decision extend');
      break;
    default:
      add('decision', `must be one of ${DECISIONS.join(', ')}`);
  }
  return problems;
}

export interface AmendmentState {
  status: AmendmentStatus;
  receivedAt: string;
  dueAt: string;
}

export type Transition =
  | { ok: true; status: AmendmentStatus; dueAt: string; late: boolean }
  | { ok: false; conflict: string };

/**
 * The state machine: received -> extended (once, before the due date), received|extended -> accepted|denied.
 * Accepted and denied are final. A conflict here is a 409; the input is assumed to have passed decisionProblems.
 */
export function nextState(a: AmendmentState, input: DecisionInput, now: string | Date): Transition {
  if (!isOpen(a.status)) return { ok: false, conflict: `the amendment request is already ${a.status}; that decision is final` };
  if (input.decision === 'extend') {
    if (a.status === 'extended') {
      return { ok: false, conflict: 'the amendment request was already extended; 45 CFR 164.526(b)(2)(ii) allows only one extension' };
    }
    if (ms(now) >= ms(a.dueAt)) {
      return { ok: false, conflict: `the extension must be given before the due date (${a.dueAt}); it has passed` };
    }
    const days = input.extensionDays as number;
    if (!Number.isInteger(days) || days < 1 || days > MAX_EXTENSION_DAYS) {
      return { ok: false, conflict: `an extension is 1 to ${MAX_EXTENSION_DAYS} days` };
    }
    const dueAt = iso(ms(a.dueAt) + days * DAY_MS);
    if (ms(dueAt) > ms(latestDueDateFor(a.receivedAt))) {
      return { ok: false, conflict: `the extended due date would pass ${latestDueDateFor(a.receivedAt)}, 90 days after receipt` };
    }
    return { ok: true, status: 'extended', dueAt, late: false };
  }
  return { ok: true, status: input.decision === 'accept' ? 'accepted' : 'denied', dueAt: a.dueAt, late: ms(now) > ms(a.dueAt) };
}

/** A disagreement statement follows a denial, once (164.526(d)(1)(ii), (d)(2)). */
export function disagreementConflict(a: { status: string; disagreementStatement: string | null }): string | null {
  if (a.status !== 'denied') return `a statement of disagreement follows a denial; this amendment request is ${a.status}`;
  if (a.disagreementStatement !== null) return 'a statement of disagreement was already filed for this denial';
  return null;
}

/** The content 164.526(d)(1) requires in a written denial, in plain language. */
export function denialNotice(ground: DenialGround, reason: string, disagreementFiled: boolean) {
  return {
    basis: `${DENIAL_GROUND_TEXT[ground].description} (${DENIAL_GROUND_TEXT[ground].citation}) ${reason}`.trim(),
    disagreement: disagreementFiled
      ? 'Your statement of disagreement is on file and linked to the record; it will be included with future disclosures of the information (164.526(d)(5)).'
      : 'You may submit a written statement disagreeing with the denial and the basis for it: POST /amendments/{id}/disagreement (164.526(d)(1)(ii)).',
    ifNoDisagreement:
      'If you do not submit a statement of disagreement, you may ask that your request for amendment and this denial be included with any future disclosures of the information (164.526(d)(1)(iii)).',
    complaint:
      'You may complain to the privacy officer of this organization or to the Secretary of Health and Human Services (164.526(d)(1)(iv)).',
  };
}

/** The written notice of an extension: the reasons for the delay and the date action will be completed. */
export function extensionNotice(reason: string, dueAt: string) {
  return { reason, completeBy: dueAt, citation: '45 CFR 164.526(b)(2)(ii)' };
}

/** The rebuttal answers a statement of disagreement, once (164.526(d)(3)). */
export function rebuttalConflict(a: { status: string; disagreementStatement: string | null; rebuttalStatement: string | null }): string | null {
  if (a.status !== 'denied' || a.disagreementStatement === null) return 'a rebuttal answers a statement of disagreement; none is on file for this amendment request';
  if (a.rebuttalStatement !== null) return 'a rebuttal was already prepared for this statement of disagreement';
  return null;
}

/** Without a disagreement, the individual may ask that the request and the denial travel (164.526(d)(1)(iii)); once. */
export function inclusionConflict(a: { status: string; disagreementStatement: string | null; includeWithDisclosures: boolean }): string | null {
  if (a.status !== 'denied') return `the request and the denial travel with disclosures only after a denial; this amendment request is ${a.status}`;
  if (a.disagreementStatement !== null) return 'a statement of disagreement is on file: the request, the denial, the statement and any rebuttal already travel with every disclosure (164.526(d)(5)(i))';
  if (a.includeWithDisclosures) return 'already requested';
  return null;
}

/**
 * Which denied amendments must accompany a later disclosure of the disputed information (164.526(d)(5)): with a
 * statement of disagreement always ((d)(5)(i): the request, the denial, the statement and any rebuttal); without
 * one only if the individual asked ((d)(5)(ii): the request and the denial). Null: the amendment does not travel.
 */
export function travelsWithDisclosures(a: { status: string; disagreementStatement: string | null; includeWithDisclosures: boolean }):
  { citation: string; parts: string[] } | null {
  if (a.status !== 'denied') return null;
  if (a.disagreementStatement !== null) {
    return { citation: '45 CFR 164.526(d)(5)(i)', parts: ['request', 'denial', 'disagreement', 'rebuttal'] };
  }
  if (a.includeWithDisclosures) return { citation: '45 CFR 164.526(d)(5)(ii)', parts: ['request', 'denial'] };
  return null;
}
