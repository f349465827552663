import { DAY_MS } from '../common/clock';
import type { FieldProblem } from '../common/errors';
import { DENIAL_CODES, isDenialCodeFor } from './denial-grounds';
import { MAX_EXTENSION_DAYS } from './roi-deadlines';

/**
 * The release-of-information request as a table-driven state machine. Pure: no database, no clock (the service
 * passes "now" in), so every rule can be read here and checked with plain values.
 *
 *   received -> identity-verified -> authorization-validated (third parties, 45 CFR 164.508)
 *                                 -> right-of-access         (the patient's own request, 164.524)
 *            -> in-review -> approved -> fulfilled -> closed
 *   any open state -> denied (with a reason code) | cancelled | (extend: once, same state, new due date)
 *   in-review (the patient's own request) -> deny-in-part: same state; the denied part is left out of the package and
 *                                             the rest is released (164.524(d)(1)); once per request
 *
 * Anything else is a 409 and changes nothing.
 */

export const ROI_STATUSES = [
  'received',
  'identity-verified',
  'authorization-validated',
  'right-of-access',
  'in-review',
  'approved',
  'fulfilled',
  'closed',
  'denied',
  'cancelled',
] as const;
export type RoiStatus = (typeof ROI_STATUSES)[number];

/** Still waiting for the covered entity to act: the deadline runs, the request may be denied, cancelled or extended. */
export const OPEN_STATUSES: readonly RoiStatus[] = ['received', 'identity-verified', 'authorization-validated', 'right-of-access', 'in-review', 'approved'];
/** Nothing follows these. */
export const FINAL_STATUSES: readonly RoiStatus[] = ['closed', 'denied', 'cancelled'];
/**
 * The states in which the request lets its ROI specialist read the records in scope: from the start of the review
 * until the request is closed (a fulfilled request may still need checking against the delivered package). Before
 * the review, identity and authorization are not settled; after the close, nothing more is read (minimum necessary,
 * 164.502(b)).
 */
export const READING_STATUSES: readonly RoiStatus[] = ['in-review', 'approved', 'fulfilled'];

export const ROI_ACTIONS = [
  'verify-identity',
  'validate-authorization',
  'confirm-right-of-access',
  'begin-review',
  'approve',
  'fulfil',
  'close',
  'deny',
  'cancel',
  'extend',
  'deny-in-part',
] as const;
export type RoiAction = (typeof ROI_ACTIONS)[number];

/** Who asked: the individual (right of access) or someone else (needs an authorization or another legal basis). */
export type RequesterKind = 'self' | 'third-party';

interface Rule {
  from: readonly RoiStatus[];
  /** 'same': the status does not change (an extension moves the due date only). */
  to: RoiStatus | 'same';
  /** The action exists only for this kind of requester. */
  only?: RequesterKind;
  /** The written reason the action must carry. */
  reason?: 'required';
  summary: string;
}

/** The table: which action moves a request from which states to which. */
export const TRANSITIONS: Readonly<Record<RoiAction, Rule>> = {
  'verify-identity': { from: ['received'], to: 'identity-verified', summary: 'the requester\'s identity and authority are verified (164.514(h))' },
  'validate-authorization': {
    from: ['identity-verified'], to: 'authorization-validated', only: 'third-party',
    summary: 'the authorization is valid (164.508(c)) or another legal basis applies (164.506, 164.512)',
  },
  'confirm-right-of-access': {
    from: ['identity-verified'], to: 'right-of-access', only: 'self',
    summary: 'the individual\'s own request: right of access, no authorization needed (164.524)',
  },
  'begin-review': { from: ['authorization-validated', 'right-of-access'], to: 'in-review', summary: 'the records in scope are reviewed' },
  approve: { from: ['in-review'], to: 'approved', summary: 'the release is approved' },
  fulfil: { from: ['approved'], to: 'fulfilled', summary: 'the package is built, hashed, delivered and the disclosure recorded' },
  close: { from: ['fulfilled'], to: 'closed', summary: 'the request is closed' },
  deny: { from: OPEN_STATUSES, to: 'denied', reason: 'required', summary: 'the request is denied, with a reason code' },
  cancel: { from: OPEN_STATUSES, to: 'cancelled', reason: 'required', summary: 'the requester withdrew the request' },
  'deny-in-part': {
    from: ['in-review'], to: 'same', only: 'self', reason: 'required',
    summary: 'part of the information is denied on a ground of 164.524(a); access to the rest is given (164.524(d)(1))',
  },
  extend: {
    from: OPEN_STATUSES, to: 'same', reason: 'required',
    summary: 'one extension of at most 30 days, before the original due date, with the reasons in writing (164.524(b)(2)(ii))',
  },
};

export interface TransitionInput {
  action: RoiAction;
  reason?: string | null;
  denialCode?: string | null;
  extensionDays?: number | null;
  /** deny, deny-in-part: the licensed professional who determined a reviewable ground (checked by access-denial.ts). */
  determinedBy?: number | null;
  /** deny-in-part: the part denied (checked against the request's records by access-denial.ts). */
  deniedSections?: readonly string[] | null;
  deniedItems?: readonly unknown[] | null;
}

