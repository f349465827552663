import { DAY_MS } from '../common/clock';
import type { FieldProblem } from '../common/errors';

/**
 * The breach notification rule (45 CFR 164.400-414) as pure functions: the exceptions of the definition of breach,
 * the four-factor risk assessment, the discovery date and the notification deadlines. No database, no clock: the
 * service passes "now" in, so each rule is checked with plain values (breach-rules.spec.ts).
 */

/** 164.404(b), 164.406(b), 164.408(b): without unreasonable delay and in no case later than 60 calendar days. */
export const NOTIFICATION_DAYS = 60;
/** 164.406(a): a breach involving more than 500 residents of a State or jurisdiction is told to prominent media. */
export const MEDIA_RESIDENTS_OVER = 500;
/** 164.408(b): 500 or more individuals: the Secretary is told with the individuals; fewer: the annual log, 164.408(c). */
export const HHS_IMMEDIATE_FROM = 500;

/** The three exclusions from the definition of breach, 164.402(1)(i)-(iii). */
export const BREACH_EXCEPTIONS = {
  'unintentional-workforce-good-faith': {
    citation: '45 CFR 164.402(1)(i)',
    description: 'Unintentional acquisition, access or use by a workforce member or person acting under the authority of the entity, in good faith and within the scope of authority, not further used or disclosed impermissibly.',
  },
  'inadvertent-authorized-persons': {
    citation: '45 CFR 164.402(1)(ii)',
    description: 'Inadvertent disclosure by a person authorized to access PHI to another person authorized to access PHI at the same entity or organized health care arrangement, not further used or disclosed impermissibly.',
  },
  'recipient-could-not-retain': {
    citation: '45 CFR 164.402(1)(iii)',
    description: 'A disclosure where the entity has a good faith belief that the unauthorized recipient would not reasonably have been able to retain the information.',
  },
} as const;
export type BreachException = keyof typeof BREACH_EXCEPTIONS;
export const EXCEPTION_CODES = Object.keys(BREACH_EXCEPTIONS) as BreachException[];

