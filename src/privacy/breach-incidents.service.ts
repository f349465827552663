import { Injectable } from '@nestjs/common';
import { BreakGlassGrantsRepository } from '../access';
import { AuditEventsRepository, AuditWriter, fromContext } from '../audit';
import type { AuditEventInput } from '../audit';
import { Clock } from '../common/clock';
import { Conflict, FieldProblem, InvalidInput, NotFound } from '../common/errors';
import { Page, pageOf } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { Db, num, Queryable, SqlParam } from '../database/db';
import { findIncident, INCIDENT_COLUMNS, IncidentRow, notificationsOf, toIncidentDto } from './breach-incidents.repository';
import { decisionConflict, discoveryProblems, notificationPlan, sentAtProblems } from './breach-rules';
import type { IncidentDto } from './dto/incident-response.dto';
import type { AssessmentDto, IncidentDecisionDto, IncidentNotificationDto, IncidentQueryDto, OpenIncidentDto } from './dto/breach.dto';



/**
 * The privacy officer's breach incidents (45 CFR 164.400-414). An incident is opened from a break-the-glass grant
 * reviewed as a violation, or from an anomaly finding judged inappropriate, with the audit rows as evidence; it
 * gets the four-factor risk assessment (164.402(2)) and the exception if one applies (164.402(1)); the decision,
 * breach or not, is documented (164.414(b)); a breach's notification deadlines are tracked from the discovery
 * (164.404(a)(2), (b); 164.406; 164.408). Every read and write leaves an audit row (resource breach-incident).
 */
