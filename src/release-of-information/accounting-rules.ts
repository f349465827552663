import { DAY_MS } from '../common/clock';
import { ACCOUNTING_MAX_EXTENSION_DAYS, ACCOUNTING_RESPONSE_DAYS, addDaysIso } from './roi-deadlines';

/**
 * The individual's request for an accounting of disclosures (45 CFR 164.528(c)), as pure rules: the 60-day
 * deadline and its one 30-day extension, the six-year period, and the fee (the first accounting in any 12 months
 * is free; later ones may carry a reasonable, cost-based fee the individual is told of in advance).
 */

export const ACCOUNTING_STATUSES = ['received', 'fulfilled', 'withdrawn'] as const;
export type AccountingStatus = (typeof ACCOUNTING_STATUSES)[number];
export const ACCOUNTING_ACTIONS = ['extend', 'fulfil'] as const;
export type AccountingAction = (typeof ACCOUNTING_ACTIONS)[number];

/** 164.528(a)(1): the accounting covers the six years before the date of the request. */
export function accountingPeriod(receivedAt: string): { from: string; to: string } {
  const from = new Date(receivedAt);
  from.setUTCFullYear(from.getUTCFullYear() - 6);
  return { from: from.toISOString(), to: receivedAt };
}

export function accountingDueDate(receivedAt: string): string {
  return addDaysIso(receivedAt, ACCOUNTING_RESPONSE_DAYS);
}

/** The start of the 12 months before `at`: an earlier accounting request after it makes this one chargeable. */
export function twelveMonthsBefore(at: string): string {
  const d = new Date(at);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  return d.toISOString();
}

/** 164.528(c)(2): the first accounting in any 12-month period is free. */
export function accountingFee(earlierInTwelveMonths: number, feeCents: number): { feeCents: number; basis: string } {
  return earlierInTwelveMonths === 0
    ? { feeCents: 0, basis: 'the first accounting in any 12 months is free (45 CFR 164.528(c)(2))' }
    : {
        feeCents,
        basis: 'a reasonable, cost-based fee for another accounting within 12 months; you may withdraw or narrow the request to avoid it (45 CFR 164.528(c)(2))',
      };
}

export interface AccountingState {
  status: AccountingStatus;
  dueAt: string;
  extended: boolean;
}

export type AccountingTransition = { ok: true; status: AccountingStatus; dueAt: string; late: boolean } | { ok: false; conflict: string };

export function nextAccountingState(s: AccountingState, action: AccountingAction, extensionDays: number | null, now: string): AccountingTransition {
  if (s.status !== 'received') return { ok: false, conflict: `the accounting request is already ${s.status}` };
  const late = new Date(now).getTime() > new Date(s.dueAt).getTime();
  if (action === 'fulfil') return { ok: true, status: 'fulfilled', dueAt: s.dueAt, late };
  if (s.extended) return { ok: false, conflict: 'the accounting request was already extended; 164.528(c)(1)(ii) allows one extension' };
  if (late || now === s.dueAt) return { ok: false, conflict: `the extension must be given before the due date (${s.dueAt}); it has passed` };
  const days = extensionDays ?? 0;
  if (!Number.isInteger(days) || days < 1 || days > ACCOUNTING_MAX_EXTENSION_DAYS) {
    return { ok: false, conflict: `an extension is 1 to ${ACCOUNTING_MAX_EXTENSION_DAYS} days` };
  }
  return { ok: true, status: 'received', dueAt: new Date(new Date(s.dueAt).getTime() + days * DAY_MS).toISOString(), late: false };
}
