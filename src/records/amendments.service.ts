import { Injectable } from '@nestjs/common';
import { deadlineQueueClauses } from '../common/deadline-queue';
import { AccessPolicyService, actsAsIndividual, Granted } from '../access/access-policy.service';
import type { AuditEventInput } from '../audit/audit.types';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { Conflict, InvalidInput } from '../common/errors';
import { Page, pageOf } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { Db, num, Queryable, SqlParam } from '../database/db';
import { decisionProblems, disagreementConflict, dueDateFor, extensionNotice, nextState, OPEN_STATUSES } from './amendment-rules';
import { ITEM_COLUMNS, ITEM_TABLE, ItemRow, ItemType } from './clinical-items';
import {
  AmendmentDecisionDto, AmendmentDto, AmendmentQueueQueryDto, CreateAmendmentDto, DisagreementDto, PatientAmendmentsQueryDto,
} from './dto/amendment.dto';
import { recordViewFor } from '../access/record-views';
import { limitsOf } from '../access/item-visibility';
import { ClinicalReads } from './clinical.repository';
import { visibleEncounterSet, visibleItems } from './visible-record';
import { AMENDMENT_COLUMNS as COLUMNS, AmendmentRow, findAmendment, toAmendmentDto } from './amendments.repository';

/**
 * Amendment requests (45 CFR 164.526). The deadlines and the state machine are the pure rules of
 * amendment-rules.ts; this service adds the access policy, the database and the audit trail. Every write and its
 * audit row commit in one transaction; a stale version or a decision the rules refuse is a 409 and changes nothing.
 */