@Injectable()
export class BreachIncidentsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditWriter,
    private readonly grants: BreakGlassGrantsRepository,
    private readonly trail: AuditEventsRepository,
  ) {}

  async open(ctx: RequestContext, dto: OpenIncidentDto): Promise<IncidentDto> {
    const now = this.clock.nowIso();
    const source = dto.source === 'break-glass-review' ? await this.fromGrant(dto) : fromFinding(dto, now);
    const facts = await this.trail.evidence(source.evidence);
    const found = new Set(facts.map((f) => f.seq));
    const foreign = facts.filter((f) => f.patientId !== source.patientId || f.actorUserId !== source.subjectUserId).map((f) => f.seq);
    const missing = source.evidence.filter((s) => !found.has(s));
    if (missing.length || foreign.length || facts.length === 0) {
      throw InvalidInput.field('evidence', `must name audit rows of this finding (patient ${source.patientId}, user ${source.subjectUserId}); not: ${[...missing, ...foreign].join(', ') || 'none given'}`);
    }
    const earliest = facts.map((f) => f.occurredAt).sort()[0];
    const discoveredAt = dto.discoveredAt ?? source.knownBy;
    const problems = discoveryProblems(discoveredAt, { earliestEvidenceAt: earliest, knownBy: source.knownBy, now });
    if (problems.length) throw new InvalidInput(problems);
    return this.db.transaction(async (tx) => {
      if (source.grantId !== null && (await tx.one('SELECT id FROM breach_incidents WHERE grant_id = $1', [source.grantId]))) {
        throw new Conflict(`an incident is already open for break-the-glass grant ${source.grantId}`);
      }
      const row = (await tx.one<IncidentRow>(
        `INSERT INTO breach_incidents (patient_id, source_type, grant_id, finding_rule, subject_user_id, evidence_seqs, summary, discovered_at, opened_at, opened_by, status, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', 1) RETURNING ${INCIDENT_COLUMNS}`,
        [source.patientId, dto.source, source.grantId, source.rule, source.subjectUserId, JSON.stringify(source.evidence), dto.summary, discoveredAt, now, ctx.user.id],
      ))!;
      await this.audit.appendWithin(tx, [this.event(ctx, 'create', row, { event: 'open', source: dto.source, grantId: source.grantId, rule: source.rule, evidence: source.evidence.length, discoveredAt })]);
      return toIncidentDto(row, [], now);
    });
  }

  /** The four-factor risk assessment (164.402(2)); may be revised until the decision. */
  async assess(ctx: RequestContext, id: number, dto: AssessmentDto): Promise<IncidentDto> {
    const problems: FieldProblem[] = [];
    if (dto.exception && !dto.exceptionRationale) problems.push({ field: 'exceptionRationale', problems: ['is required with exception: document why it applies'] });
    if (!dto.exception && dto.exceptionRationale) problems.push({ field: 'exception', problems: ['is required with exceptionRationale'] });
    const residents = dto.residentsOfOneState ?? dto.individualsAffected;
    if (residents > dto.individualsAffected) problems.push({ field: 'residentsOfOneState', problems: ['must not exceed individualsAffected'] });
    if (problems.length) throw new InvalidInput(problems);
    const stored = {
      natureAndExtent: dto.natureAndExtent, unauthorizedPerson: dto.unauthorizedPerson, acquiredOrViewed: dto.acquiredOrViewed, mitigation: dto.mitigation,
      individualsAffected: dto.individualsAffected, residentsOfOneState: residents,
    };
    return this.change(ctx, id, dto.version, 'assess', (r) => (r.status === 'open' || r.status === 'assessed' ? null : `the incident is already decided (${r.status})`), [
      ['status', 'assessed'], ['assessment', JSON.stringify(stored)], ['exception_code', dto.exception ?? null], ['exception_rationale', dto.exceptionRationale ?? null],
      ['residents_affected', dto.individualsAffected], ['assessed_at', this.clock.nowIso()], ['assessed_by', ctx.user.id],
    ], { exception: dto.exception ?? null, acquiredOrViewed: dto.acquiredOrViewed.finding, individualsAffected: dto.individualsAffected });
  }

  /** Breach or not a breach, documented; a breach starts the notification deadlines. */
  async decide(ctx: RequestContext, id: number, dto: IncidentDecisionDto): Promise<IncidentDto> {
    const conflict = (r: IncidentRow) => decisionConflict(r.status)
      ?? (dto.decision === 'breach' && r.exception_code ? `an exception of 164.402(1) is recorded (${r.exception_code}): revise the assessment, or decide not-a-breach` : null);
    return this.change(ctx, id, dto.version, 'decide', conflict, [
      ['status', dto.decision], ['decision_rationale', dto.rationale], ['decided_at', this.clock.nowIso()], ['decided_by', ctx.user.id],
    ], { decision: dto.decision });
  }

  /** A notification made (individuals, media, the Secretary), checked against the plan and the discovery date. */
  async notify(ctx: RequestContext, id: number, dto: IncidentNotificationDto): Promise<IncidentDto> {
    const now = this.clock.nowIso();
    const existing = await findIncident(this.db, id);
    const problems = sentAtProblems(dto.sentAt, existing.discovered_at, now);
    if (problems.length) throw new InvalidInput(problems);
    return this.db.transaction(async (tx) => {
      const row = await findIncident(tx, id);
      if (row.status !== 'breach') throw new Conflict(`notifications follow a decision that the incident is a breach; it is ${row.status}`);
      const a = JSON.parse(row.assessment!) as { individualsAffected: number; residentsOfOneState: number };
      if (dto.target === 'media' && !notificationPlan(row.discovered_at, a.individualsAffected, a.residentsOfOneState).media) {
        throw new Conflict('media notice is required only when more than 500 residents of one State or jurisdiction are involved (164.406)');
      }
      if ((await notificationsOf(tx, id)).some((n) => n.target === dto.target)) throw new Conflict(`the ${dto.target} notification is already recorded`);
      await tx.execute(
        'INSERT INTO breach_notifications (incident_id, target, channel, sent_at, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)',
        [id, dto.target, dto.channel, new Date(dto.sentAt).toISOString(), now, ctx.user.id],
      );
      await this.audit.appendWithin(tx, [this.event(ctx, 'create', row, { event: 'notification', target: dto.target, sentAt: dto.sentAt })]);
      return toIncidentDto(row, await notificationsOf(tx, id), now);
    });
  }

  async read(ctx: RequestContext, id: number): Promise<IncidentDto> {
    const row = await findIncident(this.db, id);
    await this.audit.append(this.event(ctx, 'read', row, { status: row.status }));
    return toIncidentDto(row, await notificationsOf(this.db, id), this.clock.nowIso());
  }

  async list(ctx: RequestContext, q: IncidentQueryDto): Promise<Page<IncidentDto>> {
    const { page, pageSize, offset } = pageOf(q);
    const params: SqlParam[] = q.status ? [q.status] : [];
    const where = q.status ? 'WHERE status = $1' : '';
    const total = num((await this.db.one<{ n: unknown }>(`SELECT COUNT(*) AS n FROM breach_incidents ${where}`, params))?.n);
    const rows = await this.db.query<IncidentRow>(
      `SELECT ${INCIDENT_COLUMNS} FROM breach_incidents ${where} ORDER BY discovered_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, offset],
    );
    await this.audit.append({
      ...fromContext(ctx), action: 'search', outcome: 'success', resourceType: 'breach-incident', purposeOfUse: ctx.purposeOfUse ?? 'HCOMPL',
      details: { status: q.status ?? null, results: total, page },
    });
    const now = this.clock.nowIso();
    return { items: await Promise.all(rows.map(async (r) => toIncidentDto(r, await notificationsOf(this.db, Number(r.id)), now))), page, pageSize, total };
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /** A grant reviewed as a violation: the review is the judgement, and the accesses under the grant the evidence. */
  private async fromGrant(dto: OpenIncidentDto): Promise<Source> {
    const extra = (['rule', 'patientId', 'subjectUserId'] as const).filter((f) => dto[f] !== undefined);
    if (dto.grantId === undefined || extra.length) {
      throw new InvalidInput([
        ...(dto.grantId === undefined ? [{ field: 'grantId', problems: ['is required with source break-glass-review'] }] : []),
        ...extra.map((f) => ({ field: f, problems: ['is only allowed with source anomaly-finding (the grant names them)'] })),
      ]);
    }
    const grant = await this.grants.find(dto.grantId);
    if (!grant) throw new NotFound(`Break-the-glass grant ${dto.grantId}`);
    if (grant.reviewOutcome !== 'violation' || !grant.reviewedAt) {
      throw new Conflict(`break-the-glass grant ${grant.id} has not been judged inappropriate: review it as a violation first (POST /access/break-glass/${grant.id}/review)`);
    }
    const evidence = dto.evidence ?? (await this.trail.breakGlassEvidence({ id: grant.id, userId: grant.userId, patientId: grant.patientId, grantedAt: grant.grantedAt, expiresAt: grant.expiresAt }));
    return { patientId: grant.patientId, subjectUserId: grant.userId, grantId: grant.id, rule: null, evidence, knownBy: grant.reviewedAt };
  }

  /** Reads, checks and updates one incident in a transaction with its audit row; a stale version or wrong state is 409. */
  private async change(
    ctx: RequestContext, id: number, version: number, event: string, conflictOf: (r: IncidentRow) => string | null, sets: [string, SqlParam][],
    details: Record<string, unknown>,
  ): Promise<IncidentDto> {
    await findIncident(this.db, id);
    return this.db.transaction(async (tx: Queryable) => {
      const before = await findIncident(tx, id);
      if (Number(before.version) !== version) throw new Conflict(`breach incident ${id} was changed by someone else (version ${before.version}, you sent ${version})`);
      const conflict = conflictOf(before);
      if (conflict) throw new Conflict(conflict, { status: before.status });
      const params: SqlParam[] = [...sets.map(([, v]) => v), id, version];
      await tx.execute(
        `UPDATE breach_incidents SET ${sets.map(([c], i) => `${c} = $${i + 1}`).join(', ')}, version = version + 1 WHERE id = $${params.length - 1} AND version = $${params.length}`,
        params,
      );
      const after = await findIncident(tx, id);
      await this.audit.appendWithin(tx, [this.event(ctx, 'update', after, { event, before: before.status, after: after.status, ...details })]);
      return toIncidentDto(after, await notificationsOf(tx, id), this.clock.nowIso());
    });
  }

  private event(ctx: RequestContext, action: 'create' | 'update' | 'read', row: IncidentRow, details: Record<string, unknown>): AuditEventInput {
    return {
      ...fromContext(ctx), action, outcome: 'success', resourceType: 'breach-incident', resourceId: Number(row.id), patientId: Number(row.patient_id),
      purposeOfUse: ctx.purposeOfUse ?? 'HCOMPL', details: { incidentId: Number(row.id), ...details },
    };
  }
}

interface Source {
  patientId: number;
  subjectUserId: number;
  grantId: number | null;
  rule: string | null;
  evidence: number[];
  knownBy: string;
}

/** An anomaly finding judged inappropriate: the finding's rule, patient, actor and evidence, as GET /audit/anomalies gave them. */
function fromFinding(dto: OpenIncidentDto, now: string): Source {
  const problems: FieldProblem[] = (['rule', 'patientId', 'subjectUserId', 'evidence'] as const)
    .filter((f) => dto[f] === undefined)
    .map((f) => ({ field: f, problems: ['is required with source anomaly-finding'] }));
  if (dto.grantId !== undefined) problems.push({ field: 'grantId', problems: ['is only allowed with source break-glass-review'] });
  if (problems.length) throw new InvalidInput(problems);
  return { patientId: dto.patientId!, subjectUserId: dto.subjectUserId!, grantId: null, rule: dto.rule!, evidence: [...new Set(dto.evidence!)], knownBy: now };
}
