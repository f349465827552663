import fc from 'fast-check';
import { DAY_MS } from '../common/clock';
import {
  allowedActions, nextRoiState, RequesterKind, ROI_ACTIONS, ROI_STATUSES, RoiAction, RoiState, RoiStatus, transitionProblems, TransitionInput,
} from './roi-state-machine';

/** The expected machine, written out independently of TRANSITIONS: [from, action, kind or both] -> to. */
const EXPECTED: [RoiStatus, RoiAction, RequesterKind | 'both', RoiStatus][] = [
  ['received', 'verify-identity', 'both', 'identity-verified'],
  ['identity-verified', 'validate-authorization', 'third-party', 'authorization-validated'],
  ['identity-verified', 'confirm-right-of-access', 'self', 'right-of-access'],
  ['authorization-validated', 'begin-review', 'both', 'in-review'],
  ['right-of-access', 'begin-review', 'both', 'in-review'],
  ['in-review', 'approve', 'both', 'approved'],
  ['in-review', 'deny-in-part', 'self', 'in-review'],
  ['approved', 'fulfil', 'both', 'fulfilled'],
  ['fulfilled', 'close', 'both', 'closed'],
  ...(['received', 'identity-verified', 'authorization-validated', 'right-of-access', 'in-review', 'approved'] as RoiStatus[]).flatMap(
    (s): [RoiStatus, RoiAction, 'both', RoiStatus][] => [
      [s, 'deny', 'both', 'denied'],
      [s, 'cancel', 'both', 'cancelled'],
      [s, 'extend', 'both', s],
    ],
  ),
];

const RECEIVED = '2026-11-01T12:00:00.000Z';
const DUE = '2026-12-01T12:00:00.000Z';
const BEFORE_DUE = '2026-11-20T12:00:00.000Z';
const AFTER_DUE = '2026-12-02T12:00:00.000Z';

const input = (action: RoiAction, kind: RequesterKind): TransitionInput => ({
  action,
  reason: 'written reason',
  denialCode: action === 'deny' || action === 'deny-in-part' ? (kind === 'self' ? 'endangerment' : 'no-legal-basis') : undefined,
  extensionDays: action === 'extend' ? 30 : undefined,
});

describe('ROI state machine (table-driven)', () => {
  const cases = ROI_STATUSES.flatMap((status) => ROI_ACTIONS.flatMap((action) => (['self', 'third-party'] as RequesterKind[]).map((kind) => ({ status, action, kind }))));

  it.each(cases)('$status --$action--> ($kind)', ({ status, action, kind }) => {
    const state: RoiState = { status, kind, dueAt: DUE, extended: false };
    const expected = EXPECTED.find(([f, a, k]) => f === status && a === action && (k === 'both' || k === kind));
    const next = nextRoiState(state, input(action, kind), BEFORE_DUE);
    if (expected) {
      expect(next).toMatchObject({ ok: true, from: status, to: expected[3] });
    } else {
      expect(next.ok).toBe(false);
    }
  });

  it('lists what a state accepts now', () => {
    expect(allowedActions({ status: 'identity-verified', kind: 'self', dueAt: DUE, extended: false }, BEFORE_DUE)).toEqual(['confirm-right-of-access', 'deny', 'cancel', 'extend']);
    expect(allowedActions({ status: 'identity-verified', kind: 'third-party', dueAt: DUE, extended: true }, BEFORE_DUE)).toEqual(['validate-authorization', 'deny', 'cancel']);
    expect(allowedActions({ status: 'in-review', kind: 'self', dueAt: DUE, extended: false }, AFTER_DUE)).toEqual(['approve', 'deny', 'cancel', 'deny-in-part']);
    expect(allowedActions({ status: 'in-review', kind: 'self', dueAt: DUE, extended: false, deniedInPart: true }, AFTER_DUE)).toEqual(['approve', 'deny', 'cancel']);
    expect(allowedActions({ status: 'in-review', kind: 'third-party', dueAt: DUE, extended: false }, AFTER_DUE)).toEqual(['approve', 'deny', 'cancel']);
    expect(allowedActions({ status: 'closed', kind: 'self', dueAt: DUE, extended: false }, BEFORE_DUE)).toEqual([]);
  });
});

