/**
 * What the snooping-detection rules (anomaly-rules.ts) work on and report: the audit rows as the rules see them,
 * the directory facts, the thresholds and the findings.
 */
import type { DailySpan, LocalTime } from './zoned-time';

export const RULE_NAMES = [
  'same-surname', 'vip-without-care-relation', 'after-hours', 'unusual-volume', 'own-or-coworker-record',
  'break-glass-unreviewed', 'repeated-denials',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];
export type Severity = 'high' | 'medium' | 'low';

/** One audit row, as the rules see it. `local` is the wall-clock time in the configured time zone. */
export interface TrailEvent {
  seq: number;
  at: string;
  ms: number;
  local: LocalTime;
  actorId: number | null;
  actorRole: string | null;
  action: string;
  resourceType: string | null;
  patientId: number | null;
  outcome: string;
  breakGlass: boolean;
}

export interface UserFacts {
  id: number;
  username: string;
  displayName: string;
  role: string;
  surname: string | null;
}

export interface PatientFacts {
  id: number;
  familyName: string;
  vip: boolean;
  /** The user account linked to this patient record (a patient, or a workforce member who is also a patient). */
  linkedUserId: number | null;
}

export interface Facts {
  user(id: number): UserFacts | undefined;
  patient(id: number): PatientFacts | undefined;
  /** Was the user on the patient's care team at that instant? (Removed members count until their removal.) */
  onCareTeam(patientId: number, userId: number, at: string): boolean;
}

export interface Thresholds {
  timeZone: string;
  afterHours: DailySpan;
  volumePerHour: number;
  volumePerHourByRole: Readonly<Record<string, number>>;
  breakGlassReviewHours: number;
  denialsThreshold: number;
  denialsWindowMinutes: number;
}

export interface Finding {
  rule: RuleName;
  severity: Severity;
  actorId: number | null;
  patientId: number | null;
  firstAt: string;
  lastAt: string;
  summary: string;
  /** Sequence numbers of the audit rows that show it (the first MAX_EVIDENCE; details.events counts them all). */
  evidence: number[];
  details: Record<string, unknown>;
}

export interface Rule {
  readonly name: RuleName;
  readonly title: string;
  observe(e: TrailEvent, facts: Facts): void;
  findings(facts: Facts): Finding[];
}

export const MAX_EVIDENCE = 500;

/** Actions that open or change a chart. Searches, logins, reviews of the trail itself are not chart accesses. */
const CHART_ACTIONS: ReadonlySet<string> = new Set(['read', 'create', 'update', 'delete', 'amendment', 'disclose']);
/** Rows about a patient that are oversight of the trail (a privacy officer reading an access log), not of the chart. */
const OVERSIGHT_RESOURCES: ReadonlySet<string> = new Set(['access-log', 'audit-event', 'audit-chain', 'breach-incident']);

/** Roles that act as the individual: a patient, and a personal representative (45 CFR 164.502(g)); not the workforce. */
const INDIVIDUAL_ROLES: ReadonlySet<string> = new Set(['patient', 'representative']);

/** A successful opening or change of a patient's chart by a workforce member (the individual reading their own is not). */
export function isChartAccess(e: TrailEvent): e is TrailEvent & { patientId: number; actorId: number } {
  return (
    e.patientId !== null && e.actorId !== null && e.outcome === 'success' && !INDIVIDUAL_ROLES.has(e.actorRole ?? '') &&
    CHART_ACTIONS.has(e.action) && !OVERSIGHT_RESOURCES.has(e.resourceType ?? '')
  );
}