export const REIDENTIFICATION = ['low', 'moderate', 'high'] as const;
export const ACQUISITION_FINDINGS = ['viewed', 'acquired', 'not-viewed', 'unknown'] as const;
export const MITIGATION_EXTENTS = ['none', 'partial', 'substantial'] as const;
export const INCIDENT_STATUSES = ['open', 'assessed', 'breach', 'not-a-breach'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const DECISIONS = ['breach', 'not-a-breach'] as const;
export const NOTIFICATION_TARGETS = ['individual', 'media', 'hhs'] as const;
export type NotificationTarget = (typeof NOTIFICATION_TARGETS)[number];

/** The four factors of 164.402(2)(i)-(iv), each with its citation (shown with the assessment). */
export const FACTOR_CITATIONS = {
  natureAndExtent: '45 CFR 164.402(2)(i)',
  unauthorizedPerson: '45 CFR 164.402(2)(ii)',
  acquiredOrViewed: '45 CFR 164.402(2)(iii)',
  mitigation: '45 CFR 164.402(2)(iv)',
} as const;

const ms = (t: string) => new Date(t).getTime();
const isInstant = (t: unknown): t is string => typeof t === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(t) && Number.isFinite(ms(t));

/** The calendar date (UTC) `days` after the date of `at`: "60 calendar days after discovery". */
export function calendarDaysAfter(at: string, days: number): string {
  const d = new Date(at);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 164.408(c): within 60 days after the end of the calendar year in which the breach was discovered. */
export function annualLogDeadline(discoveredAt: string): string {
  const year = new Date(discoveredAt).getUTCFullYear();
  return calendarDaysAfter(`${year}-12-31T00:00:00.000Z`, NOTIFICATION_DAYS);
}

export interface NotificationPlan {
  individual: { dueBy: string; citation: string };
  media: { dueBy: string; citation: string } | null;
  hhs: { dueBy: string; citation: string; route: 'with-individual-notice' | 'annual-log' };
}

/**
 * Who must be told, by when, counted from the discovery (164.404(a)(2)): the individuals within 60 calendar days
 * (164.404(b)); prominent media when more than 500 residents of one State or jurisdiction are involved (164.406);
 * the Secretary with the individuals for 500 or more (164.408(b)), otherwise in the annual log (164.408(c)).
 */
export function notificationPlan(discoveredAt: string, individualsAffected: number, residentsOfOneState: number): NotificationPlan {
  const within60 = calendarDaysAfter(discoveredAt, NOTIFICATION_DAYS);
  return {
    individual: { dueBy: within60, citation: '45 CFR 164.404(b)' },
    media: residentsOfOneState > MEDIA_RESIDENTS_OVER ? { dueBy: within60, citation: '45 CFR 164.406(b)' } : null,
    hhs: individualsAffected >= HHS_IMMEDIATE_FROM
      ? { dueBy: within60, citation: '45 CFR 164.408(b)', route: 'with-individual-notice' }
      : { dueBy: annualLogDeadline(discoveredAt), citation: '45 CFR 164.408(c)', route: 'annual-log' },
  };
}

/** Past the due date (a date, inclusive) at `now`, or sent after it. */
export function isLate(dueBy: string, at: string): boolean {
  return at.slice(0, 10) > dueBy;
}

/**
 * The discovery date (164.404(a)(2)): the first day the breach is known, or by reasonable diligence would have been
 * known. Not in the future; not before the first access it is about; not after the entity knew (the review that
 * found the access inappropriate, or the opening of the incident).
 */
export function discoveryProblems(discoveredAt: unknown, bounds: { earliestEvidenceAt: string | null; knownBy: string; now: string }): FieldProblem[] {
  const bad = (problem: string): FieldProblem[] => [{ field: 'discoveredAt', problems: [problem] }];
  if (!isInstant(discoveredAt)) return bad('must be an ISO-8601 date-time');
  if (ms(discoveredAt) > ms(bounds.now)) return bad('must not be in the future');
  if (bounds.earliestEvidenceAt && ms(discoveredAt) < ms(bounds.earliestEvidenceAt)) {
    return bad(`must not be before the first access the incident is about (${bounds.earliestEvidenceAt})`);
  }
  if (ms(discoveredAt) > ms(bounds.knownBy)) {
    return bad(`must not be after ${bounds.knownBy}, when the entity knew of it: a breach is discovered on the first day it is known or should reasonably have been known (164.404(a)(2))`);
  }
  return [];
}

/** A notification's date: a date-time, not in the future, not before the discovery. */
export function sentAtProblems(sentAt: unknown, discoveredAt: string, now: string): FieldProblem[] {
  const bad = (problem: string): FieldProblem[] => [{ field: 'sentAt', problems: [problem] }];
  if (!isInstant(sentAt)) return bad('must be an ISO-8601 date-time');
  if (ms(sentAt) > ms(now)) return bad('must not be in the future');
  if (ms(sentAt) < ms(discoveredAt)) return bad(`must not be before the discovery (${discoveredAt})`);
  return [];
}

/** What the decision may follow, and what it must carry (409 on the state, 400 on the content). */
export function decisionConflict(status: IncidentStatus): string | null {
  if (status === 'open') return 'the four-factor risk assessment (164.402(2)) comes first: PUT /privacy/incidents/{id}/assessment';
  if (status !== 'assessed') return `the incident is already decided (${status})`;
  return null;
}

/**
 * The basis of a "not a breach" decision: an exception of 164.402(1), or a low probability that the PHI has been
 * compromised, demonstrated by the four-factor assessment (164.402(2)) and documented (164.414(b), 164.530(j)).
 */
export function notABreachBasis(exception: string | null): { basis: string; citation: string } {
  return exception && exception in BREACH_EXCEPTIONS
    ? { basis: `exception: ${exception}`, citation: BREACH_EXCEPTIONS[exception as BreachException].citation }
    : { basis: 'low probability that the PHI has been compromised, based on the four-factor risk assessment', citation: '45 CFR 164.402(2)' };
}
