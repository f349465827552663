import { Inject, Injectable } from '@nestjs/common';
import { AccessPolicyService, Granted } from '../access/access-policy.service';
import type { AuditEventInput } from '../audit/audit.types';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { deadlineQueueClauses } from '../common/deadline-queue';
import { Conflict, FieldProblem, InvalidInput } from '../common/errors';
import { Page, pageOf } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { Db, SqlParam } from '../database/db';
import { basisProblems, defaultLegalBasis, defaultRecipientKind, LEGAL_BASES, LegalBasis, RecipientKind } from './disclosure-basis';
import { isDirectedToThirdParty } from './direction';
import type { BasisFacts } from './release-basis-conditions';
import { CreateRoiRequestDto, ReplaceAuthorizationDto, RoiQueueQueryDto } from './dto/roi.dto';
import { RoiRequestDto, RoiRequestSummaryDto } from './dto/roi-response.dto';
import { addDaysIso } from './roi-deadlines';
import type { ReplaceBasisFactsDto } from './dto/release-basis.dto';
import { basisFactsOf } from './roi-scope';
import { RoiRequestsRepository } from './roi-request.repository';
import { basisOf, DISCLOSURE, mergeProblems, RoiRequestView, summaryOf } from './roi-request.view';
import { RECORD_TYPES } from './roi-scope';
import { ROI_SETTINGS, RoiSettings } from './roi-settings';
import { OPEN_STATUSES } from './roi-state-machine';

/**
 * Release-of-information intake: a request is logged (by ROI staff for any requester, by a patient for their own
 * record), listed in the work queue, read, and its authorization corrected before validation. Each write and its
 * audit row commit in one transaction.
 */
@Injectable()
export class RoiIntakeService {
  constructor(
    readonly db: Db,
    readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    readonly audit: AuditWriter,
    readonly requests: RoiRequestsRepository,
    readonly view: RoiRequestView,
    @Inject(ROI_SETTINGS) private readonly settings: RoiSettings,
  ) {}

  /** ROI staff log any requester's request; a patient files their own (requesterType self). */
  async create(ctx: RequestContext, dto: CreateRoiRequestDto): Promise<RoiRequestDto> {
    const staff = ctx.user.permissions.has('roi:process');
    let grant: Granted | null = null;
    if (!staff) {
      if (dto.requesterType !== 'self') {
        throw InvalidInput.field('requesterType', 'must be self: a patient files release-of-information requests for their own record');
      }
      grant = await this.policy.require(ctx, 'roi:create', dto.patientId, { resourceType: 'roi-request' });
    }
    const patientName = await this.requests.patientName(this.db, dto.patientId);
    if (!patientName) throw InvalidInput.field('patientId', 'names no patient of this organization');

    const hasAuthorization = dto.authorization !== undefined;
    // A personal representative acting as the individual (164.502(g)) receives the copy as the individual: naming
    // themselves is not a direction to a third party.
    const { recipientKind, basis, facts } = establishBasis(dto, patientName, grant?.actingFor ? ctx.user.displayName : null);
    const problems: FieldProblem[] = basisProblems({ requesterType: dto.requesterType, recipientKind, hasAuthorization, hasLegalProcess: !!dto.legalProcess }, basis)
      .map((p) => ({ field: p.field, problems: [p.problem] }));
    if (dto.requesterType !== 'self' && !dto.requesterName) problems.push({ field: 'requesterName', problems: ['is required for a third party\'s request'] });
    if (dto.dateFrom && dto.dateTo && dto.dateFrom > dto.dateTo) problems.push({ field: 'dateTo', problems: ['must not be before dateFrom'] });
    if (problems.length || basis === null) throw new InvalidInput(mergeProblems(problems));

    const recordTypes = RECORD_TYPES.filter((t) => dto.recordTypes.includes(t));
    const dueDays = this.settings.dueDays[dto.requesterType];
    return this.db.transaction(async (tx) => {
      const receivedAt = this.clock.nowIso();
      const dueAt = addDaysIso(receivedAt, dueDays);
      const row = await this.requests.insert(tx, {
        patientId: dto.patientId, requesterType: dto.requesterType, requesterName: dto.requesterName ?? patientName,
        requesterAddress: dto.requesterAddress ?? null, purpose: dto.purpose, recordTypes, dateFrom: dto.dateFrom ?? null, dateTo: dto.dateTo ?? null,
        format: dto.format, authorizationJson: hasAuthorization ? JSON.stringify(dto.authorization) : null, receivedAt, dueAt,
        createdBy: ctx.user.id, legalBasis: basis, recipientKind, basisFactsJson: Object.keys(facts).length ? JSON.stringify(facts) : null,
      });
      await this.requests.addHistory(tx, Number(row.id), 'receive', 'new', 'received', null, ctx.user.id, receivedAt, { dueDays, legalBasis: basis });
      await this.audit.appendWithin(tx, [
        {
          ...fromContext(ctx), action: 'create', outcome: 'success', resourceType: 'roi-request', resourceId: Number(row.id),
          patientId: dto.patientId, purposeOfUse: staff ? DISCLOSURE : ctx.purposeOfUse, breakGlass: grant?.breakGlass ?? false,
          details: { roiRequestId: Number(row.id), requesterType: dto.requesterType, recipientKind, legalBasis: basis, recordTypes, format: dto.format, dueAt, byPatient: !staff, actingFor: grant?.actingFor },
        },
      ]);
      const detail = await this.view.detail(tx, row, staff, receivedAt);
      // Filed by a personal representative as the individual (164.502(g)): the answer says on whose behalf.
      return grant?.actingFor ? { ...detail, actingFor: grant.actingFor } : detail;
    });
  }

