import { Injectable } from '@nestjs/common';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { bool, Db, Queryable, SqlParam } from '../database/db';
import { AccessPolicyService, actsAsIndividual, Granted } from './access-policy.service';
import type { CreateRestrictionDto, RestrictionDecisionDto, RestrictionDto, RestrictionQueueQueryDto, RestrictionTerminationDto } from './dto/representative.dto';
import { itemVisibility } from './item-visibility';
import { PrivacyFactsRepository, RESTRICTION_COLUMNS, RestrictionRow } from './privacy-facts.repository';
import { decisionConflict, isRequiredRestriction, terminationConflict } from './restriction-rule';

const REQUIRED_RULE = '45 CFR 164.522(a)(1)(vi)';
const OPTIONAL_RULE = '45 CFR 164.522(a)(1)(i)-(ii)';

/**
 * Restriction requests (45 CFR 164.522(a)): the individual (or their personal representative) asks, the privacy
 * officer agrees or refuses, and either side may terminate (164.522(a)(2)). The required restriction of
 * 164.522(a)(1)(vi) (disclosures to a health plan of an encounter paid out of pocket in full) is agreed when it is
 * filed and can be neither refused nor terminated by the covered entity. What an agreed restriction withholds is
 * decided by the access policy (src/access/restriction-rule.ts, through decide()), never here.
 */
@Injectable()
export class RestrictionsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly facts: PrivacyFactsRepository,
  ) {}

  async request(ctx: RequestContext, patientId: number, dto: CreateRestrictionDto): Promise<RestrictionDto & { actingFor: Granted['actingFor'] | null }> {
    const target = { resourceType: 'restriction' };
    const grant = await this.policy.require(ctx, 'restriction:request', patientId, target);
    if (!actsAsIndividual(grant)) await this.policy.refuse(ctx, 'a restriction is requested by the individual or their personal representative (45 CFR 164.522(a)(1)(i))', { ...target, patientId });
    const selfPay = dto.encounterId === undefined ? false : await this.encounterOf(ctx, grant, patientId, dto.encounterId);
    const required = isRequiredRestriction({ purposes: dto.purposes, recipient: dto.recipient, encounterSelfPay: selfPay });
    return this.db.transaction(async (tx) => {
      const now = this.clock.nowIso();
      const row = (await tx.one<RestrictionRow>(
        `INSERT INTO restrictions (patient_id, requested_by, requested_at, purposes, recipient, encounter_id, description, required, status, decided_at, decision_reason, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING ${RESTRICTION_COLUMNS}`,
        [
          patientId, ctx.user.id, now, JSON.stringify(dto.purposes), dto.recipient, dto.encounterId ?? null, dto.description, required,
          required ? 'agreed' : 'requested', required ? now : null,
          required ? 'paid out of pocket in full: the covered entity must agree (45 CFR 164.522(a)(1)(vi))' : null,
        ],
      ))!;
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'create', outcome: 'success', resourceType: 'restriction', resourceId: Number(row.id), patientId,
        details: { purposes: dto.purposes, recipient: dto.recipient, encounterId: dto.encounterId ?? null, required, status: row.status, actingFor: grant.actingFor ?? null },
      }]);
      return { ...toDto(row), actingFor: grant.actingFor ?? null };
    });
  }

  /** A patient's restrictions: the individual, their representative, or the privacy officer. */
  async forPatient(ctx: RequestContext, patientId: number) {
    const staff = ctx.user.permissions.has('restriction:decide');
    const grant = await this.policy.require(ctx, staff ? 'restriction:decide' : 'restriction:request', patientId, { resourceType: 'restriction' });
    if (!staff && !actsAsIndividual(grant)) await this.policy.refuse(ctx, 'restrictions are read by the individual, their personal representative or the privacy officer', { resourceType: 'restriction', patientId });
    const rows = await this.db.query<RestrictionRow>(`SELECT ${RESTRICTION_COLUMNS} FROM restrictions WHERE patient_id = $1 ORDER BY requested_at DESC, id DESC`, [patientId]);
    await this.audit.append({ ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'restriction', patientId, details: { results: rows.length } });
    return { items: rows.map(toDto), actingFor: grant.actingFor ?? null };
  }

  /** The privacy officer's queue (requested first by default), oldest first. */
  async queue(ctx: RequestContext, q: RestrictionQueueQueryDto) {
    const params: SqlParam[] = [];
    const where = q.status ? 'WHERE status = $1' : '';
    if (q.status) params.push(q.status);
    const rows = await this.db.query<RestrictionRow>(`SELECT ${RESTRICTION_COLUMNS} FROM restrictions ${where} ORDER BY requested_at, id LIMIT 200`, params);
    const patients = [...new Set(rows.map((r) => Number(r.patient_id)))];
    await Promise.all((patients.length ? patients : [null]).map((patientId) => this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'restriction', patientId, details: { view: 'restriction-queue', status: q.status ?? null },
    })));
    return { items: rows.map(toDto) };
  }

  async decide(ctx: RequestContext, id: number, dto: RestrictionDecisionDto): Promise<RestrictionDto> {
    const first = await find(this.db, id);
    await this.policy.require(ctx, 'restriction:decide', Number(first.patient_id), { resourceType: 'restriction', resourceId: id });
    return this.change(ctx, id, dto.version, 'decision', (before) => {
      const conflict = decisionConflict({ status: before.status, required: bool(before.required) }, dto.decision);
      if (conflict) throw new Conflict(conflict, { status: before.status });
      return [['status', dto.decision === 'agree' ? 'agreed' : 'refused'], ['decided_by', ctx.user.id], ['decided_at', this.clock.nowIso()], ['decision_reason', dto.reason]];
    });
  }

  /** By the individual or their representative (164.522(a)(2)(i)), or by the covered entity ((a)(2)(iii)). */
  async terminate(ctx: RequestContext, id: number, dto: RestrictionTerminationDto): Promise<RestrictionDto> {
    const first = await find(this.db, id);
    const patientId = Number(first.patient_id);
    const target = { resourceType: 'restriction', resourceId: id };
    const byIndividual = !ctx.user.permissions.has('restriction:decide');
    const grant = await this.policy.require(ctx, byIndividual ? 'restriction:request' : 'restriction:decide', patientId, target);
    if (byIndividual && !actsAsIndividual(grant)) await this.policy.refuse(ctx, 'only the individual or their personal representative ends their restriction', { ...target, patientId });
    return this.change(ctx, id, dto.version, 'termination', (before) => {
      const conflict = terminationConflict({ status: before.status, required: bool(before.required) }, byIndividual);
      if (conflict) throw new Conflict(conflict, { status: before.status });
      return [['status', 'terminated'], ['terminated_by', ctx.user.id], ['terminated_at', this.clock.nowIso()], ['terminated_by_individual', byIndividual], ['termination_reason', dto.reason]];
    });
  }

  private async change(ctx: RequestContext, id: number, version: number, event: string, sets: (before: RestrictionRow) => [string, SqlParam][]) {
    return this.db.transaction(async (tx) => {
      const before = await find(tx, id);
      if (Number(before.version) !== version) throw new Conflict(`restriction ${id} was changed by someone else (version ${before.version}, you sent ${version})`);
      const changes = sets(before);
      const params: SqlParam[] = [...changes.map(([, v]) => v), id, version];
      const changed = await tx.execute(
        `UPDATE restrictions SET ${changes.map(([c], i) => `${c} = $${i + 1}`).join(', ')}, version = version + 1 WHERE id = $${changes.length + 1} AND version = $${changes.length + 2}`,
        params,
      );
      if (changed !== 1) throw new Conflict(`restriction ${id} was changed by someone else`);
      const after = await find(tx, id);
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'update', outcome: 'success', resourceType: 'restriction', resourceId: id, patientId: Number(after.patient_id),
        details: { event, from: before.status, to: after.status, required: bool(after.required), version: Number(after.version) },
      }]);
      return toDto(after);
    });
  }

  /**
   * The encounter a restriction names: it must be one of this patient's that the requester may see (the same answer
   * for a missing, another patient's or a withheld encounter, so nothing is probed). Answers its self-pay flag.
   */
  private async encounterOf(ctx: RequestContext, grant: Granted, patientId: number, encounterId: number): Promise<boolean> {
    const enc = await this.facts.encounter(this.db, encounterId);
    const caller = this.policy.callerFor(ctx.user, grant.facts);
    const visible = enc && Number(enc.patient_id) === patientId
      && itemVisibility(caller, { type: 'encounters', facts: { sensitivity: 'normal', encounterId, date: null } }).outcome !== 'withheld';
    if (!visible) throw InvalidInput.field('encounterId', `must name one of the encounters of patient ${patientId}'s record`);
    return bool(enc.self_pay);
  }
}

