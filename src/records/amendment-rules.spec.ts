import fc from 'fast-check';
import { DAY_MS } from '../common/clock';
import {
  AmendmentState, daysLeft, decisionProblems, denialNotice, DENIAL_GROUNDS, DENIAL_GROUND_TEXT, disagreementConflict,
  dueDateFor, extensionDaysOf, isOverdue, latestDueDateFor, MAX_EXTENSION_DAYS, nextState, RESPONSE_DAYS,
} from './amendment-rules';

const RECEIVED = '2026-01-10T15:30:00.000Z';
const at = (iso: string, days: number, extraMs = 0) => new Date(new Date(iso).getTime() + days * DAY_MS + extraMs).toISOString();
const fresh = (receivedAt = RECEIVED): AmendmentState => ({ status: 'received', receivedAt, dueAt: dueDateFor(receivedAt) });

describe('amendment rules (45 CFR 164.526)', () => {
  describe('deadlines', () => {
    it('is due exactly 60 days after receipt', () => {
      expect(RESPONSE_DAYS).toBe(60);
      expect(dueDateFor(RECEIVED)).toBe('2026-03-11T15:30:00.000Z');
      expect(new Date(dueDateFor(RECEIVED)).getTime() - new Date(RECEIVED).getTime()).toBe(60 * DAY_MS);
    });

    it('is never due later than 90 days after receipt', () => {
      expect(latestDueDateFor(RECEIVED)).toBe(at(RECEIVED, 90));
    });

    it('is overdue only while open and strictly after the due date', () => {
      const a = fresh();
      expect(isOverdue(a, a.dueAt)).toBe(false);
      expect(isOverdue(a, at(a.dueAt, 0, 1))).toBe(true);
      expect(isOverdue({ ...a, status: 'extended' }, at(a.dueAt, 1))).toBe(true);
      expect(isOverdue({ ...a, status: 'accepted' }, at(a.dueAt, 5))).toBe(false);
      expect(isOverdue({ ...a, status: 'denied' }, at(a.dueAt, 5))).toBe(false);
    });

    it('counts whole days left, negative once late, null once decided', () => {
      const a = fresh();
      expect(daysLeft(a, at(RECEIVED, 0, 5))).toBe(60);
      expect(daysLeft(a, a.dueAt)).toBe(0);
      expect(daysLeft(a, at(RECEIVED, 61))).toBe(-1);
      expect(daysLeft({ ...a, status: 'accepted' }, RECEIVED)).toBeNull();
    });
  });

  describe('extension', () => {
    it('extends once, by at most 30 days, before the due date', () => {
      const next = nextState(fresh(), { decision: 'extend', extensionDays: 30, reason: 'records offsite' }, at(RECEIVED, 59));
      expect(next).toEqual({ ok: true, status: 'extended', dueAt: at(RECEIVED, 90), late: false });
      expect(extensionDaysOf(RECEIVED, at(RECEIVED, 90))).toBe(30);
      expect(extensionDaysOf(RECEIVED, dueDateFor(RECEIVED))).toBe(0);
    });

    it('refuses a second extension', () => {
      const once = { ...fresh(), status: 'extended' as const, dueAt: at(RECEIVED, 70) };
      const next = nextState(once, { decision: 'extend', extensionDays: 5, reason: 'again' }, at(RECEIVED, 61));
      expect(next).toEqual({ ok: false, conflict: expect.stringMatching(/only one extension/) });
    });

    it('refuses an extension on or after the due date', () => {
      const a = fresh();
      expect(nextState(a, { decision: 'extend', extensionDays: 10, reason: 'late' }, a.dueAt)).toMatchObject({ ok: false, conflict: expect.stringMatching(/before the due date/) });
      expect(nextState(a, { decision: 'extend', extensionDays: 10, reason: 'late' }, at(RECEIVED, 61))).toMatchObject({ ok: false });
      expect(nextState(a, { decision: 'extend', extensionDays: 10, reason: 'in time' }, at(a.dueAt, 0, -1))).toMatchObject({ ok: true });
    });

    it('refuses more than 30 days or no reason (400 problems)', () => {
      expect(MAX_EXTENSION_DAYS).toBe(30);
      expect(decisionProblems({ decision: 'extend', extensionDays: 31, reason: 'x' })).toEqual([{ field: 'extensionDays', problems: [expect.stringMatching(/1 to 30/)] }]);
      expect(decisionProblems({ decision: 'extend', extensionDays: 0, reason: 'x' })[0].field).toBe('extensionDays');
      expect(decisionProblems({ decision: 'extend', extensionDays: 2.5, reason: 'x' })[0].field).toBe('extensionDays');
      expect(decisionProblems({ decision: 'extend', extensionDays: 10 })).toEqual([{ field: 'reason', problems: [expect.stringMatching(/reasons for the delay/)] }]);
      expect(decisionProblems({ decision: 'extend', extensionDays: 10, reason: '   ' })[0].field).toBe('reason');
      expect(decisionProblems({ decision: 'extend', extensionDays: 10, reason: 'records offsite' })).toEqual([]);
      expect(nextState(fresh(), { decision: 'extend', extensionDays: 31, reason: 'x' }, RECEIVED)).toMatchObject({ ok: false });
    });
  });

  describe('denial', () => {
    it('knows exactly the four grounds of 164.526(a)(2)', () => {
      expect([...DENIAL_GROUNDS].sort()).toEqual(
        ['accurate-and-complete', 'not-available-for-inspection', 'not-created-by-covered-entity', 'not-part-of-designated-record-set'],
      );
      expect(Object.values(DENIAL_GROUND_TEXT).map((g) => g.citation).sort()).toEqual(
        ['i', 'ii', 'iii', 'iv'].map((n) => `45 CFR 164.526(a)(2)(${n})`).sort(),
      );
    });

    it('requires one of the grounds and a reason, listing the allowed grounds', () => {
      const missing = decisionProblems({ decision: 'deny' });
      expect(missing.map((p) => p.field)).toEqual(['denialGround', 'reason']);
      expect(missing[0].problems[0]).toContain(DENIAL_GROUNDS.join(', '));
      expect(decisionProblems({ decision: 'deny', denialGround: 'we-said-so', reason: 'x' })[0].field).toBe('denialGround');
      expect(decisionProblems({ decision: 'deny', denialGround: 'accurate-and-complete', reason: 'verified with the lab' })).toEqual([]);
    });

    it('refuses fields that belong to another decision', () => {
      expect(decisionProblems({ decision: 'accept', denialGround: 'accurate-and-complete' })[0].field).toBe('denialGround');
      expect(decisionProblems({ decision: 'accept', extensionDays: 3 })[0].field).toBe('extensionDays');
      expect(decisionProblems({ decision: 'deny', denialGround: 'accurate-and-complete', reason: 'x', extensionDays: 3 })[0].field).toBe('extensionDays');
      expect(decisionProblems({ decision: 'extend', extensionDays: 3, reason: 'x', denialGround: 'accurate-and-complete' })[0].field).toBe('denialGround');
      expect(decisionProblems({ decision: 'approve' as never })[0].field).toBe('decision');
      expect(decisionProblems({ decision: 'accept' })).toEqual([]);
    });

    it('writes the notice 164.526(d)(1) requires', () => {
      const n = denialNotice('accurate-and-complete', 'Verified against the lab report.', false);
      expect(n.basis).toMatch(/accurate and complete.*164\.526\(a\)\(2\)\(iv\).*Verified against the lab report/);
      expect(n.disagreement).toMatch(/statement disagreeing/);
      expect(n.ifNoDisagreement).toMatch(/future disclosures/);
      expect(n.complaint).toMatch(/Secretary/);
      expect(denialNotice('accurate-and-complete', 'x', true).disagreement).toMatch(/on file/);
    });
  });

  describe('state machine', () => {
    it('accepts or denies an open request, late or not', () => {
      expect(nextState(fresh(), { decision: 'accept' }, at(RECEIVED, 1))).toEqual({ ok: true, status: 'accepted', dueAt: dueDateFor(RECEIVED), late: false });
      expect(nextState(fresh(), { decision: 'deny', denialGround: 'accurate-and-complete', reason: 'x' }, at(RECEIVED, 61))).toMatchObject({ ok: true, status: 'denied', late: true });
      const extended = { ...fresh(), status: 'extended' as const, dueAt: at(RECEIVED, 75) };
      expect(nextState(extended, { decision: 'accept' }, at(RECEIVED, 70))).toMatchObject({ ok: true, status: 'accepted', late: false });
    });

    it('treats accepted and denied as final', () => {
      for (const status of ['accepted', 'denied'] as const) {
        for (const decision of ['accept', 'deny', 'extend'] as const) {
          const next = nextState({ ...fresh(), status }, { decision, extensionDays: 5, denialGround: 'accurate-and-complete', reason: 'x' }, RECEIVED);
          expect(next).toEqual({ ok: false, conflict: expect.stringMatching(new RegExp(`already ${status}`)) });
        }
      }
    });

    it('takes one statement of disagreement, after a denial only', () => {
      expect(disagreementConflict({ status: 'denied', disagreementStatement: null })).toBeNull();
      expect(disagreementConflict({ status: 'denied', disagreementStatement: 'I disagree' })).toMatch(/already filed/);
      for (const status of ['received', 'extended', 'accepted']) {
        expect(disagreementConflict({ status, disagreementStatement: null })).toMatch(/follows a denial/);
      }
    });
  });

  describe('properties over random receipt dates and extensions', () => {
    const receipt = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    const offsetMs = fc.integer({ min: 0, max: 120 * DAY_MS });

    it('due = receipt + 60 days; one extension of 1..30 days before the due date keeps it within 90 days', () => {
      fc.assert(
        fc.property(receipt, fc.integer({ min: 1, max: MAX_EXTENSION_DAYS }), offsetMs, (receivedAt, days, offset) => {
          const a = fresh(receivedAt);
          expect(new Date(a.dueAt).getTime() - new Date(receivedAt).getTime()).toBe(RESPONSE_DAYS * DAY_MS);
          const now = at(receivedAt, 0, offset);
          const next = nextState(a, { decision: 'extend', extensionDays: days, reason: 'r' }, now);
          if (offset < RESPONSE_DAYS * DAY_MS) {
            expect(next).toEqual({ ok: true, status: 'extended', dueAt: at(a.dueAt, days), late: false });
            if (!next.ok) return;
            expect(next.dueAt <= latestDueDateFor(receivedAt)).toBe(true);
            expect(next.dueAt > a.dueAt).toBe(true);
            expect(extensionDaysOf(receivedAt, next.dueAt)).toBe(days);
            // Never a second one, whatever its length and whenever asked.
            const again = nextState({ ...a, status: 'extended', dueAt: next.dueAt }, { decision: 'extend', extensionDays: 1, reason: 'r' }, now);
            expect(again.ok).toBe(false);
          } else {
            expect(next.ok).toBe(false);
          }
        }),
      );
    });

    it('overdue exactly when open and now is after the due date; daysLeft agrees', () => {
      fc.assert(
        fc.property(receipt, offsetMs, fc.constantFrom('received', 'extended', 'accepted', 'denied'), (receivedAt, offset, status) => {
          const a = { status, dueAt: dueDateFor(receivedAt) };
          const now = at(receivedAt, 0, offset);
          const open = status === 'received' || status === 'extended';
          expect(isOverdue(a, now)).toBe(open && offset > RESPONSE_DAYS * DAY_MS);
          const left = daysLeft(a, now);
          if (!open) expect(left).toBeNull();
          else {
            expect(left).toBe(Math.ceil((RESPONSE_DAYS * DAY_MS - offset) / DAY_MS) || 0);
            if (isOverdue(a, now)) expect(left!).toBeLessThanOrEqual(0);
            else expect(left!).toBeGreaterThanOrEqual(0);
          }
        }),
      );
    });
  });
});