export interface RoiState {
  status: RoiStatus;
  kind: RequesterKind;
  dueAt: string;
  extended: boolean;
  /** Part of the information was already denied (deny-in-part happens once). */
  deniedInPart?: boolean;
}

export type Transition =
  | { ok: true; from: RoiStatus; to: RoiStatus; dueAt: string; late: boolean }
  | { ok: false; conflict: string };

const ms = (t: string | Date): number => (typeof t === 'string' ? new Date(t).getTime() : t.getTime());

/** Input problems (400), independent of the request's state: what each action must carry. */
export function transitionProblems(input: TransitionInput, kind: RequesterKind): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problems: [problem] });
  const rule = TRANSITIONS[input.action];
  if (!rule) return [{ field: 'action', problems: [`must be one of ${ROI_ACTIONS.join(', ')}`] }];
  const hasReason = typeof input.reason === 'string' && input.reason.trim().length > 0;
  if (rule.reason === 'required' && !hasReason) {
    add('reason', input.action === 'extend'
      ? 'is required to extend: the individual is told the reasons for the delay in writing (164.524(b)(2)(ii))'
      : `is required to ${input.action}`);
  }
  if (input.action === 'deny' || input.action === 'deny-in-part') {
    if (!isDenialCodeFor(kind, input.denialCode)) {
      add('denialCode', `is required to deny and must be one of ${DENIAL_CODES[kind].join(', ')}${kind === 'self' ? ' (45 CFR 164.524(a))' : ''}`);
    }
  } else if (input.denialCode !== undefined && input.denialCode !== null) {
    add('denialCode', 'is only allowed with actions deny and deny-in-part');
  }
  const present = (v: unknown) => v !== undefined && v !== null;
  if (input.action !== 'deny' && input.action !== 'deny-in-part' && present(input.determinedBy)) {
    add('determinedBy', 'is only allowed with actions deny and deny-in-part');
  }
  if (input.action !== 'deny-in-part') {
    if (present(input.deniedSections)) add('deniedSections', 'is only allowed with action deny-in-part');
    if (present(input.deniedItems)) add('deniedItems', 'is only allowed with action deny-in-part');
  }
  if (input.action === 'extend') {
    const d = input.extensionDays;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > MAX_EXTENSION_DAYS) {
      add('extensionDays', `is required to extend and must be an integer from 1 to ${MAX_EXTENSION_DAYS}`);
    }
  } else if (input.extensionDays !== undefined && input.extensionDays !== null) {
    add('extensionDays', 'is only allowed with action extend');
  }
  return problems;
}

/**
 * The next state, or why the action is not allowed now (a 409). The input is assumed to have passed
 * transitionProblems.
 */
export function nextRoiState(state: RoiState, input: TransitionInput, now: string | Date): Transition {
  const rule = TRANSITIONS[input.action];
  if (!rule.from.includes(state.status)) {
    const from = ROI_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(state.status) && (!TRANSITIONS[a].only || TRANSITIONS[a].only === state.kind));
    return {
      ok: false,
      conflict: `cannot ${input.action} a request that is ${state.status}; allowed now: ${from.length ? from.join(', ') : 'nothing (the request is final)'}`,
    };
  }
  if (rule.only && rule.only !== state.kind) {
    return {
      ok: false,
      conflict: input.action === 'deny-in-part'
        ? 'deny-in-part is for the patient\'s own request (right of access, 164.524(d)(1)); a third party\'s request is released within its legal basis or denied'
        : rule.only === 'self'
        ? 'confirm-right-of-access is for the patient\'s own request; a third party\'s request needs validate-authorization'
        : 'the patient\'s own request needs no authorization (right of access, 164.524): use confirm-right-of-access',
    };
  }
  const late = ms(now) > ms(state.dueAt);
  if (input.action === 'deny-in-part' && state.deniedInPart) {
    return { ok: false, conflict: 'part of this request was already denied; deny the rest with action deny, or release it' };
  }
  if (input.action === 'extend') {
    if (state.extended) return { ok: false, conflict: 'the request was already extended; only one extension of at most 30 days is allowed (164.524(b)(2)(ii))' };
    if (ms(now) >= ms(state.dueAt)) {
      return { ok: false, conflict: `the extension must be given before the original due date (${state.dueAt}); it has passed` };
    }
    const dueAt = new Date(ms(state.dueAt) + (input.extensionDays as number) * DAY_MS).toISOString();
    return { ok: true, from: state.status, to: state.status, dueAt, late: false };
  }
  return { ok: true, from: state.status, to: rule.to === 'same' ? state.status : rule.to, dueAt: state.dueAt, late };
}

/** The actions a request in this state accepts now (shown with the request, for the UI and for students). */
export function allowedActions(state: RoiState, now: string | Date): RoiAction[] {
  return ROI_ACTIONS.filter((action) => {
    const probe: TransitionInput = { action, extensionDays: action === 'extend' ? 1 : undefined };
    return nextRoiState(state, probe, now).ok;
  });
}

export function isOpenStatus(status: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}
