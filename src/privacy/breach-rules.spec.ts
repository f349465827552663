import fc from 'fast-check';
import { DAY_MS } from '../common/clock';
import {
  annualLogDeadline, calendarDaysAfter, decisionConflict, discoveryProblems, isLate, notABreachBasis, notificationPlan, sentAtProblems,
} from './breach-rules';

describe('breach notification deadlines (45 CFR 164.404-164.408)', () => {
  it('individuals: 60 calendar days after the date of discovery, whatever the hour', () => {
    expect(calendarDaysAfter('2026-03-01T23:59:00.000Z', 60)).toBe('2026-04-30');
    expect(calendarDaysAfter('2026-12-15T00:00:00.000Z', 60)).toBe('2027-02-13');
    fc.assert(fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }), (t) => {
      const due = calendarDaysAfter(new Date(t).toISOString(), 60);
      const days = (Date.parse(`${due}T00:00:00.000Z`) - Date.parse(`${new Date(t).toISOString().slice(0, 10)}T00:00:00.000Z`)) / DAY_MS;
      expect(days).toBe(60);
    }));
  });

  it('fewer than 500: the HHS annual log, 60 days after the end of the calendar year of discovery (164.408(c))', () => {
    expect(annualLogDeadline('2026-01-05T10:00:00.000Z')).toBe('2027-03-01');
    expect(annualLogDeadline('2028-12-31T23:00:00.000Z')).toBe('2029-03-01');
    const plan = notificationPlan('2026-06-10T08:00:00.000Z', 3, 3);
    expect(plan).toEqual({
      individual: { dueBy: '2026-08-09', citation: '45 CFR 164.404(b)' },
      media: null,
      hhs: { dueBy: '2027-03-01', citation: '45 CFR 164.408(c)', route: 'annual-log' },
    });
  });

  it('500 or more: HHS with the individuals; media only above 500 residents of one State (164.406, 164.408(b))', () => {
    const at500 = notificationPlan('2026-06-10T08:00:00.000Z', 500, 500);
    expect(at500.hhs).toMatchObject({ dueBy: '2026-08-09', route: 'with-individual-notice' });
    expect(at500.media).toBeNull();
    expect(notificationPlan('2026-06-10T08:00:00.000Z', 900, 501).media).toEqual({ dueBy: '2026-08-09', citation: '45 CFR 164.406(b)' });
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), (n) => {
      const p = notificationPlan('2026-06-10T08:00:00.000Z', n, n);
      expect(p.hhs.route === 'with-individual-notice').toBe(n >= 500);
      expect(p.media !== null).toBe(n > 500);
    }));
  });

  it('late means after the due date, the due date itself is in time', () => {
    expect(isLate('2026-08-09', '2026-08-09T23:59:59.000Z')).toBe(false);
    expect(isLate('2026-08-09', '2026-08-10T00:00:00.000Z')).toBe(true);
  });
});

describe('the discovery date (164.404(a)(2)) and notification dates', () => {
  const bounds = { earliestEvidenceAt: '2026-06-01T23:40:00.000Z', knownBy: '2026-06-03T09:00:00.000Z', now: '2026-06-05T12:00:00.000Z' };
  it('between the first access and the moment the entity knew; never in the future', () => {
    expect(discoveryProblems('2026-06-02T08:00:00.000Z', bounds)).toEqual([]);
    expect(discoveryProblems('2026-06-01T23:40:00.000Z', bounds)).toEqual([]);
    expect(discoveryProblems('yesterday', bounds)[0].problems[0]).toMatch(/ISO-8601/);
    expect(discoveryProblems('2026-05-30T00:00:00.000Z', bounds)[0].problems[0]).toMatch(/before the first access/);
    expect(discoveryProblems('2026-06-04T00:00:00.000Z', bounds)[0].problems[0]).toMatch(/should reasonably have been known/);
    expect(discoveryProblems('2026-06-06T00:00:00.000Z', { ...bounds, knownBy: '2026-06-07T00:00:00.000Z' })[0].problems[0]).toMatch(/future/);
  });
  it('a notification is sent after the discovery and not in the future', () => {
    expect(sentAtProblems('2026-06-04T00:00:00.000Z', '2026-06-02T08:00:00.000Z', bounds.now)).toEqual([]);
    expect(sentAtProblems('2026-06-01T00:00:00.000Z', '2026-06-02T08:00:00.000Z', bounds.now)[0].field).toBe('sentAt');
    expect(sentAtProblems('2027-01-01T00:00:00.000Z', '2026-06-02T08:00:00.000Z', bounds.now)[0].problems[0]).toMatch(/future/);
  });
});

describe('the decision', () => {
  it('follows the assessment, once', () => {
    expect(decisionConflict('open')).toMatch(/assessment/);
    expect(decisionConflict('assessed')).toBeNull();
    expect(decisionConflict('breach')).toMatch(/already decided/);
  });
  it('not a breach: an exception of 164.402(1), or a documented low probability of compromise (164.402(2))', () => {
    expect(notABreachBasis('recipient-could-not-retain')).toMatchObject({ citation: '45 CFR 164.402(1)(iii)' });
    expect(notABreachBasis(null)).toMatchObject({ citation: '45 CFR 164.402(2)' });
  });
});