async function find(q: Queryable, id: number): Promise<RestrictionRow> {
  const row = await q.one<RestrictionRow>(`SELECT ${RESTRICTION_COLUMNS} FROM restrictions WHERE id = $1`, [id]);
  if (!row) throw new NotFound(`Restriction ${id}`);
  return row;
}

function toDto(r: RestrictionRow): RestrictionDto {
  const required = bool(r.required);
  const byIndividual = r.terminated_by_individual === null ? null : bool(r.terminated_by_individual);
  return {
    id: Number(r.id), patientId: Number(r.patient_id), requestedBy: Number(r.requested_by), requestedAt: r.requested_at,
    purposes: JSON.parse(r.purposes) as RestrictionDto['purposes'], recipient: r.recipient, encounterId: r.encounter_id === null ? null : Number(r.encounter_id),
    description: r.description, required, status: r.status, rule: required ? REQUIRED_RULE : OPTIONAL_RULE,
    decision: r.decided_at ? { by: r.decided_by === null ? null : Number(r.decided_by), at: r.decided_at, reason: r.decision_reason } : null,
    termination: r.terminated_at
      ? {
          by: Number(r.terminated_by), at: r.terminated_at, byIndividual: byIndividual ?? false, reason: r.termination_reason,
          effect: byIndividual
            ? 'ended at the individual\'s request (45 CFR 164.522(a)(2)(i))'
            : `ends only for information created or received after ${r.terminated_at}; earlier information stays restricted (45 CFR 164.522(a)(2)(iii))`,
        }
      : null,
    version: Number(r.version),
  };
}
