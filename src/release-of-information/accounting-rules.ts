import { DAY_MS } from '../common/clock';
import { ACCOUNTING_MAX_EXTENSION_DAYS, ACCOUNTING_RESPONSE_DAYS, addDaysIso } from './roi-deadlines';

/**
 * The individual's request for an accounting of disclosures (45 CFR 164.528(c)), as pure rules: the 60-day
 * deadline and its one 30-day extension, the six-year period, and the fee (the first accounting in any 12 months
 * is free; later ones may carry a reasonable, cost-based fee the individual is told of in advance).
 */

/**
 * received: to be answered; fee-notice: a chargeable accounting waits for the individual's answer to the fee notice
 * (accept, withdraw, or narrow the request and get a new quote; 164.528(c)(2)); fulfilled; withdrawn.
 */
export const ACCOUNTING_STATUSES = ['received', 'fee-notice', 'fulfilled', 'withdrawn'] as const;
/** Not yet answered: the 60 days run (164.528(c)(1)), whether or not the fee is settled. */
export const OPEN_ACCOUNTING_STATUSES: readonly AccountingStatus[] = ['received', 'fee-notice'];
export const FEE_DECISIONS = ['accept', 'withdraw', 'narrow'] as const;
export type FeeDecision = (typeof FEE_DECISIONS)[number];
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

/**
 * 164.528(c)(2): the first accounting in any 12-month period is free; a later one may carry a reasonable, cost-based
 * fee, but only after the individual is told of it in advance and may withdraw or modify the request to avoid or
 * reduce it. So a chargeable request is not charged at filing: it is quoted (`quotedCents`) and waits in fee-notice.
 */
export function accountingFee(earlierInTwelveMonths: number, feeCents: number): { feeCents: number; quotedCents: number; basis: string } {
  return earlierInTwelveMonths === 0
    ? { feeCents: 0, quotedCents: 0, basis: 'the first accounting in any 12 months is free (45 CFR 164.528(c)(2))' }
    : {
        feeCents: 0,
        quotedCents: feeCents,
        basis: 'another accounting within 12 months may carry a reasonable, cost-based fee: you are told of it first and may accept it, withdraw the request, or narrow it to reduce the fee; nothing is charged until you accept (45 CFR 164.528(c)(2))',
      };
}

const SIX_YEARS_MS = (6 * 365 + 2) * DAY_MS;

/**
 * The fee for a narrowed request: this service prices an accounting by the share of the six years searched (a
 * cost-based fee follows the work), rounded up to the cent, never more than the full fee.
 */
export function narrowedFee(fullCents: number, period: { from: string; to: string }): number {
  const share = (new Date(period.to).getTime() - new Date(period.from).getTime()) / SIX_YEARS_MS;
  return Math.min(fullCents, Math.max(0, Math.ceil(fullCents * share)));
}

/** 400 problems of a narrowed period: inside the original one, and not empty. */
export function narrowProblems(period: { from?: string | null; to?: string | null }, original: { from: string; to: string }): { field: string; problems: string[] }[] {
  if (!period.from && !period.to) return [{ field: 'periodFrom', problems: ['narrow needs periodFrom or periodTo: the shorter period you want'] }];
  const from = period.from ?? original.from;
  const to = period.to ?? original.to;
  const out: { field: string; problems: string[] }[] = [];
  if (from < original.from || from > original.to) out.push({ field: 'periodFrom', problems: [`must be within the request's period (${original.from} to ${original.to})`] });
  if (to < original.from || to > original.to) out.push({ field: 'periodTo', problems: [`must be within the request's period (${original.from} to ${original.to})`] });
  if (!out.length && from >= to) out.push({ field: 'periodTo', problems: ['must be after periodFrom'] });
  return out;
}

export type FeeDecisionResult =
  | { ok: true; status: AccountingStatus; feeCents: number; quotedCents: number }
  | { ok: false; conflict: string };

/** The individual's answer to the fee notice (164.528(c)(2)); narrow re-quotes and waits for another answer. */
export function nextFeeDecision(status: AccountingStatus, quotedCents: number, fullCents: number, decision: FeeDecision, narrowedTo?: { from: string; to: string }): FeeDecisionResult {
  if (status !== 'fee-notice') return { ok: false, conflict: `there is no fee notice to answer: the accounting request is ${status}` };
  switch (decision) {
    case 'accept':
      return { ok: true, status: 'received', feeCents: quotedCents, quotedCents };
    case 'withdraw':
      return { ok: true, status: 'withdrawn', feeCents: 0, quotedCents };
    case 'narrow': {
      const quote = narrowedFee(fullCents, narrowedTo!);
      return { ok: true, status: 'fee-notice', feeCents: 0, quotedCents: quote };
    }
  }
}

export interface AccountingState {
  status: AccountingStatus;
  dueAt: string;
  extended: boolean;
}

export type AccountingTransition = { ok: true; status: AccountingStatus; dueAt: string; late: boolean } | { ok: false; conflict: string };

export function nextAccountingState(s: AccountingState, action: AccountingAction, extensionDays: number | null, now: string): AccountingTransition {
  if (!OPEN_ACCOUNTING_STATUSES.includes(s.status)) return { ok: false, conflict: `the accounting request is already ${s.status}` };
  const late = new Date(now).getTime() > new Date(s.dueAt).getTime();
  if (action === 'fulfil' && s.status === 'fee-notice') {
    return { ok: false, conflict: 'the individual has not answered the fee notice yet: nothing is provided or charged until they accept, narrow or withdraw (45 CFR 164.528(c)(2))' };
  }
  if (action === 'fulfil') return { ok: true, status: 'fulfilled', dueAt: s.dueAt, late };
  if (s.extended) return { ok: false, conflict: 'the accounting request was already extended; 164.528(c)(1)(ii) allows one extension' };
  if (late || now === s.dueAt) return { ok: false, conflict: `the extension must be given before the due date (${s.dueAt}); it has passed` };
  const days = extensionDays ?? 0;
  if (!Number.isInteger(days) || days < 1 || days > ACCOUNTING_MAX_EXTENSION_DAYS) {
    return { ok: false, conflict: `an extension is 1 to ${ACCOUNTING_MAX_EXTENSION_DAYS} days` };
  }
  return { ok: true, status: s.status, dueAt: new Date(new Date(s.dueAt).getTime() + days * DAY_MS).toISOString(), late: false };
}
