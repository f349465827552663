import { Injectable } from '@nestjs/common';
import { AccessPolicyService, Granted } from '../access/access-policy.service';
import type { AuditEventInput } from '../audit/audit.types';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { Conflict, InvalidInput } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Db, Queryable, SqlParam } from '../database/db';
import { ConfidentialCommunicationsRepository, DisclosuresService } from '../release-of-information';
import { decisionProblems, extensionNotice, nextState } from './amendment-rules';
import { amendmentNotices, correctedColumns, Correction, correctionProblems, deciderRefusal } from './amendment-routing';
import { amendmentEvent, AmendmentRow, findAmendment, notificationsOf, toAmendmentDto } from './amendments.repository';
import { ITEM_COLUMNS, ITEM_TABLE, ItemRow } from './clinical-items';
import type { AmendmentDecisionDto } from './dto/amendment.dto';

/**
 * The decision on an amendment request (45 CFR 164.526). HIM extends (once, before the due date); the clinician HIM
 * routed the request to (the author of the item or one responsible for it) accepts or denies. Accepting corrects
 * the item: a new version of it, linked to the amendment, with the old version kept as history (164.526(c)(1)); and
 * tells the individual, the persons they named and earlier recipients of the item (164.526(c)(2), (c)(3)), each
 * notification recorded. Everything commits in one transaction with its audit rows.
 */
