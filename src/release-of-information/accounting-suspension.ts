import { DAY_MS } from '../common/clock';
import type { FieldProblem } from '../common/errors';

/**
 * The temporary suspension of the accounting of disclosures (45 CFR 164.528(a)(2)), as pure rules. A health oversight
 * agency (164.512(d)) or a law enforcement official (164.512(f)) states that an accounting to the individual would be
 * reasonably likely to impede its activities; the covered entity then leaves the disclosures to that agency or
 * official out of any accounting it provides:
 * - for the time the statement specifies, when it is written (164.528(a)(2)(i));
 * - for at most 30 days from an oral statement, unless a written statement is submitted in that time
 *   (164.528(a)(2)(ii)); the oral statement is documented with the identity of the agency or official.
 * Once the suspension ends, the disclosures are listed again (they were never removed from the log).
 */

export const SUSPENDING_AGENCY_TYPES = ['health-oversight', 'law-enforcement'] as const;
export type SuspendingAgencyType = (typeof SUSPENDING_AGENCY_TYPES)[number];
export const STATEMENT_FORMS = ['written', 'oral'] as const;
export type StatementForm = (typeof STATEMENT_FORMS)[number];
/** 164.528(a)(2)(ii)(C): an oral statement suspends for no longer than 30 days. */
export const ORAL_SUSPENSION_MAX_DAYS = 30;

export interface SuspensionInput {
  form: StatementForm;
  /** The calendar day the statement was made (YYYY-MM-DD). */
  statedOn: string;
  /** The last day of the suspension (YYYY-MM-DD): required for a written statement, at most 30 days on for an oral one. */
  endsOn?: string | null;
}

const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`).getTime();

/** 400 problems of a statement, as of `today` (YYYY-MM-DD). */
export function suspensionProblems(s: SuspensionInput, today: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (dayStart(s.statedOn) > dayStart(today)) problems.push({ field: 'statedOn', problems: ['is in the future'] });
  if (s.form === 'written' && !s.endsOn) {
    problems.push({ field: 'endsOn', problems: ['is required for a written statement: it specifies the time for which the suspension is required (164.528(a)(2)(i))'] });
  }
  if (s.endsOn) {
    const days = (dayStart(s.endsOn) - dayStart(s.statedOn)) / DAY_MS;
    if (days < 0) problems.push({ field: 'endsOn', problems: ['is before the statement'] });
    else if (s.form === 'oral' && days > ORAL_SUSPENSION_MAX_DAYS) {
      problems.push({ field: 'endsOn', problems: [`an oral statement suspends for at most ${ORAL_SUSPENSION_MAX_DAYS} days (164.528(a)(2)(ii)); record the written statement for longer`] });
    } else if (dayStart(s.endsOn) < dayStart(today)) problems.push({ field: 'endsOn', problems: ['has already passed'] });
  }
  return problems;
}

/** The suspension's window: from the start of the statement's day to the end of its last day (an oral one: 30 days at most). */
export function suspensionWindow(s: SuspensionInput): { startsAt: string; endsAt: string } {
  const start = dayStart(s.statedOn);
  const last = s.endsOn ? dayStart(s.endsOn) : start + ORAL_SUSPENSION_MAX_DAYS * DAY_MS;
  const capped = s.form === 'oral' ? Math.min(last, start + ORAL_SUSPENSION_MAX_DAYS * DAY_MS) : last;
  return { startsAt: new Date(start).toISOString(), endsAt: new Date(capped + DAY_MS).toISOString() };
}

export interface Suspension {
  agencyName: string;
  startsAt: string;
  endsAt: string;
}

export interface SuspendableDisclosure {
  recipientName: string;
  legalBasis: string | null;
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Whether a suspension in force at `at` keeps this disclosure out of the accounting: a disclosure to the agency or
 * official that made the statement, under health oversight or law enforcement (164.512(d), (f)); an entry of unknown
 * basis (logged before the basis was recorded) is matched by its recipient alone.
 */
export function isSuspended(d: SuspendableDisclosure, suspensions: readonly Suspension[], at: string): boolean {
  const basis = d.legalBasis;
  if (basis !== null && !SUSPENDING_AGENCY_TYPES.some((t) => basis.startsWith(t))) return false;
  const t = new Date(at).getTime();
  return suspensions.some((s) => norm(s.agencyName) === norm(d.recipientName) && new Date(s.startsAt).getTime() <= t && t < new Date(s.endsAt).getTime());
}
