import { DAY_MS } from '../common/clock';

/**
 * Deadlines of the release-of-information workflow, next to the rules they come from. Pure: "now" is passed in.
 */

/** 45 CFR 164.524(b)(2): act on an individual's request for access no later than 30 days after its receipt. */
export const RIGHT_OF_ACCESS_DAYS = 30;
/** 164.524(b)(2)(ii): one extension of no more than 30 days, with the reasons given in writing within the first 30. */
export const MAX_EXTENSION_DAYS = 30;
/** 164.528(c)(1): act on a request for an accounting no later than 60 days after its receipt... */
export const ACCOUNTING_RESPONSE_DAYS = 60;
/** ...164.528(c)(1)(ii): once extended by no more than 30 days, with the reasons in writing. */
export const ACCOUNTING_MAX_EXTENSION_DAYS = 30;

const ms = (t: string | Date): number => (typeof t === 'string' ? new Date(t).getTime() : t.getTime());

export function addDaysIso(at: string, days: number): string {
  return new Date(ms(at) + days * DAY_MS).toISOString();
}

/**
 * Days until the due date, counting a started day as a day (29.2 days -> 30; negative once it has passed, -0.5 -> 0,
 * -1.5 -> -1); null once the request is final. The same convention as the amendment queue.
 */
export function daysLeft(dueAt: string, now: string | Date, open: boolean): number | null {
  if (!open) return null;
  const d = Math.ceil((ms(dueAt) - ms(now)) / DAY_MS);
  return d === 0 ? 0 : d; // no -0
}

/** Open and past its due date. */
export function isOverdue(dueAt: string, now: string | Date, open: boolean): boolean {
  return open && ms(now) > ms(dueAt);
}
