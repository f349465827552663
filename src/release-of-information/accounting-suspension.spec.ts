import fc from 'fast-check';
import { DAY_MS } from '../common/clock';
import { narrowedFee, narrowProblems, nextAccountingState, nextFeeDecision } from './accounting-rules';
import { isSuspended, ORAL_SUSPENSION_MAX_DAYS, suspensionProblems, suspensionWindow } from './accounting-suspension';

const day = (base: string, offset: number) => new Date(new Date(`${base}T00:00:00.000Z`).getTime() + offset * DAY_MS).toISOString().slice(0, 10);

describe('the suspension of the accounting (45 CFR 164.528(a)(2))', () => {
  const today = '2026-11-01';

  it('a written statement needs its end; an oral one lasts at most 30 days (property)', () => {
    fc.assert(fc.property(fc.constantFrom('written' as const, 'oral' as const), fc.integer({ min: -5, max: 0 }), fc.option(fc.integer({ min: -10, max: 400 })),
      (form, statedOffset, endOffset) => {
        const input = { form, statedOn: day(today, statedOffset), endsOn: endOffset === null ? null : day(today, endOffset) };
        const problems = suspensionProblems(input, today);
        const { startsAt, endsAt } = suspensionWindow(input);
        const length = (new Date(endsAt).getTime() - new Date(startsAt).getTime()) / DAY_MS;
        if (form === 'oral') expect(length).toBeLessThanOrEqual(ORAL_SUSPENSION_MAX_DAYS + 1);
        if (form === 'written' && endOffset === null) expect(problems.map((p) => p.field)).toContain('endsOn');
        if (endOffset !== null && endOffset < 0) expect(problems.map((p) => p.field)).toContain('endsOn');
        if (form === 'oral' && endOffset !== null && endOffset - statedOffset > ORAL_SUSPENSION_MAX_DAYS) expect(problems.map((p) => p.field)).toContain('endsOn');
        if (problems.length === 0) expect(new Date(endsAt).getTime()).toBeGreaterThan(new Date(`${today}T00:00:00.000Z`).getTime());
      }));
    expect(suspensionProblems({ form: 'oral', statedOn: day(today, 1) }, today).map((p) => p.field)).toEqual(['statedOn']);
  });

  it('hides the disclosures to that agency under oversight or law enforcement, only while in force (property)', () => {
    const s = { agencyName: 'Office of  Inspector General', startsAt: '2026-11-01T00:00:00.000Z', endsAt: '2026-12-01T00:00:00.000Z' };
    fc.assert(fc.property(fc.constantFrom('office of inspector general', 'County Sheriff'), fc.constantFrom(null, 'health-oversight', 'law-enforcement', 'public-health'),
      fc.integer({ min: -10, max: 40 }), (recipient, basis, offset) => {
        const at = new Date(new Date(s.startsAt).getTime() + offset * DAY_MS).toISOString();
        const expected = recipient === 'office of inspector general' && basis !== 'public-health' && offset >= 0 && offset < 30;
        expect(isSuspended({ recipientName: recipient, legalBasis: basis }, [s], at)).toBe(expected);
      }));
  });
});

describe('the fee notice (164.528(c)(2))', () => {
  const period = { from: '2020-11-01T10:00:00.000Z', to: '2026-11-01T10:00:00.000Z' };

  it('nothing is provided or charged before the answer; accept charges the quote, withdraw nothing, narrow re-quotes', () => {
    const state = { status: 'fee-notice' as const, dueAt: '2026-12-31T00:00:00.000Z', extended: false };
    expect(nextAccountingState(state, 'fulfil', null, '2026-11-02T00:00:00.000Z')).toMatchObject({ ok: false, conflict: expect.stringMatching(/fee notice/) });
    expect(nextAccountingState(state, 'extend', 10, '2026-11-02T00:00:00.000Z')).toMatchObject({ ok: true, status: 'fee-notice' });
    expect(nextFeeDecision('fee-notice', 1500, 1500, 'accept')).toEqual({ ok: true, status: 'received', feeCents: 1500, quotedCents: 1500 });
    expect(nextFeeDecision('fee-notice', 1500, 1500, 'withdraw')).toEqual({ ok: true, status: 'withdrawn', feeCents: 0, quotedCents: 1500 });
    expect(nextFeeDecision('fee-notice', 1500, 1500, 'narrow', { from: '2025-11-01T10:00:00.000Z', to: period.to })).toMatchObject({ ok: true, status: 'fee-notice', feeCents: 0 });
    for (const s of ['received', 'fulfilled', 'withdrawn'] as const) expect(nextFeeDecision(s, 1500, 1500, 'accept').ok).toBe(false);
  });

  it('a narrowed period never costs more, and costs less the shorter it is (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 6 * 365 }), fc.integer({ min: 0, max: 6 * 365 }), fc.integer({ min: 0, max: 100_000 }), (a, b, fee) => {
      const at = (d: number) => new Date(new Date(period.from).getTime() + d * DAY_MS).toISOString();
      const [x, y] = [Math.min(a, b), Math.max(a, b)];
      const quote = narrowedFee(fee, { from: at(x), to: at(y) });
      expect(quote).toBeGreaterThanOrEqual(0);
      expect(quote).toBeLessThanOrEqual(fee);
      expect(narrowedFee(fee, { from: at(0), to: at(y) })).toBeGreaterThanOrEqual(quote);
    }));
  });

  it('a narrowed period stays inside the request\'s', () => {
    expect(narrowProblems({}, period)[0].field).toBe('periodFrom');
    expect(narrowProblems({ from: '2019-01-01T00:00:00.000Z' }, period)[0].field).toBe('periodFrom');
    expect(narrowProblems({ to: '2027-01-01T00:00:00.000Z' }, period)[0].field).toBe('periodTo');
    expect(narrowProblems({ from: '2026-01-01T00:00:00.000Z', to: '2025-01-01T23:59:59.999Z' }, period)[0].field).toBe('periodTo');
    expect(narrowProblems({ from: '2025-01-01T00:00:00.000Z' }, period)).toEqual([]);
  });
});