  /** The ROI work queue: soonest due first, with days left; overdue=true lists open requests past their due date. */
  async queue(ctx: RequestContext, q: RoiQueueQueryDto): Promise<Page<RoiRequestSummaryDto>> {
    const { page, pageSize, offset } = pageOf(q);
    const now = this.clock.nowIso();
    const params: SqlParam[] = [];
    const where = deadlineQueueClauses(q, OPEN_STATUSES, now, params);
    if (q.patientId !== undefined) {
      params.push(q.patientId);
      where.push(`patient_id = $${params.length}`);
    }
    if (q.requesterType) {
      params.push(q.requesterType);
      where.push(`requester_type = $${params.length}`);
    }
    if (q.legalBasis) {
      params.push(q.legalBasis);
      where.push(`legal_basis = $${params.length}`);
    }
    const { rows, total } = await this.requests.page(where, params, 'due_at, id', pageSize, offset);
    // The queue shows several patients' requests: each patient's access log gets its own row.
    const byPatient = new Map<number, number[]>();
    for (const r of rows) byPatient.set(Number(r.patient_id), [...(byPatient.get(Number(r.patient_id)) ?? []), Number(r.id)]);
    const filters = { status: q.status ?? null, overdue: q.overdue ?? null, patientId: q.patientId ?? null, requesterType: q.requesterType ?? null, legalBasis: q.legalBasis ?? null, page, pageSize };
    const events: AuditEventInput[] = byPatient.size
      ? [...byPatient].map(([patientId, ids]) => ({
          ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'roi-request', resourceId: ids.length === 1 ? ids[0] : null,
          patientId, purposeOfUse: DISCLOSURE, details: { view: 'roi-queue', roiRequestIds: ids, filters },
        }))
      : [{ ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'roi-request', purposeOfUse: DISCLOSURE, details: { view: 'roi-queue', results: 0, filters } }];
    await Promise.all(events.map((e) => this.audit.append(e)));
    return { items: rows.map((r) => summaryOf(r, now)), page, pageSize, total };
  }

  /** One request with its history: ROI staff, or the patient for their own request. */
  async read(ctx: RequestContext, id: number): Promise<RoiRequestDto> {
    const row = await this.requests.find(this.db, id);
    const staff = await this.view.requireReader(ctx, row);
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'roi-request', resourceId: id, patientId: Number(row.patient_id),
      purposeOfUse: staff ? DISCLOSURE : ctx.purposeOfUse, details: { roiRequestId: id, status: row.status },
    });
    return this.view.detail(this.db, row, staff, this.clock.nowIso());
  }

  /** The patient's own requests, newest first. */
  async mine(ctx: RequestContext, q: RoiQueueQueryDto, represented?: number): Promise<Page<RoiRequestSummaryDto> & { actingFor?: unknown }> {
    const patientId = represented ?? ctx.user.patientId;
    if (patientId === null) return this.policy.refuse(ctx, 'this account is not linked to a patient record', { resourceType: 'roi-request' });
    const grant = await this.policy.require(ctx, 'self:record', patientId, { resourceType: 'roi-request' });
    const { page, pageSize, offset } = pageOf(q);
    const { rows, total } = await this.requests.page(['patient_id = $1', "requester_type = 'self'"], [patientId], 'received_at DESC, id DESC', pageSize, offset);
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'roi-request', patientId, details: { view: 'own-roi-requests', results: rows.length },
    });
    const now = this.clock.nowIso();
    const result = { items: rows.map((r) => summaryOf(r, now)), page, pageSize, total };
    return grant.actingFor ? { ...result, actingFor: grant.actingFor } : result;
  }

  /** PUT /roi/requests/:id/basis-facts (replaceBasisFacts below). */
  replaceBasisFacts(ctx: RequestContext, id: number, dto: ReplaceBasisFactsDto): Promise<RoiRequestDto> {
    return replaceBasisFacts(this, ctx, id, dto);
  }

  /** The corrected authorization, before it is validated (the request keeps its receipt date and deadline). */
  async replaceAuthorization(ctx: RequestContext, id: number, dto: ReplaceAuthorizationDto): Promise<RoiRequestDto> {
    return this.db.transaction(async (tx) => {
      const before = await this.requests.find(tx, id);
      if (Number(before.version) !== dto.version) throw new Conflict(`release-of-information request ${id} was changed by someone else (version ${before.version}, you sent ${dto.version})`);
      if (!LEGAL_BASES[basisOf(before)].needsAuthorization) {
        throw InvalidInput.field('authorization', `the request's legal basis (${basisOf(before)}) takes no authorization`);
      }
      if (!['received', 'identity-verified'].includes(before.status)) {
        throw new Conflict(`the authorization can be replaced only before it is validated; the request is ${before.status}`, { status: before.status });
      }
      const now = this.clock.nowIso();
      const ok = await this.requests.update(tx, id, dto.version, [['authorization_json', JSON.stringify(dto.authorization)], ['updated_at', now]]);
      if (!ok) throw new Conflict(`release-of-information request ${id} was changed by someone else`);
      const after = await this.requests.find(tx, id);
      await this.requests.addHistory(tx, id, 'replace-authorization', before.status, after.status, null, ctx.user.id, now, null);
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'update', outcome: 'success', resourceType: 'roi-request', resourceId: id, patientId: Number(after.patient_id),
        purposeOfUse: DISCLOSURE, details: { roiRequestId: id, field: 'authorization', version: Number(after.version) },
      }]);
      return this.view.detail(tx, after, true, now);
    });
  }
}

