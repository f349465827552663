import { Injectable } from '@nestjs/common';
import { deadlineQueueClauses } from '../common/deadline-queue';
import { AccessPolicyService, actsAsIndividual, Granted } from '../access/access-policy.service';
import type { AuditEventInput } from '../audit/audit.types';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { InvalidInput } from '../common/errors';
import { Page, pageOf } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { Db, num, SqlParam } from '../database/db';
import { dueDateFor, OPEN_STATUSES } from './amendment-rules';
import { AmendmentRoutingService } from './amendment-routing.service';
import { ITEM_COLUMNS, ITEM_TABLE, ItemRow, ItemType } from './clinical-items';
import {
  AmendmentDto, AmendmentQueueQueryDto, CreateAmendmentDto, PatientAmendmentsQueryDto,
} from './dto/amendment.dto';
import { recordViewFor } from '../access/record-views';
import { limitsOf } from '../access/item-visibility';
import { ClinicalReads } from './clinical.repository';
import { visibleEncounterSet, visibleItems } from './visible-record';
import { AMENDMENT_COLUMNS as COLUMNS, amendmentEvent, AmendmentRow, findAmendment, notificationsOf, toAmendmentDto } from './amendments.repository';

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
    private readonly routing: AmendmentRoutingService,
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
        `INSERT INTO amendments (patient_id, requested_by, item_type, item_id, requested_change, justification, status, received_at, due_at, version, notify_persons)
         VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, $8, 1, $9) RETURNING ${COLUMNS}`,
        [patientId, ctx.user.id, dto.itemType, dto.itemId, dto.requestedChange, dto.justification, receivedAt, dueDateFor(receivedAt),
          dto.notifyPersons?.length ? JSON.stringify(dto.notifyPersons.map((p) => ({ name: p.name, address: p.address }))) : null],
      ))!;
      await this.audit.appendWithin(tx, [
        amendmentEvent(ctx, grant, row, 'request', null, row, {
          itemType: dto.itemType, itemId: dto.itemId, onBehalf: ctx.user.patientId !== patientId, notifyPersons: dto.notifyPersons?.length ?? 0,
          actingFor: grant.actingFor,
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
    // A deciding clinician without HIM's coordination sees the requests routed to them (164.526(a)).
    if (!ctx.user.permissions.has('amendment:decide')) where.push(`decider_user_id = $${params.push(ctx.user.id)}`);
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
      notifications: await notificationsOf(this.db, id),
      eligibleDeciders: ctx.user.permissions.has('amendment:decide') ? await this.routing.eligible(this.db, row) : undefined,
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

  // ---- helpers ------------------------------------------------------------------------------------------

  /** HIM (amendment:decide) may read any request, the clinician it is routed to theirs, anyone else only their own record's. */
  private async requireReader(ctx: RequestContext, row: AmendmentRow): Promise<Granted> {
    const patientId = Number(row.patient_id);
    const target = { resourceType: 'amendment', resourceId: Number(row.id) };
    if (ctx.user.permissions.has('amendment:decide')) return this.policy.require(ctx, 'amendment:decide', patientId, target);
    if (row.decider_user_id !== null && Number(row.decider_user_id) === ctx.user.id) return this.policy.require(ctx, 'amendment:respond', patientId, target);
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

  private toDto(r: AmendmentRow, now = this.clock.nowIso()): AmendmentDto {
    return toAmendmentDto(r, now);
  }
}