describe('properties (fast-check)', () => {
  const status = fc.constantFrom(...ROI_STATUSES);
  const action = fc.constantFrom(...ROI_ACTIONS);
  const kind = fc.constantFrom<RequesterKind>('self', 'third-party');

  it('deny-in-part never changes the status, and happens at most once', () => {
    fc.assert(fc.property(status, kind, fc.boolean(), (s, k, denied) => {
      const next = nextRoiState({ status: s, kind: k, dueAt: DUE, extended: false, deniedInPart: denied }, input('deny-in-part', k), BEFORE_DUE);
      if (next.ok) {
        expect(next.to).toBe(s);
        expect([s, k, denied]).toEqual(['in-review', 'self', false]);
      }
    }));
  });

  it('a partial denial changes nothing else the machine allows, except a second deny-in-part', () => {
    fc.assert(fc.property(status, kind, action, (s, k, a) => {
      fc.pre(a !== 'deny-in-part');
      const plain = nextRoiState({ status: s, kind: k, dueAt: DUE, extended: false }, input(a, k), BEFORE_DUE);
      const partial = nextRoiState({ status: s, kind: k, dueAt: DUE, extended: false, deniedInPart: true }, input(a, k), BEFORE_DUE);
      expect(partial).toEqual(plain);
    }));
  });

  it('every allowed action leads to a known status; a final status allows nothing', () => {
    fc.assert(fc.property(status, kind, fc.boolean(), (s, k, extended) => {
      const state: RoiState = { status: s, kind: k, dueAt: DUE, extended };
      const allowed = allowedActions(state, BEFORE_DUE);
      if (['closed', 'denied', 'cancelled'].includes(s)) expect(allowed).toEqual([]);
      for (const a of allowed) {
        const next = nextRoiState(state, input(a, k), BEFORE_DUE);
        expect(next.ok && ROI_STATUSES.includes(next.to)).toBe(true);
      }
    }));
  });
});

describe('the one extension (45 CFR 164.524(b)(2)(ii))', () => {
  const open: RoiState = { status: 'in-review', kind: 'self', dueAt: DUE, extended: false };

  it('moves the due date by the days given, keeping the state', () => {
    expect(nextRoiState(open, input('extend', 'self'), BEFORE_DUE)).toEqual({
      ok: true, from: 'in-review', to: 'in-review', dueAt: new Date(new Date(DUE).getTime() + 30 * DAY_MS).toISOString(), late: false,
    });
  });

  it('is refused a second time, and at or after the due date', () => {
    expect(nextRoiState({ ...open, extended: true }, input('extend', 'self'), BEFORE_DUE)).toMatchObject({ ok: false, conflict: expect.stringMatching(/only one extension/) });
    expect(nextRoiState(open, input('extend', 'self'), DUE)).toMatchObject({ ok: false, conflict: expect.stringMatching(/before the original due date/) });
    expect(nextRoiState(open, input('extend', 'self'), AFTER_DUE).ok).toBe(false);
  });

  it('a step taken after the due date is marked late', () => {
    expect(nextRoiState(open, input('approve', 'self'), AFTER_DUE)).toMatchObject({ ok: true, late: true });
    expect(nextRoiState(open, input('approve', 'self'), RECEIVED)).toMatchObject({ ok: true, late: false });
  });
});

describe('what each action must carry (400)', () => {
  it('deny: a reason and a code of the right family', () => {
    expect(transitionProblems({ action: 'deny' }, 'self').map((p) => p.field)).toEqual(['reason', 'denialCode']);
    expect(transitionProblems({ action: 'deny', reason: 'r', denialCode: 'no-legal-basis' }, 'self')[0].problems[0]).toMatch(/164\.524\(a\)/);
    expect(transitionProblems({ action: 'deny', reason: 'r', denialCode: 'endangerment' }, 'third-party').map((p) => p.field)).toEqual(['denialCode']);
    expect(transitionProblems({ action: 'deny', reason: 'r', denialCode: 'endangerment' }, 'self')).toEqual([]);
  });

  it('extend: 1 to 30 days and the reasons; cancel: a reason; others carry neither code nor days', () => {
    expect(transitionProblems({ action: 'extend', reason: 'r', extensionDays: 31 }, 'self').map((p) => p.field)).toEqual(['extensionDays']);
    expect(transitionProblems({ action: 'extend', extensionDays: 30 }, 'self').map((p) => p.field)).toEqual(['reason']);
    expect(transitionProblems({ action: 'cancel', reason: '  ' }, 'self').map((p) => p.field)).toEqual(['reason']);
    expect(transitionProblems({ action: 'approve', denialCode: 'endangerment', extensionDays: 3 }, 'self').map((p) => p.field)).toEqual(['denialCode', 'extensionDays']);
    expect(transitionProblems({ action: 'approve' }, 'self')).toEqual([]);
  });

  it('deny-in-part: a 164.524(a) code and a reason; the denied part and the determination belong to the denials only', () => {
    expect(transitionProblems({ action: 'deny-in-part' }, 'self').map((p) => p.field)).toEqual(['reason', 'denialCode']);
    expect(transitionProblems({ action: 'deny-in-part', reason: 'r', denialCode: 'endangerment', deniedSections: ['notes'], determinedBy: 2 }, 'self')).toEqual([]);
    expect(transitionProblems({ action: 'approve', deniedSections: ['notes'], deniedItems: [], determinedBy: 2 }, 'self').map((p) => p.field))
      .toEqual(['determinedBy', 'deniedSections', 'deniedItems']);
    expect(transitionProblems({ action: 'deny', reason: 'r', denialCode: 'endangerment', deniedSections: ['notes'] }, 'self').map((p) => p.field)).toEqual(['deniedSections']);
  });
});