/**
 * The legal process desk and the intake complete the facts of the basis before validation (the documents of a
 * subpoena or order, its scope and assurances, the law enforcement path, the patient's direction). The request keeps
 * its receipt date and deadline; what is sent replaces the facts named, the others stay.
 */
export async function replaceBasisFacts(
  svc: { db: Db; clock: Clock; audit: AuditWriter; requests: RoiRequestsRepository; view: RoiRequestView }, ctx: RequestContext, id: number, dto: ReplaceBasisFactsDto,
): Promise<RoiRequestDto> {
  return svc.db.transaction(async (tx) => {
    const before = await svc.requests.find(tx, id);
    if (Number(before.version) !== dto.version) throw new Conflict(`release-of-information request ${id} was changed by someone else (version ${before.version}, you sent ${dto.version})`);
    if (!['received', 'identity-verified'].includes(before.status)) {
      throw new Conflict(`the basis's documents can be replaced only before validation; the request is ${before.status}`, { status: before.status });
    }
    const sent = Object.fromEntries((['legalProcess', 'lawEnforcement', 'publicHealth', 'operations', 'direction'] as const).filter((k) => dto[k] !== undefined).map((k) => [k, dto[k]]));
    if (!Object.keys(sent).length) throw InvalidInput.field('legalProcess', 'nothing to replace: send legalProcess, lawEnforcement, publicHealth, operations or direction');
    const now = svc.clock.nowIso();
    const facts = { ...basisFactsOf(before), ...sent };
    if (!(await svc.requests.update(tx, id, dto.version, [['basis_facts_json', JSON.stringify(facts)], ['updated_at', now]]))) {
      throw new Conflict(`release-of-information request ${id} was changed by someone else`);
    }
    const after = await svc.requests.find(tx, id);
    await svc.requests.addHistory(tx, id, 'replace-basis-facts', before.status, after.status, null, ctx.user.id, now, { fields: Object.keys(sent) });
    await svc.audit.appendWithin(tx, [{
      ...fromContext(ctx), action: 'update', outcome: 'success', resourceType: 'roi-request', resourceId: id, patientId: Number(after.patient_id),
      purposeOfUse: DISCLOSURE, details: { roiRequestId: id, fields: Object.keys(sent), version: Number(after.version) },
    }]);
    return svc.view.detail(tx, after, true, now);
  });
}

/**
 * The recipient, the basis and the facts of a new request (issue 12, item 1): the basis is established from the
 * recipient the request states and what came with it (disclosure-basis.ts). A patient's own request naming someone
 * else is a direction to send the copy there (164.524(c)(3)(ii)): its recipient is that person, never 'individual'.
 */
function establishBasis(dto: CreateRoiRequestDto, patientName: string, representativeName: string | null): { recipientKind: RecipientKind | null; basis: LegalBasis | null; facts: BasisFacts } {
  const facts: BasisFacts = {};
  for (const k of ['legalProcess', 'lawEnforcement', 'publicHealth', 'operations', 'direction'] as const) if (dto[k] !== undefined) Object.assign(facts, { [k]: dto[k] });
  let recipientKind: RecipientKind | null;
  if (dto.requesterType === 'self') {
    const directed = isDirectedToThirdParty(dto.recipientKind ?? null, dto.requesterName, patientName)
      && !(representativeName && dto.requesterName && isDirectedToThirdParty(null, dto.requesterName, representativeName) === false);
    recipientKind = directed ? (dto.recipientKind && dto.recipientKind !== 'individual' ? dto.recipientKind : 'other') : 'individual';
  } else {
    recipientKind = dto.recipientKind ?? defaultRecipientKind(dto.requesterType);
  }
  const basis = dto.legalBasis ?? defaultLegalBasis({
    requesterType: dto.requesterType, recipientKind, hasAuthorization: dto.authorization !== undefined, hasLegalProcess: !!dto.legalProcess,
  });
  return { recipientKind, basis, facts };
}
