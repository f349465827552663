import { Inject, Injectable } from '@nestjs/common';
import { AccessPolicyService, actsAsIndividual, individualPermission } from '../access/access-policy.service';
import type { AuditEventInput } from '../audit/audit.types';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { Page, pageOf } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { bool, Db, num, Queryable, SqlParam } from '../database/db';
import {
  accountingDueDate, accountingFee, accountingPeriod, AccountingStatus, FeeDecision, narrowProblems, nextAccountingState, nextFeeDecision, OPEN_ACCOUNTING_STATUSES, twelveMonthsBefore,
} from './accounting-rules';
import { individualNoticeDelivery } from './confidential-communications';
import { ConfidentialCommunicationsRepository } from './confidential-communications.repository';
import { DisclosuresService } from './disclosures.service';
import { AccountingDto, AccountingQueueQueryDto, FeeDecisionDto, AccountingRequestDto, AccountingTransitionDto, DisclosuresQueryDto } from './dto/accounting.dto';
import { daysLeft, isOverdue } from './roi-deadlines';
import { ROI_SETTINGS, RoiSettings } from './roi-settings';

const COLUMNS = `id, patient_id, requested_by, received_at, due_at, fee_cents, status, version, extended, extension_reason, period_from, period_to,
  fee_basis, fulfilled_at, fulfilled_by, accounting_json, fee_quoted_cents, fee_decision, fee_decided_at`;

interface AccountingRow {
  id: number;
  patient_id: number;
  requested_by: number;
  received_at: string;
  due_at: string;
  fee_cents: number;
  status: AccountingStatus;
  version: number;
  extended: unknown;
  extension_reason: string | null;
  period_from: string | null;
  period_to: string | null;
  fee_basis: string | null;
  fulfilled_at: string | null;
  fulfilled_by: number | null;
  accounting_json: string | null;
  fee_quoted_cents: number | null;
  fee_decision: FeeDecision | null;
  fee_decided_at: string | null;
}

/** The advance notice of a fee (164.528(c)(2)), once there is one: the quote, the choices, the answer. */
function feeNoticeOf(r: AccountingRow): AccountingRequestDto['feeNotice'] {
  const quoted = Number(r.fee_quoted_cents ?? 0);
  if (quoted === 0 && !r.fee_decision) return null;
  return {
    quotedCents: quoted,
    text: `This is your second or later accounting in 12 months: it costs $${(quoted / 100).toFixed(2)}. Nothing is charged unless you accept; you may instead withdraw the request, or narrow it (a shorter period) to reduce the fee (45 CFR 164.528(c)(2)).`,
    choices: r.status === 'fee-notice' ? ['accept', 'withdraw', 'narrow'] : [],
    decision: r.fee_decision,
    decidedAt: r.fee_decided_at,
  };
}

/**
 * The accounting of disclosures (45 CFR 164.528): the list itself (six years back, exempt disclosures left out),
 * and the individual's formal request for it, with its 60-day deadline, one extension and the fee rule.
 */
