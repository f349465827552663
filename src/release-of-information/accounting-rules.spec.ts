import { DAY_MS } from '../common/clock';
import { accountingDueDate, accountingFee, accountingPeriod, nextAccountingState, twelveMonthsBefore } from './accounting-rules';
import { DENIAL_CODES, denialGround, denialNotice } from './denial-grounds';
import { accountingExemption, LEGAL_BASIS_CODES } from './disclosure-basis';

describe('accounting of disclosures (45 CFR 164.528)', () => {
  it('exempts exactly the disclosures of 164.528(a)(1)', () => {
    const exempt = LEGAL_BASIS_CODES.filter((b) => accountingExemption(b).exempt).sort();
    expect(exempt).toEqual([
      'authorization', 'correctional', 'facility-directory', 'incidental', 'individual', 'limited-data-set', 'national-security', 'operations', 'payment', 'treatment',
    ]);
    expect(accountingExemption('law-enforcement')).toEqual({ exempt: false, exemption: null });
  });

  it('a request covers six years back, is due in 60 days, and extends once by up to 30 days before the due date', () => {
    const at = '2026-11-29T10:00:00.000Z';
    expect(accountingPeriod(at)).toEqual({ from: '2020-11-29T10:00:00.000Z', to: at });
    expect(new Date(accountingDueDate(at)).getTime() - new Date(at).getTime()).toBe(60 * DAY_MS);
    const state = { status: 'received' as const, dueAt: accountingDueDate(at), extended: false };
    expect(nextAccountingState(state, 'extend', 30, at)).toMatchObject({ ok: true, dueAt: new Date(new Date(state.dueAt).getTime() + 30 * DAY_MS).toISOString() });
    expect(nextAccountingState({ ...state, extended: true }, 'extend', 30, at).ok).toBe(false);
    expect(nextAccountingState(state, 'extend', 31, at).ok).toBe(false);
    expect(nextAccountingState(state, 'extend', 10, '2027-02-01T00:00:00.000Z').ok).toBe(false);
    expect(nextAccountingState(state, 'fulfil', null, '2027-02-01T00:00:00.000Z')).toMatchObject({ ok: true, status: 'fulfilled', late: true });
    expect(nextAccountingState({ ...state, status: 'fulfilled' }, 'fulfil', null, at).ok).toBe(false);
  });

  it('the first accounting in any 12 months is free; a later one is quoted, not charged (164.528(c)(2))', () => {
    expect(accountingFee(0, 1500)).toMatchObject({ feeCents: 0, quotedCents: 0 });
    expect(accountingFee(1, 1500)).toMatchObject({ feeCents: 0, quotedCents: 1500 });
    expect(twelveMonthsBefore('2026-11-29T10:00:00.000Z')).toBe('2025-11-29T10:00:00.000Z');
  });
});

describe('denial grounds', () => {
  it('164.524(a)(2) grounds are unreviewable, (a)(3) grounds reviewable; third-party codes are neither', () => {
    expect(DENIAL_CODES.self.filter((c) => denialGround(c).reviewable)).toEqual(['endangerment', 'reference-to-another-person', 'personal-representative']);
    expect(DENIAL_CODES.self.filter((c) => denialGround(c).reviewable === false)).toHaveLength(6);
    expect(DENIAL_CODES['third-party'].every((c) => denialGround(c).reviewable === null)).toBe(true);
    expect(denialNotice('psychotherapy-notes', null).review).toMatch(/not subject to review/);
    expect(denialNotice('no-records', 'none')).toMatchObject({ review: null, complaint: null });
  });
});
