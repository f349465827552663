import { NotFound } from '../common/errors';
import type { Queryable } from '../database/db';
import {
  BREACH_EXCEPTIONS, BreachException, FACTOR_CITATIONS, IncidentStatus, isLate, notABreachBasis, notificationPlan, NotificationTarget,
} from './breach-rules';
import type { AssessmentDto } from './dto/breach.dto';
import type { IncidentDeadlinesDto, IncidentDto } from './dto/incident-response.dto';

/** The breach_incidents and breach_notifications tables (privacy owns them): columns, rows, reads, the API shape. */

export const INCIDENT_COLUMNS = `id, patient_id, source_type, grant_id, finding_rule, subject_user_id, evidence_seqs, summary, discovered_at, opened_at,
  opened_by, status, assessment, exception_code, exception_rationale, residents_affected, assessed_at, assessed_by, decision_rationale, decided_at,
  decided_by, version`;

export interface IncidentRow {
  id: number;
  patient_id: number;
  source_type: 'break-glass-review' | 'anomaly-finding';
  grant_id: number | null;
  finding_rule: string | null;
  subject_user_id: number | null;
  evidence_seqs: string;
  summary: string;
  discovered_at: string;
  opened_at: string;
  opened_by: number;
  status: IncidentStatus;
  assessment: string | null;
  exception_code: string | null;
  exception_rationale: string | null;
  residents_affected: number | null;
  assessed_at: string | null;
  assessed_by: number | null;
  decision_rationale: string | null;
  decided_at: string | null;
  decided_by: number | null;
  version: number;
}

export interface NotificationRow {
  id: number;
  target: NotificationTarget;
  channel: string;
  sent_at: string;
  recorded_at: string;
  recorded_by: number;
}

export async function findIncident(q: Queryable, id: number): Promise<IncidentRow> {
  const row = await q.one<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM breach_incidents WHERE id = $1`, [id]);
  if (!row) throw new NotFound(`Breach incident ${id}`);
  return row;
}

export function notificationsOf(q: Queryable, id: number): Promise<NotificationRow[]> {
  return q.query<NotificationRow>('SELECT id, target, channel, sent_at, recorded_at, recorded_by FROM breach_notifications WHERE incident_id = $1 ORDER BY id', [id]);
}

/** What PUT /privacy/incidents/:id/assessment stores (breach-incidents.service.ts `assess`). */
type StoredAssessment = Pick<AssessmentDto, 'natureAndExtent' | 'unauthorizedPerson' | 'acquiredOrViewed' | 'mitigation' | 'individualsAffected'> & {
  residentsOfOneState: number;
};

/** The deadlines of a decided breach, each with the notification made (if any) and whether it is late at `now`. */
function deadlines(r: IncidentRow, a: StoredAssessment, notes: NotificationRow[], now: string): IncidentDeadlinesDto {
  const plan = notificationPlan(r.discovered_at, a.individualsAffected, a.residentsOfOneState);
  const track = (target: NotificationTarget, due: { dueBy: string; citation: string } | null) => {
    if (!due) return null;
    const sent = notes.find((n) => n.target === target) ?? null;
    return { ...due, sentAt: sent?.sent_at ?? null, late: sent ? isLate(due.dueBy, sent.sent_at) : isLate(due.dueBy, now) };
  };
  return {
    discoveredAt: r.discovered_at,
    rule: 'without unreasonable delay and in no case later than 60 calendar days after discovery (45 CFR 164.404(b))',
    individual: track('individual', plan.individual)!,
    media: track('media', plan.media),
    hhs: { ...track('hhs', plan.hhs)!, route: plan.hhs.route },
  };
}

export function toIncidentDto(r: IncidentRow, notes: NotificationRow[], now: string): IncidentDto {
  const assessment = r.assessment ? (JSON.parse(r.assessment) as StoredAssessment) : null;
  const exception = r.exception_code && r.exception_code in BREACH_EXCEPTIONS
    ? { code: r.exception_code, ...BREACH_EXCEPTIONS[r.exception_code as BreachException], rationale: r.exception_rationale }
    : null;
  const decided = r.status === 'breach' || r.status === 'not-a-breach';
  return {
    id: Number(r.id),
    patientId: Number(r.patient_id),
    source: { type: r.source_type, grantId: r.grant_id === null ? null : Number(r.grant_id), rule: r.finding_rule },
    subjectUserId: r.subject_user_id === null ? null : Number(r.subject_user_id),
    evidence: JSON.parse(r.evidence_seqs) as number[],
    summary: r.summary,
    discoveredAt: r.discovered_at,
    openedAt: r.opened_at,
    openedBy: Number(r.opened_by),
    status: r.status,
    assessment: assessment ? { ...assessment, citations: FACTOR_CITATIONS, assessedAt: r.assessed_at, assessedBy: r.assessed_by === null ? null : Number(r.assessed_by) } : null,
    exception,
    decision: decided
      ? {
          decision: r.status, rationale: r.decision_rationale, decidedAt: r.decided_at, decidedBy: r.decided_by === null ? null : Number(r.decided_by),
          ...(r.status === 'not-a-breach' ? notABreachBasis(r.exception_code) : { basis: 'breach of unsecured PHI presumed (164.402(2)): notification required', citation: '45 CFR 164.404(a)' }),
        }
      : null,
    deadlines: r.status === 'breach' && assessment ? deadlines(r, assessment, notes, now) : null,
    notifications: notes.map((n) => ({ id: Number(n.id), target: n.target, channel: n.channel, sentAt: n.sent_at, recordedAt: n.recorded_at, recordedBy: Number(n.recorded_by) })),
    version: Number(r.version),
  };
}