@Injectable()
export class AmendmentDecisionsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly disclosures: DisclosuresService,
    private readonly communications: ConfidentialCommunicationsRepository,
  ) {}

  async decide(ctx: RequestContext, id: number, dto: AmendmentDecisionDto) {
    const existing = await findAmendment(this.db, id);
    const problems = decisionProblems(dto);
    if (dto.decision === 'accept') problems.push(...correctionProblems(existing.item_type, dto.correction));
    else if (dto.correction !== undefined) problems.push({ field: 'correction', problems: ['is only allowed with decision accept'] });
    if (problems.length) throw new InvalidInput(problems);
    const grant = await this.requireDecider(ctx, existing, dto.decision);
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
      let notices = 0;
      if (dto.decision === 'extend') {
        sets.push(['due_at', next.dueAt], ['extension_reason', dto.reason!]);
      } else {
        sets.push(['decided_at', now], ['decided_by', ctx.user.id], ['decision_reason', dto.reason ?? null]);
        if (dto.decision === 'deny') sets.push(['denial_ground', dto.denialGround!]);
        if (dto.decision === 'accept') {
          const corrected = await this.correctItem(tx, ctx, grant, before, dto.correction as Correction, now);
          sets.push(['applied_item_id', corrected.newId], ['correction', JSON.stringify(dto.correction)]);
          events.push(...corrected.events);
          notices = await this.notify(tx, ctx, before, now);
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
        amendmentEvent(ctx, grant, after, dto.decision, before, after, {
          late: next.late || undefined,
          denialGround: dto.decision === 'deny' ? dto.denialGround : undefined,
          extensionDays: dto.decision === 'extend' ? dto.extensionDays : undefined,
          appliedItemId: after.applied_item_id === null ? undefined : Number(after.applied_item_id),
          notifications: dto.decision === 'accept' ? notices : undefined,
        }),
      );
      await this.audit.appendWithin(tx, events);
      const result = { ...toAmendmentDto(after, now), notifications: await notificationsOf(tx, id) };
      return dto.decision === 'extend' ? { ...result, extensionNotice: extensionNotice(dto.reason!, after.due_at) } : result;
    });
  }

  /** HIM coordinates (the one extension); the clinician the request is routed to accepts or denies (164.526(a)). */
  private async requireDecider(ctx: RequestContext, a: AmendmentRow, decision: string): Promise<Granted> {
    const patientId = Number(a.patient_id);
    const target = { resourceType: 'amendment', resourceId: Number(a.id), patientId };
    if (decision !== 'extend') {
      const refusal = deciderRefusal({ deciderUserId: a.decider_user_id === null ? null : Number(a.decider_user_id) }, ctx.user.id);
      if (refusal) await this.policy.refuse(ctx, refusal, target);
    } else if (!ctx.user.permissions.has('amendment:decide')) {
      await this.policy.refuse(ctx, 'HIM (amendment:decide) extends the deadline of an amendment request (164.526(b)(2)(ii))', target);
    }
    const grant = await this.policy.require(ctx, decision === 'extend' ? 'amendment:decide' : 'amendment:respond', patientId, target);
    if (ctx.user.patientId !== null && ctx.user.patientId === patientId) {
      await this.policy.refuse(ctx, 'no one decides an amendment of their own record', target);
    }
    return grant;
  }

  /**
   * The correction: the old version is marked amended (kept, still readable as history) and a new version of the
   * item carries the corrected fields, replacing it (replaces_id) and recorded by the deciding clinician.
   */
  private async correctItem(tx: Queryable, ctx: RequestContext, grant: Granted, a: AmendmentRow, correction: Correction, now: string) {
    const table = ITEM_TABLE[a.item_type];
    const old = await tx.one<ItemRow>(`SELECT ${ITEM_COLUMNS[a.item_type]} FROM ${table} WHERE id = $1`, [a.item_id]);
    if (!old || Number(old.patient_id) !== Number(a.patient_id)) throw new Conflict(`the ${a.item_type} item ${a.item_id} is no longer in this record`);
    if (old.status !== 'active') {
      throw new Conflict(`the ${a.item_type} item ${a.item_id} is ${old.status} since the request; deny or ask the patient to name the current item`);
    }
    const changed = await tx.execute(
      `UPDATE ${table} SET status = 'amended', version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3 AND version = $4`,
      [now, ctx.user.id, a.item_id, old.version],
    );
    if (changed !== 1) throw new Conflict(`the ${a.item_type} item ${a.item_id} was changed by someone else`);
    const overrides: Record<string, SqlParam> = {
      ...correctedColumns(a.item_type, correction), status: 'active', version: 1, replaces_id: Number(old.id),
      created_at: now, created_by: ctx.user.id, updated_at: now, updated_by: ctx.user.id,
      // A corrected note is authenticated by the clinician who decided the correction.
      ...(a.item_type === 'notes' ? { signed_at: now, signed_by: ctx.user.id } : {}),
    };
    const columns = ITEM_COLUMNS[a.item_type].split(',').map((c) => c.trim()).filter((c) => c !== 'id');
    const params: SqlParam[] = [Number(old.id)];
    const select = columns.map((c) => (c in overrides ? `$${params.push(overrides[c])}` : c));
    const inserted = (await tx.one<{ id: number }>(
      `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${select.join(', ')} FROM ${table} WHERE id = $1 RETURNING id`,
      params,
    ))!;
    const newId = Number(inserted.id);
    const base = { ...fromContext(ctx), outcome: 'success' as const, resourceType: a.item_type, patientId: Number(a.patient_id), breakGlass: grant.breakGlass };
    const events: AuditEventInput[] = [
      { ...base, action: 'update', resourceId: Number(old.id), details: { amendmentId: Number(a.id), before: { status: old.status, version: Number(old.version) }, after: { status: 'amended', version: Number(old.version) + 1 }, replacedBy: newId } },
      { ...base, action: 'create', resourceId: newId, details: { amendmentId: Number(a.id), replacesId: Number(old.id), corrected: Object.keys(correction) } },
    ];
    return { newId, events };
  }

  /** Tells and records: the individual, the persons they named, earlier recipients of the item (164.526(c)(2), (c)(3)). */
  private async notify(tx: Queryable, ctx: RequestContext, a: AmendmentRow, now: string): Promise<number> {
    const patient = (await tx.one<{ given_name: string; family_name: string; user_id: number | null }>(
      'SELECT given_name, family_name, user_id FROM patients WHERE id = $1',
      [a.patient_id],
    ))!;
    const notices = amendmentNotices({
      individual: {
        name: `${patient.given_name} ${patient.family_name}`, hasPortal: patient.user_id !== null,
        confidential: await this.communications.inForce(tx, Number(a.patient_id)),
      },
      named: a.notify_persons ? (JSON.parse(a.notify_persons) as { name: string; address: string }[]) : [],
      priorRecipients: await this.disclosures.recipientsOfItem(tx, Number(a.patient_id), a.item_type, Number(a.item_id)),
    });
    for (const n of notices) {
      await tx.execute(
        `INSERT INTO amendment_notifications (amendment_id, recipient_kind, recipient_name, recipient_address, disclosure_id, channel, notified_at, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [a.id, n.kind, n.name, n.address, n.disclosureId, n.channel, now, ctx.user.id],
      );
    }
    return notices.length;
  }
}