@Injectable()
export class AmendmentsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
  ) {}

  /** A patient for their own record, or an HIM technician on the patient's behalf. */
  async request(ctx: RequestContext, patientId: number, dto: CreateAmendmentDto): Promise<AmendmentDto> {
    const grant = await this.policy.require(ctx, 'amendment:request', patientId, { resourceType: 'amendment' });
    const item = await this.db.one<ItemRow>(
      `SELECT ${ITEM_COLUMNS[dto.itemType]} FROM ${ITEM_TABLE[dto.itemType]} WHERE id = $1`,
      [dto.itemId],
    );
    // The same answer whether the item is missing, another patient's, or one the requester cannot see: no probing.
    const notHere = InvalidInput.field('itemId', `must name one of the ${dto.itemType} of patient ${patientId}'s record`);
    if (!item || Number(item.patient_id) !== patientId) throw notHere;
    if (!this.visible(ctx, grant, dto.itemType, item)) throw notHere;
    if (item.status === 'entered-in-error') {
      throw InvalidInput.field('itemId', `names a ${dto.itemType} item that was entered in error and is no longer part of the record`);
    }
    return this.db.transaction(async (tx) => {
      const receivedAt = this.clock.nowIso();
      const row = (await tx.one<AmendmentRow>(
        `INSERT INTO amendments (patient_id, requested_by, item_type, item_id, requested_change, justification, status, received_at, due_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, $8, 1) RETURNING ${COLUMNS}`,
        [patientId, ctx.user.id, dto.itemType, dto.itemId, dto.requestedChange, dto.justification, receivedAt, dueDateFor(receivedAt)],
      ))!;
      await this.audit.appendWithin(tx, [
        this.event(ctx, grant, row, 'request', null, row, {
          itemType: dto.itemType, itemId: dto.itemId, onBehalf: ctx.user.patientId !== patientId, actingFor: grant.actingFor,
        }),
      ]);
      // A personal representative files as the individual (164.502(g)): the answer says on whose behalf.
      return grant.actingFor ? { ...this.toDto(row), actingFor: grant.actingFor } : this.toDto(row);
    });
  }

  /** The HIM work queue: every patient's requests, soonest due first. */
  async queue(ctx: RequestContext, q: AmendmentQueueQueryDto): Promise<Page<AmendmentDto>> {
    const { page, pageSize, offset } = pageOf(q);
    const now = this.clock.nowIso();
    const params: SqlParam[] = [];
    const where = deadlineQueueClauses(q, OPEN_STATUSES, now, params);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = num((await this.db.one<{ n: unknown }>(`SELECT COUNT(*) AS n FROM amendments ${filter}`, params))?.n);
    const rows = await this.db.query<AmendmentRow>(
      `SELECT ${COLUMNS} FROM amendments ${filter} ORDER BY due_at, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, offset],
    );
    // The queue shows several patients' requests: each patient's access log gets its own row.
    const byPatient = new Map<number, number[]>();
    for (const r of rows) byPatient.set(Number(r.patient_id), [...(byPatient.get(Number(r.patient_id)) ?? []), Number(r.id)]);
    const filters = { status: q.status ?? null, overdue: q.overdue ?? null, page, pageSize };
    const events: AuditEventInput[] = byPatient.size
      ? [...byPatient].map(([patientId, ids]) => ({
          ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'amendment', resourceId: ids.length === 1 ? ids[0] : null,
          patientId, details: { view: 'amendment-queue', amendments: ids, filters },
        }))
      : [{ ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'amendment', details: { view: 'amendment-queue', results: 0, filters } }];
    await Promise.all(events.map((e) => this.audit.append(e)));
    return { items: rows.map((r) => this.toDto(r, now)), page, pageSize, total };
  }

  /** One request with the item it is about: for the HIM technician deciding, or the patient it belongs to. */
  async read(ctx: RequestContext, id: number) {
    const row = await findAmendment(this.db, id);
    const patientId = Number(row.patient_id);
    const grant = await this.requireReader(ctx, row);
    const item = await this.db.one<ItemRow>(`SELECT ${ITEM_COLUMNS[row.item_type]} FROM ${ITEM_TABLE[row.item_type]} WHERE id = $1`, [row.item_id]);
    const caller = this.policy.callerFor(ctx.user, grant.facts);
    const shown = item ? visibleItems(caller, row.item_type, [item], await visibleEncounterSet(this.db, caller, Number(item.encounter_id))) : [];
    const limits = limitsOf(caller).filter((l) => l.section === row.item_type);
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'amendment', resourceId: id, patientId,
      breakGlass: grant.breakGlass, details: { status: row.status, itemType: row.item_type, itemId: Number(row.item_id) },
    });
    return {
      ...this.toDto(row),
      item: shown[0] ?? null,
      // The amendment names the item, so saying that the caller may not see it reveals nothing new.
      itemWithheld: item && shown.length === 0 ? (limits.map((l) => l.reason).join('; ') || 'the item is not visible to the caller') : null,
    };
  }

  /**
   * A patient's amendments, for whoever may read that patient's record, each linked to its item (164.526(c)(1),
   * (d)(4)). An amendment is shown only when its item is part of the caller's view of the record.
   */
  async forPatient(ctx: RequestContext, patientId: number, q: PatientAmendmentsQueryDto) {
    if (q.itemId !== undefined && q.itemType === undefined) throw InvalidInput.field('itemType', 'is required with itemId');
    const view = recordViewFor(ctx.user.role, ctx.user.permissions);
    const grant = await this.policy.require(ctx, view.gate, patientId, { resourceType: 'amendment', resourceId: null });
    const caller = this.policy.callerFor(ctx.user, grant.facts);
    const where = ['patient_id = $1'];
    const params: SqlParam[] = [patientId];
    if (q.itemType) {
      params.push(q.itemType);
      where.push(`item_type = $${params.length}`);
    }
    if (q.itemId !== undefined) {
      params.push(q.itemId);
      where.push(`item_id = $${params.length}`);
    }
    const rows = await this.db.query<AmendmentRow>(`SELECT ${COLUMNS} FROM amendments WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id DESC`, params);
    const visible: AmendmentRow[] = [];
    let hidden = 0;
    for (const type of new Set(rows.map((r) => r.item_type))) {
      const ofType = rows.filter((r) => r.item_type === type);
      const ids = [...new Set(ofType.map((r) => Number(r.item_id)))];
      const items = await ClinicalReads.itemsByIds(this.db, type, patientId, ids);
      const shown = new Set(visibleItems(caller, type, items, new Set(items.map((i) => Number(i.encounter_id)))).map((i) => Number(i.id)));
      for (const r of ofType) {
        if (shown.has(Number(r.item_id))) visible.push(r);
        else hidden += 1;
      }
    }
    visible.sort((a, b) => (a.received_at === b.received_at ? Number(b.id) - Number(a.id) : a.received_at < b.received_at ? 1 : -1));
    const { page, pageSize, offset } = pageOf(q);
    const now = this.clock.nowIso();
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'amendment', resourceId: null, patientId,
      breakGlass: grant.breakGlass, purposeOfUse: ctx.purposeOfUse ?? (grant.breakGlass ? 'ETREAT' : null),
      details: { view: view.name, results: visible.length, withheld: hidden },
    });
    // Amendments of items the caller may not see are absent, and not counted (withheld means absent).
    const withheld = limitsOf(caller);
    return { items: visible.slice(offset, offset + pageSize).map((r) => this.toDto(r, now)), page, pageSize, total: visible.length, withheld };
  }

  /** accept (amend and link the item), deny (one of the four grounds) or extend (once, before the due date). */
  async decide(ctx: RequestContext, id: number, dto: AmendmentDecisionDto) {
    const problems = decisionProblems(dto);
    if (problems.length) throw new InvalidInput(problems);
    const existing = await findAmendment(this.db, id);
    const patientId = Number(existing.patient_id);
    const grant = await this.policy.require(ctx, 'amendment:decide', patientId, { resourceType: 'amendment', resourceId: id });
    if (ctx.user.patientId !== null && ctx.user.patientId === patientId) {
      await this.policy.refuse(ctx, 'no one decides an amendment of their own record', { resourceType: 'amendment', resourceId: id, patientId });
    }
    return this.db.transaction(async (tx) => {
      const before = await findAmendment(tx, id);
      if (Number(before.version) !== dto.version) {
        throw new Conflict(`amendment ${id} was changed by someone else (version ${before.version}, you sent ${dto.version})`);
      }
      const now = this.clock.nowIso();
      const next = nextState({ status: before.status, receivedAt: before.received_at, dueAt: before.due_at }, dto, now);
      if (!next.ok) throw new Conflict(next.conflict, { status: before.status, dueAt: before.due_at });

      const sets: [string, SqlParam][] = [['status', next.status]];
      const events: AuditEventInput[] = [];
      if (dto.decision === 'extend') {
        sets.push(['due_at', next.dueAt], ['extension_reason', dto.reason!]);
      } else {
        sets.push(['decided_at', now], ['decided_by', ctx.user.id], ['decision_reason', dto.reason ?? null]);
        if (dto.decision === 'deny') sets.push(['denial_ground', dto.denialGround!]);
        if (dto.decision === 'accept') {
          const item = await this.amendItem(tx, ctx, before, now);
          sets.push(['applied_item_id', Number(item.after.id)]);
          events.push({
            ...fromContext(ctx), action: 'update', outcome: 'success', resourceType: before.item_type, resourceId: Number(item.after.id),
            patientId, breakGlass: grant.breakGlass,
            details: {
              amendmentId: id, before: { status: item.before.status, version: Number(item.before.version) },
              after: { status: item.after.status, version: Number(item.after.version) },
            },
          });
        }
      }
      const params: SqlParam[] = sets.map(([, v]) => v);
      params.push(id, dto.version);
      const changed = await tx.execute(
        `UPDATE amendments SET ${sets.map(([c], i) => `${c} = $${i + 1}`).join(', ')}, version = version + 1
          WHERE id = $${params.length - 1} AND version = $${params.length}`,
        params,
      );
      if (changed !== 1) throw new Conflict(`amendment ${id} was changed by someone else`);
      const after = await findAmendment(tx, id);
      events.unshift(
        this.event(ctx, grant, after, dto.decision, before, after, {
          late: next.late || undefined,
          denialGround: dto.decision === 'deny' ? dto.denialGround : undefined,
          extensionDays: dto.decision === 'extend' ? dto.extensionDays : undefined,
          appliedItemId: after.applied_item_id === null ? undefined : Number(after.applied_item_id),
        }),
      );
      await this.audit.appendWithin(tx, events);
      const result = this.toDto(after, now);
      return dto.decision === 'extend' ? { ...result, extensionNotice: extensionNotice(dto.reason!, after.due_at) } : result;
    });
  }

  /** The individual's statement of disagreement after a denial, once; linked to the record with the denial (164.526(d)(4)). */
  async disagree(ctx: RequestContext, id: number, dto: DisagreementDto) {
    const existing = await findAmendment(this.db, id);
    const patientId = Number(existing.patient_id);
    const grant = await this.policy.require(ctx, 'amendment:request', patientId, { resourceType: 'amendment', resourceId: id });
    if (!actsAsIndividual(grant)) {
      await this.policy.refuse(ctx, 'only the individual whose amendment was denied (or their personal representative) files a statement of disagreement', { resourceType: 'amendment', resourceId: id, patientId });
    }
    return this.db.transaction(async (tx) => {
      const before = await findAmendment(tx, id);
      const conflict = disagreementConflict({ status: before.status, disagreementStatement: before.disagreement_statement });
      if (conflict) throw new Conflict(conflict, { status: before.status });
      const changed = await tx.execute(
        `UPDATE amendments SET disagreement_statement = $1, version = version + 1
          WHERE id = $2 AND status = 'denied' AND disagreement_statement IS NULL AND version = $3`,
        [dto.statement, id, before.version],
      );
      if (changed !== 1) throw new Conflict(`amendment ${id} was changed by someone else`);
      const after = await findAmendment(tx, id);
      await this.audit.appendWithin(tx, [this.event(ctx, grant, after, 'disagreement', before, after, { disagreement: true })]);
      return this.toDto(after);
    });
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /** A decider (amendment:decide) may read any request; anyone else only their own record's. */
  private async requireReader(ctx: RequestContext, row: AmendmentRow): Promise<Granted> {
    const patientId = Number(row.patient_id);
    const target = { resourceType: 'amendment', resourceId: Number(row.id) };
    if (ctx.user.permissions.has('amendment:decide')) return this.policy.require(ctx, 'amendment:decide', patientId, target);
    const grant = await this.policy.require(ctx, 'amendment:request', patientId, target);
    if (!actsAsIndividual(grant)) {
      await this.policy.refuse(ctx, 'an amendment request is readable by HIM (amendment:decide) and by the individual it belongs to (or their personal representative)', { ...target, patientId });
    }
    return grant;
  }

  /** The item must be part of what the requester sees of the record (a patient never sees psychotherapy notes). */
  private visible(ctx: RequestContext, grant: Granted, type: ItemType, item: ItemRow): boolean {
    const caller = this.policy.callerFor(ctx.user, grant.facts);
    return visibleItems(caller, type, [item], new Set([Number(item.encounter_id)])).length === 1;
  }

  /** Accepting: the item is marked amended (version + 1) and stays linked to the amendment (164.526(c)(1)). */
  private async amendItem(tx: Queryable, ctx: RequestContext, a: AmendmentRow, now: string) {
    const table = ITEM_TABLE[a.item_type];
    const before = await tx.one<ItemRow>(`SELECT ${ITEM_COLUMNS[a.item_type]} FROM ${table} WHERE id = $1`, [a.item_id]);
    if (!before || Number(before.patient_id) !== Number(a.patient_id)) throw new Conflict(`the ${a.item_type} item ${a.item_id} is no longer in this record`);
    if (before.status === 'entered-in-error') {
      throw new Conflict(`the ${a.item_type} item ${a.item_id} was entered in error since the request; deny or ask the patient to name the current item`);
    }
    const changed = await tx.execute(
      `UPDATE ${table} SET status = 'amended', version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3 AND version = $4`,
      [now, ctx.user.id, a.item_id, before.version],
    );
    if (changed !== 1) throw new Conflict(`the ${a.item_type} item ${a.item_id} was changed by someone else`);
    const after = (await tx.one<ItemRow>(`SELECT ${ITEM_COLUMNS[a.item_type]} FROM ${table} WHERE id = $1`, [a.item_id]))!;
    return { before, after };
  }

  private event(
    ctx: RequestContext, grant: Granted, row: AmendmentRow, event: string, before: AmendmentRow | null, after: AmendmentRow,
    extra: Record<string, unknown>,
  ): AuditEventInput {
    return {
      ...fromContext(ctx), action: 'amendment', outcome: 'success', resourceType: 'amendment', resourceId: Number(row.id),
      patientId: Number(row.patient_id), breakGlass: grant.breakGlass,
      // Identity, status and dates only: the requested text and statements are PHI and stay out of the trail.
      details: {
        event,
        before: before ? { status: before.status, version: Number(before.version), dueAt: before.due_at } : null,
        after: { status: after.status, version: Number(after.version), dueAt: after.due_at },
        ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
      },
    };
  }

  private toDto(r: AmendmentRow, now = this.clock.nowIso()): AmendmentDto {
    return toAmendmentDto(r, now);
  }
}