@Injectable()
export class AccountingService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly disclosures: DisclosuresService,
    @Inject(ROI_SETTINGS) private readonly settings: RoiSettings,
    private readonly communications: ConfidentialCommunicationsRepository,
  ) {}

  /** GET /patients/:id/disclosures: the accounting as of now, for whoever the policy lets read it. */
  async forPatient(ctx: RequestContext, patientId: number, q: DisclosuresQueryDto) {
    const grant = await this.policy.require(ctx, 'disclosure:read', patientId, { resourceType: 'disclosures', resourceId: patientId });
    const accounting = await this.disclosures.accounting(patientId);
    const { page, pageSize, offset } = pageOf(q);
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'disclosures', resourceId: patientId, patientId,
      breakGlass: grant.breakGlass, details: { results: accounting.items.length },
    });
    return { ...accounting, items: accounting.items.slice(offset, offset + pageSize), page, pageSize, total: accounting.items.length };
  }

  /** POST /me/accounting-requests: the individual asks for an accounting; due in 60 days; the first in 12 months is free. */
  async file(ctx: RequestContext, represented?: number): Promise<AccountingRequestDto> {
    const patientId = represented ?? (await this.ownPatientId(ctx));
    const grant = await this.policy.require(ctx, individualPermission(ctx.user, 'accounting'), patientId, { resourceType: 'accounting-request' });
    return this.db.transaction(async (tx) => {
      const receivedAt = this.clock.nowIso();
      const earlier = num((await tx.one<{ n: unknown }>(
        `SELECT COUNT(*) AS n FROM accounting_requests WHERE patient_id = $1 AND status <> 'withdrawn' AND received_at > $2`,
        [patientId, twelveMonthsBefore(receivedAt)],
      ))?.n);
      const fee = accountingFee(earlier, this.settings.accountingFeeCents);
      const period = accountingPeriod(receivedAt);
      // A chargeable accounting waits for the individual's answer to the fee notice (164.528(c)(2)).
      const status = fee.quotedCents > 0 ? 'fee-notice' : 'received';
      const row = (await tx.one<AccountingRow>(
        `INSERT INTO accounting_requests (patient_id, requested_by, received_at, due_at, fee_cents, status, version, extended, period_from, period_to, fee_basis, fee_quoted_cents)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
        [patientId, ctx.user.id, receivedAt, accountingDueDate(receivedAt), fee.feeCents, status, false, period.from, period.to, fee.basis, fee.quotedCents],
      ))!;
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'create', outcome: 'success', resourceType: 'accounting-request', resourceId: Number(row.id), patientId,
        details: { dueAt: row.due_at, feeCents: fee.feeCents, quotedCents: fee.quotedCents, status, actingFor: grant.actingFor },
      }]);
      const dto = await this.withDelivery(tx, this.toDto(row, receivedAt));
      // A personal representative asks as the individual (164.502(g)); the answer says on whose behalf.
      return grant.actingFor ? { ...dto, actingFor: grant.actingFor } : dto;
    });
  }

  /** GET /me/accounting-requests. */
  async mine(ctx: RequestContext, q: AccountingQueueQueryDto, represented?: number): Promise<Page<AccountingRequestDto> & { actingFor?: unknown }> {
    const patientId = represented ?? (await this.ownPatientId(ctx));
    const grant = await this.policy.require(ctx, individualPermission(ctx.user, 'accounting'), patientId, { resourceType: 'accounting-request' });
    const page = await this.list([['patient_id = $?', patientId]], q, 'received_at DESC, id DESC');
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'accounting-request', patientId, details: { view: 'own', results: page.items.length },
    });
    return grant.actingFor ? { ...page, actingFor: grant.actingFor } : page;
  }

  /** GET /accounting-requests: the ROI queue, soonest due first. */
  async queue(ctx: RequestContext, q: AccountingQueueQueryDto): Promise<Page<AccountingRequestDto>> {
    const page = await this.list([], q, 'due_at, id');
    const patients = [...new Set(page.items.map((i) => i.patientId))];
    const events: AuditEventInput[] = patients.length
      ? patients.map((patientId) => ({
          ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'accounting-request', patientId, purposeOfUse: 'DISCLOSURE',
          details: { view: 'accounting-queue', accountingRequestIds: page.items.filter((i) => i.patientId === patientId).map((i) => i.id) },
        }))
      : [{ ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'accounting-request', purposeOfUse: 'DISCLOSURE', details: { view: 'accounting-queue', results: 0 } }];
    await Promise.all(events.map((e) => this.audit.append(e)));
    return page;
  }

  async read(ctx: RequestContext, id: number): Promise<AccountingRequestDto> {
    const row = await this.find(this.db, id);
    const patientId = await this.requireOwnerOrStaff(ctx, row);
    const staff = ctx.user.permissions.has('roi:process');
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'accounting-request', resourceId: id, patientId,
      purposeOfUse: staff ? 'DISCLOSURE' : ctx.purposeOfUse, details: { status: row.status },
    });
    return this.withDelivery(this.db, this.toDto(row, this.clock.nowIso()));
  }

  /** extend (once, before the due date) or fulfil (the accounting of the six years before the request is stored with it). */
  async transition(ctx: RequestContext, id: number, dto: AccountingTransitionDto): Promise<AccountingRequestDto> {
    if (dto.action === 'extend') {
      const problems = [];
      if (!dto.reason) problems.push({ field: 'reason', problems: ['is required to extend: the reasons for the delay, in writing (164.528(c)(1)(ii))'] });
      if (dto.extensionDays === undefined) problems.push({ field: 'extensionDays', problems: ['is required to extend'] });
      if (problems.length) throw new InvalidInput(problems);
    } else if (dto.extensionDays !== undefined) {
      throw InvalidInput.field('extensionDays', 'is only allowed with action extend');
    }
    const first = await this.find(this.db, id);
    const patientId = Number(first.patient_id);
    await this.policy.require(ctx, 'disclosure:read', patientId, { resourceType: 'accounting-request', resourceId: id });
    return this.db.transaction(async (tx) => {
      const before = await this.find(tx, id);
      if (Number(before.version) !== dto.version) throw new Conflict(`accounting request ${id} was changed by someone else (version ${before.version}, you sent ${dto.version})`);
      const now = this.clock.nowIso();
      const next = nextAccountingState({ status: before.status, dueAt: before.due_at, extended: bool(before.extended) }, dto.action, dto.extensionDays ?? null, now);
      if (!next.ok) throw new Conflict(next.conflict, { status: before.status });
      const sets: [string, SqlParam][] = [['status', next.status], ['due_at', next.dueAt]];
      if (dto.action === 'extend') sets.push(['extended', true], ['extension_reason', dto.reason!]);
      else {
        const period = before.period_from && before.period_to ? { from: before.period_from, to: before.period_to } : undefined;
        const accounting = await this.disclosures.accounting(patientId, new Date(before.received_at), { period, at: now });
        sets.push(['fulfilled_at', now], ['fulfilled_by', ctx.user.id], ['accounting_json', JSON.stringify(accounting)]);
      }
      await this.update(tx, id, dto.version, sets);
      const after = await this.find(tx, id);
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'update', outcome: 'success', resourceType: 'accounting-request', resourceId: id, patientId, purposeOfUse: 'DISCLOSURE',
        details: { action: dto.action, from: before.status, to: after.status, dueAt: after.due_at, late: next.late || undefined, version: Number(after.version) },
      }]);
      return this.withDelivery(tx, this.toDto(after, now));
    });
  }

  /**
   * POST /accounting-requests/:id/fee-decision: the individual (or ROI staff for them) answers the fee notice
   * (164.528(c)(2)): accept (charged), withdraw (nothing charged), or narrow the period (re-quoted, waits again).
   */
  async feeDecision(ctx: RequestContext, id: number, dto: FeeDecisionDto): Promise<AccountingRequestDto> {
    const first = await this.find(this.db, id);
    const patientId = await this.requireOwnerOrStaff(ctx, first);
    const original = { from: first.period_from!, to: first.period_to! };
    let narrowed: { from: string; to: string } | undefined;
    if (dto.decision === 'narrow') {
      narrowed = {
        from: !dto.periodFrom ? original.from : dto.periodFrom === original.from.slice(0, 10) ? original.from : `${dto.periodFrom}T00:00:00.000Z`,
        to: !dto.periodTo ? original.to : dto.periodTo === original.to.slice(0, 10) ? original.to : `${dto.periodTo}T23:59:59.999Z`,
      };
      const problems = narrowProblems({ from: dto.periodFrom ? narrowed.from : null, to: dto.periodTo ? narrowed.to : null }, original);
      if (problems.length) throw new InvalidInput(problems);
    } else if (dto.periodFrom || dto.periodTo) {
      throw InvalidInput.field(dto.periodFrom ? 'periodFrom' : 'periodTo', 'is only allowed with decision narrow');
    }
    return this.db.transaction(async (tx) => {
      const before = await this.find(tx, id);
      if (Number(before.version) !== dto.version) throw new Conflict(`accounting request ${id} was changed by someone else (version ${before.version}, you sent ${dto.version})`);
      const next = nextFeeDecision(before.status, Number(before.fee_quoted_cents ?? 0), this.settings.accountingFeeCents, dto.decision, narrowed);
      if (!next.ok) throw new Conflict(next.conflict, { status: before.status });
      const now = this.clock.nowIso();
      const sets: [string, SqlParam][] = [
        ['status', next.status], ['fee_cents', next.feeCents], ['fee_quoted_cents', next.quotedCents], ['fee_decision', dto.decision], ['fee_decided_at', now],
        ...(narrowed ? ([['period_from', narrowed.from], ['period_to', narrowed.to]] as [string, SqlParam][]) : []),
      ];
      await this.update(tx, id, dto.version, sets);
      const after = await this.find(tx, id);
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'update', outcome: 'success', resourceType: 'accounting-request', resourceId: id, patientId,
        details: { action: 'fee-decision', decision: dto.decision, from: before.status, to: after.status, feeCents: next.feeCents, quotedCents: next.quotedCents, version: Number(after.version) },
      }]);
      return this.withDelivery(tx, this.toDto(after, now));
    });
  }

  /** ROI staff (disclosure:read on the patient) or the patient the request belongs to; answers the patient id. */
  private async requireOwnerOrStaff(ctx: RequestContext, row: AccountingRow): Promise<number> {
    const patientId = Number(row.patient_id);
    const target = { resourceType: 'accounting-request', resourceId: Number(row.id), patientId };
    if (ctx.user.permissions.has('roi:process')) await this.policy.require(ctx, 'disclosure:read', patientId, target);
    else if (ctx.user.role !== 'representative' && ctx.user.patientId !== patientId) await this.policy.refuse(ctx, 'a patient sees only their own accounting requests', target);
    else {
      // The patient, or their personal representative: the policy decides whether the representation is in force (164.502(g)).
      const grant = await this.policy.require(ctx, individualPermission(ctx.user, 'accounting'), patientId, target);
      if (!actsAsIndividual(grant)) await this.policy.refuse(ctx, 'a patient sees only their own accounting requests', target);
    }
    return patientId;
  }

  private async update(tx: Queryable, id: number, version: number, sets: [string, SqlParam][]): Promise<void> {
    const changed = await tx.execute(
      `UPDATE accounting_requests SET ${sets.map(([c], i) => `${c} = $${i + 1}`).join(', ')}, version = version + 1 WHERE id = $${sets.length + 1} AND version = $${sets.length + 2}`,
      [...sets.map(([, v]) => v), id, version],
    );
    if (changed !== 1) throw new Conflict(`accounting request ${id} was changed by someone else`);
  }

  /** Where the fee notice and the accounting go: the individual's alternative means or location, if any (164.522(b)). */
  private async withDelivery(q: Queryable, dto: AccountingRequestDto): Promise<AccountingRequestDto> {
    return { ...dto, deliverTo: individualNoticeDelivery(await this.communications.inForce(q, dto.patientId)) };
  }

  private async list(filters: [string, SqlParam][], q: AccountingQueueQueryDto, order: string): Promise<Page<AccountingRequestDto>> {
    const { page, pageSize, offset } = pageOf(q);
    const now = this.clock.nowIso();
    const where: string[] = [];
    const params: SqlParam[] = [];
    const add = (sql: string, v: SqlParam) => {
      params.push(v);
      where.push(sql.replace('$?', `$${params.length}`));
    };
    for (const [sql, v] of filters) add(sql, v);
    if (q.status) add('status = $?', q.status);
    if (q.overdue === 'true') add(`(status IN ('received', 'fee-notice') AND due_at < $?)`, now);
    if (q.overdue === 'false') add(`NOT (status IN ('received', 'fee-notice') AND due_at < $?)`, now);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = num((await this.db.one<{ n: unknown }>(`SELECT COUNT(*) AS n FROM accounting_requests ${filter}`, params))?.n);
    const rows = await this.db.query<AccountingRow>(
      `SELECT ${COLUMNS} FROM accounting_requests ${filter} ORDER BY ${order} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, offset],
    );
    return { items: rows.map((r) => this.toDto(r, now)), page, pageSize, total };
  }

  private async ownPatientId(ctx: RequestContext): Promise<number> {
    if (ctx.user.patientId !== null) return ctx.user.patientId;
    return this.policy.refuse(ctx, 'this account is not linked to a patient record', { resourceType: 'accounting-request' });
  }

  private async find(q: Queryable, id: number): Promise<AccountingRow> {
    const row = await q.one<AccountingRow>(`SELECT ${COLUMNS} FROM accounting_requests WHERE id = $1`, [id]);
    if (!row) throw new NotFound(`Accounting request ${id}`);
    return row;
  }

  private toDto(r: AccountingRow, now: string): AccountingRequestDto {
    const open = OPEN_ACCOUNTING_STATUSES.includes(r.status);
    return {
      id: Number(r.id),
      patientId: Number(r.patient_id),
      status: r.status,
      receivedAt: r.received_at,
      dueAt: r.due_at,
      daysLeft: daysLeft(r.due_at, now, open),
      overdue: isOverdue(r.due_at, now, open),
      extended: bool(r.extended),
      extensionReason: r.extension_reason,
      feeCents: Number(r.fee_cents),
      feeBasis: r.fee_basis,
      period: { from: r.period_from, to: r.period_to },
      fulfilledAt: r.fulfilled_at,
      version: Number(r.version ?? 1),
      accounting: r.accounting_json ? (JSON.parse(r.accounting_json) as AccountingDto) : null,
      feeNotice: feeNoticeOf(r),
    };
  }
}
