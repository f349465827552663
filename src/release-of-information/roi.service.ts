import { Inject, Injectable } from '@nestjs/common';
import { deadlineQueueClauses } from '../common/deadline-queue';
import { AccessPolicyService, Granted } from '../access/access-policy.service';
import { limitsOf } from '../access/item-visibility';
import type { PatientFacts } from '../access/policy';
import { visibleChart } from '../records';
import type { AuditEventInput } from '../audit/audit.types';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { Conflict, FieldProblem, InvalidInput, NotFound } from '../common/errors';
import { Page, pageOf } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { bool, Db, num, Queryable, SqlParam } from '../database/db';
import { Authorization, authorizationInForce, authorizationProblems } from './authorization';
import { denialGround, denialNotice, DenialCode } from './denial-grounds';
import { accountingExemption, basisProblems, defaultLegalBasis, LEGAL_BASES, LegalBasis, RequesterType } from './disclosure-basis';
import { DisclosuresService } from './disclosures.service';
import {
  CreateRoiRequestDto, ReplaceAuthorizationDto, RoiHistoryEntryDto, RoiQueueQueryDto, RoiRequestDto, RoiRequestSummaryDto, RoiTransitionDto,
} from './dto/roi.dto';
import { computeFee, estimatePages, Fee } from './fees';
import { serializeBundle, toFhirBundle } from './fhir-bundle';
import { buildPackage, describePackage, DisclosurePackage, serializePackage } from './package-builder';
import { addDaysIso, daysLeft, isOverdue } from './roi-deadlines';
import { RECORD_TYPES, scopeOf } from './roi-scope';
import { ROI_SETTINGS, RoiSettings } from './roi-settings';
import {
  allowedActions, isOpenStatus, nextRoiState, OPEN_STATUSES, READING_STATUSES, RequesterKind, RoiState, RoiStatus, transitionProblems,
} from './roi-state-machine';
import { ScopedRecordReader } from './scoped-record-reader';

const COLUMNS = `id, patient_id, requester_type, requester_name, requester_address, purpose, record_types, date_from, date_to,
  delivery_format, authorization_json, status, received_at, due_at, extended, extension_reason, denial_code, denial_reviewable,
  fee_cents, package_sha256, fulfilled_at, closed_at, created_by, version, legal_basis, original_due_at, extension_days,
  denial_reason, fee_json, package_fhir_sha256, updated_at`;

export interface RoiRow {
  id: number;
  patient_id: number;
  requester_type: RequesterType;
  requester_name: string;
  requester_address: string | null;
  purpose: string;
  record_types: string;
  date_from: string | null;
  date_to: string | null;
  delivery_format: 'electronic' | 'paper';
  authorization_json: string | null;
  status: RoiStatus;
  received_at: string;
  due_at: string;
  extended: unknown;
  extension_reason: string | null;
  denial_code: string | null;
  denial_reviewable: unknown;
  fee_cents: number | null;
  package_sha256: string | null;
  fulfilled_at: string | null;
  closed_at: string | null;
  created_by: number;
  version: number;
  legal_basis: LegalBasis | null;
  original_due_at: string | null;
  extension_days: number | null;
  denial_reason: string | null;
  fee_json: string | null;
  package_fhir_sha256: string | null;
  updated_at: string | null;
}

/** Every ROI staff event about a patient carries this purpose of use (with the request id in its details). */
const DISCLOSURE = 'DISCLOSURE';

const kindOf = (r: RoiRow): RequesterKind => (r.requester_type === 'self' ? 'self' : 'third-party');
const basisOf = (r: RoiRow): LegalBasis => r.legal_basis ?? defaultLegalBasis(r.requester_type, r.authorization_json !== null);
const authorizationOf = (r: RoiRow): Authorization | null => (r.authorization_json ? (JSON.parse(r.authorization_json) as Authorization) : null);
const recordTypesOf = (r: RoiRow): string[] => JSON.parse(r.record_types) as string[];
const stateOf = (r: RoiRow): RoiState => ({ status: r.status, kind: kindOf(r), dueAt: r.due_at, extended: bool(r.extended) });
const today = (now: string): string => now.slice(0, 10);

export function scopeOfRow(r: RoiRow) {
  return scopeOf({
    requesterType: r.requester_type, legalBasis: basisOf(r), recordTypes: recordTypesOf(r), dateFrom: r.date_from, dateTo: r.date_to,
    authorization: authorizationOf(r),
  });
}

function mergeProblems(list: FieldProblem[]): FieldProblem[] {
  const m = new Map<string, string[]>();
  for (const p of list) m.set(p.field, [...(m.get(p.field) ?? []), ...p.problems]);
  return [...m].map(([field, problems]) => ({ field, problems }));
}

export interface PackageFile {
  body: string;
  contentType: string;
  sha256: string;
  filename: string;
}

/**
 * Release-of-information requests: intake, the queue, the state machine, the scoped read, the fulfilment (the
 * package, its hash, the fee, the accounting entry) and the download. The rules are the pure modules beside this
 * file; this service adds the access policy, the database and the audit trail. Each write and its audit rows
 * commit in one transaction; a stale version or a transition the table refuses is a 409 and changes nothing.
 */
@Injectable()
export class RoiService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly reader: ScopedRecordReader,
    private readonly disclosures: DisclosuresService,
    @Inject(ROI_SETTINGS) private readonly settings: RoiSettings,
  ) {}

  /* ---------------- intake ---------------- */

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
    const patient = await this.db.one<{ given_name: string; family_name: string }>('SELECT given_name, family_name FROM patients WHERE id = $1', [dto.patientId]);
    if (!patient) throw InvalidInput.field('patientId', 'names no patient of this organization');

    const hasAuthorization = dto.authorization !== undefined;
    const basis = dto.legalBasis ?? defaultLegalBasis(dto.requesterType, hasAuthorization);
    const problems: FieldProblem[] = basisProblems(dto.requesterType, basis, hasAuthorization).map((p) => ({ field: p.field, problems: [p.problem] }));
    if (dto.requesterType !== 'self' && !dto.requesterName) problems.push({ field: 'requesterName', problems: ['is required for a third party\'s request'] });
    if (dto.dateFrom && dto.dateTo && dto.dateFrom > dto.dateTo) problems.push({ field: 'dateTo', problems: ['must not be before dateFrom'] });
    if (problems.length) throw new InvalidInput(mergeProblems(problems));

    const requesterName = dto.requesterName ?? `${patient.given_name} ${patient.family_name}`;
    const recordTypes = RECORD_TYPES.filter((t) => dto.recordTypes.includes(t));
    const dueDays = this.settings.dueDays[dto.requesterType];
    return this.db.transaction(async (tx) => {
      const receivedAt = this.clock.nowIso();
      const dueAt = addDaysIso(receivedAt, dueDays);
      const row = (await tx.one<RoiRow>(
        `INSERT INTO roi_requests (patient_id, requester_type, requester_name, requester_address, purpose, record_types, date_from, date_to,
           delivery_format, authorization_json, status, received_at, due_at, extended, created_by, version, legal_basis, original_due_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'received', $11, $12, $13, $14, 1, $15, $12, $11) RETURNING ${COLUMNS}`,
        [
          dto.patientId, dto.requesterType, requesterName, dto.requesterAddress ?? null, dto.purpose, JSON.stringify(recordTypes),
          dto.dateFrom ?? null, dto.dateTo ?? null, dto.format, hasAuthorization ? JSON.stringify(dto.authorization) : null,
          receivedAt, dueAt, false, ctx.user.id, basis,
        ],
      ))!;
      await this.history(tx, row, 'receive', 'new', 'received', null, ctx.user.id, receivedAt, { dueDays, legalBasis: basis });
      await this.audit.appendWithin(tx, [
        {
          ...fromContext(ctx), action: 'create', outcome: 'success', resourceType: 'roi-request', resourceId: Number(row.id),
          patientId: dto.patientId, purposeOfUse: staff ? DISCLOSURE : ctx.purposeOfUse, breakGlass: grant?.breakGlass ?? false,
          details: { roiRequestId: Number(row.id), requesterType: dto.requesterType, legalBasis: basis, recordTypes, format: dto.format, dueAt, byPatient: !staff },
        },
      ]);
      return this.detail(tx, row, staff, receivedAt);
    });
  }

  /* ---------------- queue and detail ---------------- */

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
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = num((await this.db.one<{ n: unknown }>(`SELECT COUNT(*) AS n FROM roi_requests ${filter}`, params))?.n);
    const rows = await this.db.query<RoiRow>(
      `SELECT ${COLUMNS} FROM roi_requests ${filter} ORDER BY due_at, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, offset],
    );
    // The queue shows several patients' requests: each patient's access log gets its own row.
    const byPatient = new Map<number, number[]>();
    for (const r of rows) byPatient.set(Number(r.patient_id), [...(byPatient.get(Number(r.patient_id)) ?? []), Number(r.id)]);
    const filters = { status: q.status ?? null, overdue: q.overdue ?? null, patientId: q.patientId ?? null, requesterType: q.requesterType ?? null, page, pageSize };
    const events: AuditEventInput[] = byPatient.size
      ? [...byPatient].map(([patientId, ids]) => ({
          ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'roi-request', resourceId: ids.length === 1 ? ids[0] : null,
          patientId, purposeOfUse: DISCLOSURE, details: { view: 'roi-queue', roiRequestIds: ids, filters },
        }))
      : [{ ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'roi-request', purposeOfUse: DISCLOSURE, details: { view: 'roi-queue', results: 0, filters } }];
    await Promise.all(events.map((e) => this.audit.append(e)));
    return { items: rows.map((r) => this.summary(r, now)), page, pageSize, total };
  }

  /** One request with its history: ROI staff, or the patient for their own request. */
  async read(ctx: RequestContext, id: number): Promise<RoiRequestDto> {
    const row = await this.find(this.db, id);
    const staff = await this.requireReader(ctx, row);
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'roi-request', resourceId: id, patientId: Number(row.patient_id),
      purposeOfUse: staff ? DISCLOSURE : ctx.purposeOfUse, details: { roiRequestId: id, status: row.status },
    });
    return this.detail(this.db, row, staff, this.clock.nowIso());
  }

  /** The patient's own requests, newest first. */
  async mine(ctx: RequestContext, q: RoiQueueQueryDto): Promise<Page<RoiRequestSummaryDto>> {
    const patientId = ctx.user.patientId;
    if (patientId === null) return this.policy.refuse(ctx, 'this account is not linked to a patient record', { resourceType: 'roi-request' });
    await this.policy.require(ctx, 'self:record', patientId, { resourceType: 'roi-request' });
    const { page, pageSize, offset } = pageOf(q);
    const total = num((await this.db.one<{ n: unknown }>(`SELECT COUNT(*) AS n FROM roi_requests WHERE patient_id = $1 AND requester_type = 'self'`, [patientId]))?.n);
    const rows = await this.db.query<RoiRow>(
      `SELECT ${COLUMNS} FROM roi_requests WHERE patient_id = $1 AND requester_type = 'self' ORDER BY received_at DESC, id DESC LIMIT $2 OFFSET $3`,
      [patientId, pageSize, offset],
    );
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'roi-request', patientId, details: { view: 'own-roi-requests', results: rows.length },
    });
    const now = this.clock.nowIso();
    return { items: rows.map((r) => this.summary(r, now)), page, pageSize, total };
  }

  /* ---------------- the state machine ---------------- */

  async transition(ctx: RequestContext, id: number, dto: RoiTransitionDto): Promise<RoiRequestDto> {
    const first = await this.find(this.db, id);
    const problems = transitionProblems(dto, kindOf(first));
    if (problems.length) throw new InvalidInput(problems);
    const now = this.clock.nowIso();
    // The state machine answers first, so a refused transition is a 409 whatever else would follow.
    this.checkTransition(first, dto, now);
    this.checkAuthorizationInForce(first, dto, now);
    // Building the package reads the record: the policy must say an open request covers the patient.
    const grant = dto.action === 'fulfil'
      ? await this.policy.require(ctx, 'clinical:read', Number(first.patient_id), { resourceType: 'roi-request', resourceId: id })
      : null;

    return this.db.transaction(async (tx) => {
      const before = await this.find(tx, id);
      const next = this.checkTransition(before, dto, now);
      const basis = basisOf(before);
      const details: Record<string, unknown> = {};
      if (dto.action === 'validate-authorization') {
        if (LEGAL_BASES[basis].needsAuthorization) {
          const list = await this.authorizationCheck(before, now, tx);
          if (list.length) throw new InvalidInput(list, `The authorization is not valid: ${list.map((p) => p.field).join(', ')}`);
          details.authorization = 'valid (45 CFR 164.508(c))';
        } else {
          details.authorization = `not required: legal basis ${basis} (${LEGAL_BASES[basis].citation})`;
        }
      }
      this.checkAuthorizationInForce(before, dto, now);

      const sets: [string, SqlParam][] = [['status', next.to], ['updated_at', now]];
      const events: AuditEventInput[] = [];
      switch (dto.action) {
        case 'extend':
          sets.push(['due_at', next.dueAt], ['extended', true], ['extension_days', dto.extensionDays!], ['extension_reason', dto.reason!]);
          details.extensionDays = dto.extensionDays;
          details.dueAt = next.dueAt;
          break;
        case 'deny': {
          const code = dto.denialCode as DenialCode;
          const reviewable = denialGround(code).reviewable;
          sets.push(['denial_code', code], ['denial_reviewable', reviewable], ['denial_reason', dto.reason!], ['closed_at', now]);
          details.denialCode = code;
          details.reviewable = reviewable;
          break;
        }
        case 'cancel':
        case 'close':
          sets.push(['closed_at', now]);
          break;
        case 'fulfil': {
          const f = await this.fulfil(tx, ctx, before, grant!, now);
          sets.push(
            ['fulfilled_at', now], ['package_json', f.json], ['package_sha256', f.sha256], ['package_fhir_sha256', f.fhirSha256],
            ['fee_cents', f.fee.totalCents], ['fee_json', JSON.stringify(f.fee)],
          );
          Object.assign(details, { sha256: f.sha256, fhirSha256: f.fhirSha256, disclosureId: f.disclosureId, exempt: f.exempt, feeCents: f.fee.totalCents });
          events.push(f.event);
          break;
        }
        default:
          break;
      }
      if (next.late) details.late = true;
      const params: SqlParam[] = sets.map(([, v]) => v);
      params.push(id, dto.version);
      const changed = await tx.execute(
        `UPDATE roi_requests SET ${sets.map(([c], i) => `${c} = $${i + 1}`).join(', ')}, version = version + 1
          WHERE id = $${params.length - 1} AND version = $${params.length}`,
        params,
      );
      if (changed !== 1) throw new Conflict(`release-of-information request ${id} was changed by someone else; read it again`);
      const after = await this.find(tx, id);
      await this.history(tx, after, dto.action, before.status, after.status, dto.reason ?? null, ctx.user.id, now, details);
      events.unshift({
        ...fromContext(ctx), action: 'roi-transition', outcome: 'success', resourceType: 'roi-request', resourceId: id,
        patientId: Number(after.patient_id), purposeOfUse: DISCLOSURE, breakGlass: false,
        // Codes, states and dates only: the written reasons may carry PHI and stay in the request's history.
        details: { roiRequestId: id, action: dto.action, from: before.status, to: after.status, version: Number(after.version), ...pick(details, ['denialCode', 'extensionDays', 'dueAt', 'late', 'sha256']) },
      });
      await this.audit.appendWithin(tx, events);
      return this.detail(tx, after, true, now);
    });
  }

  /** The corrected authorization, before it is validated (the request keeps its receipt date and deadline). */
  async replaceAuthorization(ctx: RequestContext, id: number, dto: ReplaceAuthorizationDto): Promise<RoiRequestDto> {
    return this.db.transaction(async (tx) => {
      const before = await this.find(tx, id);
      if (Number(before.version) !== dto.version) throw new Conflict(`release-of-information request ${id} was changed by someone else (version ${before.version}, you sent ${dto.version})`);
      if (!LEGAL_BASES[basisOf(before)].needsAuthorization) {
        throw InvalidInput.field('authorization', `the request's legal basis (${basisOf(before)}) takes no authorization`);
      }
      if (!['received', 'identity-verified'].includes(before.status)) {
        throw new Conflict(`the authorization can be replaced only before it is validated; the request is ${before.status}`, { status: before.status });
      }
      const now = this.clock.nowIso();
      const changed = await tx.execute(
        'UPDATE roi_requests SET authorization_json = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4',
        [JSON.stringify(dto.authorization), now, id, dto.version],
      );
      if (changed !== 1) throw new Conflict(`release-of-information request ${id} was changed by someone else`);
      const after = await this.find(tx, id);
      await this.history(tx, after, 'replace-authorization', before.status, after.status, null, ctx.user.id, now, null);
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'update', outcome: 'success', resourceType: 'roi-request', resourceId: id, patientId: Number(after.patient_id),
        purposeOfUse: DISCLOSURE, details: { roiRequestId: id, field: 'authorization', version: Number(after.version) },
      }]);
      return this.detail(tx, after, true, now);
    });
  }

  /* ---------------- scoped read and package ---------------- */

  /**
   * The records the request covers, exactly as the package would carry them (GET /roi/requests/:id/records), for
   * the review. Only from the start of the review until the request is closed, only inside its scope; audited as a read with
   * purpose DISCLOSURE and the request id.
   */
  async records(ctx: RequestContext, id: number) {
    const row = await this.find(this.db, id);
    const patientId = Number(row.patient_id);
    const target = { resourceType: 'record', resourceId: patientId, patientId };
    if (!(READING_STATUSES as readonly string[]).includes(row.status)) {
      await this.policy.refuse(ctx, `release-of-information request ${id} is ${row.status}; its records are read only from the start of its review until it is closed`, target);
    }
    const now = this.clock.nowIso();
    if (LEGAL_BASES[basisOf(row)].needsAuthorization && !authorizationInForce(authorizationOf(row), today(now))) {
      await this.policy.refuse(ctx, `the authorization of release-of-information request ${id} is no longer in force (expired or revoked)`, target);
    }
    const grant = await this.policy.require(ctx, 'clinical:read', patientId, target);
    const pkg = await this.assemble(this.db, ctx, row, grant.facts, now);
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'record', resourceId: patientId, patientId, purposeOfUse: DISCLOSURE,
      details: { roiRequestId: id, view: 'release-of-information', counts: pkg.counts },
    });
    return {
      requestId: id, patientId, scope: pkg.scope, counts: pkg.counts, withheld: pkg.withheld, notices: pkg.notices, ...pkg.records,
      access: { reasons: grant.reasons, roiRequestId: id },
    };
  }

  /**
   * The disclosed package, as stored at fulfilment (format=json, the hashed bytes) or as a FHIR R4 Bundle. ROI staff
   * while the request is fulfilled (delivery); the patient, for their own request, at any time after.
   */
  async package(ctx: RequestContext, id: number, format: 'json' | 'fhir'): Promise<PackageFile> {
    const row = await this.find(this.db, id);
    const patientId = Number(row.patient_id);
    const staff = await this.requireReader(ctx, row);
    const target = { resourceType: 'roi-package', resourceId: id, patientId };
    if (!['fulfilled', 'closed'].includes(row.status)) {
      throw new Conflict(`release-of-information request ${id} is ${row.status}: the package exists once it is fulfilled`, { status: row.status });
    }
    if (staff && row.status === 'closed') {
      await this.policy.refuse(ctx, `release-of-information request ${id} is closed: its package was delivered and is no longer open to ROI staff`, target);
    }
    // The package is the patient's records: ROI staff get it only while an open request covers the patient.
    if (staff) await this.policy.require(ctx, 'clinical:read', patientId, target);
    const stored = await this.db.one<{ package_json: string | null }>('SELECT package_json FROM roi_requests WHERE id = $1', [id]);
    const json = stored!.package_json!;
    let file: PackageFile;
    if (format === 'fhir') {
      const bundle = serializeBundle(toFhirBundle(JSON.parse(json) as DisclosurePackage, row.package_sha256!));
      file = { body: bundle.json, contentType: 'application/fhir+json; charset=utf-8', sha256: bundle.sha256, filename: `roi-request-${id}.fhir.json` };
    } else {
      file = { body: json, contentType: 'application/json; charset=utf-8', sha256: row.package_sha256!, filename: `roi-request-${id}.json` };
    }
    await this.audit.append({
      ...fromContext(ctx), action: 'export', outcome: 'success', resourceType: 'roi-package', resourceId: id, patientId,
      purposeOfUse: staff ? DISCLOSURE : ctx.purposeOfUse, details: { roiRequestId: id, format, sha256: file.sha256 },
    });
    return file;
  }

  /* ---------------- internals ---------------- */

  /** Fulfilment, inside the transition's transaction: build, hash, price, and record the disclosure. */
  private async fulfil(tx: Queryable, ctx: RequestContext, row: RoiRow, grant: Granted, now: string) {
    const pkg = await this.assemble(tx, ctx, row, grant.facts, now);
    const { json, sha256 } = serializePackage(pkg);
    const fhir = serializeBundle(toFhirBundle(pkg, sha256));
    const notes = (pkg.records.notes ?? []).map((n) => String(n.text ?? '').length);
    const structured = RECORD_TYPES.filter((t) => t !== 'notes').reduce((n, t) => n + (pkg.counts[t] ?? 0), 0);
    const fee = computeFee(this.settings.fees, row.requester_type, row.delivery_format, estimatePages(structured, notes));
    const basis = basisOf(row);
    const { exempt, exemption } = accountingExemption(basis);
    const disclosureId = await this.disclosures.record(tx, {
      patientId: Number(row.patient_id), roiRequestId: Number(row.id), disclosedAt: now, recipientName: row.requester_name,
      recipientAddress: row.requester_address, description: describePackage(pkg), purpose: row.purpose, exempt, exemption, recordedBy: ctx.user.id,
    });
    const event: AuditEventInput = {
      ...fromContext(ctx), action: 'disclose', outcome: 'success', resourceType: 'roi-package', resourceId: Number(row.id),
      patientId: Number(row.patient_id), purposeOfUse: DISCLOSURE,
      details: {
        roiRequestId: Number(row.id), legalBasis: basis, requesterType: row.requester_type, sha256, fhirSha256: fhir.sha256, counts: pkg.counts,
        disclosureId, exempt,
      },
    };
    return { json, sha256, fhirSha256: fhir.sha256, fee, disclosureId, exempt, event };
  }

  /**
   * Reads the scope and builds the package: each item passes the item-visibility rule as the ROI specialist holding
   * this request (its scope in the policy facts), the same rule as every other answer that carries chart items.
   */
  private async assemble(q: Queryable, ctx: RequestContext, row: RoiRow, facts: PatientFacts, now: string): Promise<DisclosurePackage> {
    const scope = scopeOfRow(row);
    const rows = await this.reader.read(q, Number(row.patient_id), scope);
    if (!rows.patient) throw new NotFound(`Patient ${row.patient_id}`);
    const caller = this.policy.callerFor(ctx.user, { ...facts, roiRequest: { id: Number(row.id), scope } });
    return buildPackage({
      request: {
        id: Number(row.id), requesterType: row.requester_type, requesterName: row.requester_name, requesterAddress: row.requester_address,
        purpose: row.purpose, legalBasis: basisOf(row), format: row.delivery_format,
      },
      scope, patient: rows.patient, records: visibleChart(caller, rows.chart, scope.recordTypes as typeof RECORD_TYPES[number][]),
      limits: limitsOf(caller), generatedAt: now, generatedBy: { userId: ctx.user.id, username: ctx.user.username },
    });
  }

  private checkTransition(row: RoiRow, dto: RoiTransitionDto, now: string) {
    if (Number(row.version) !== dto.version) {
      throw new Conflict(`release-of-information request ${row.id} was changed by someone else (version ${row.version}, you sent ${dto.version}); read it again`, {
        status: row.status, version: Number(row.version),
      });
    }
    const next = nextRoiState(stateOf(row), dto, now);
    if (!next.ok) throw new Conflict(next.conflict, { status: row.status, allowedActions: allowedActions(stateOf(row), now) });
    return next;
  }

  /** An authorization that expired or was revoked after validation stops the request short of the disclosure (409). */
  private checkAuthorizationInForce(row: RoiRow, dto: RoiTransitionDto, now: string): void {
    if (!['begin-review', 'approve', 'fulfil'].includes(dto.action)) return;
    if (!LEGAL_BASES[basisOf(row)].needsAuthorization || authorizationInForce(authorizationOf(row), today(now))) return;
    throw new Conflict('the authorization is no longer in force (expired or revoked, 164.508(b)(2)): deny the request (authorization-expired or authorization-revoked)', {
      status: row.status,
    });
  }

  /** 164.508(c) as of now, against this request and patient. */
  private async authorizationCheck(row: RoiRow, now: string, q: Queryable = this.db): Promise<FieldProblem[]> {
    const p = await q.one<{ given_name: string; family_name: string }>('SELECT given_name, family_name FROM patients WHERE id = $1', [row.patient_id]);
    return authorizationProblems(authorizationOf(row), {
      today: today(now), requesterName: row.requester_name, recordTypes: recordTypesOf(row), patientName: p ? `${p.given_name} ${p.family_name}` : undefined,
    });
  }

  /** ROI staff read any request; a patient only their own request for their own record. Returns "is staff". */
  private async requireReader(ctx: RequestContext, row: RoiRow): Promise<boolean> {
    if (ctx.user.permissions.has('roi:process')) return true;
    await this.policy.require(ctx, 'roi:create', Number(row.patient_id), { resourceType: 'roi-request', resourceId: Number(row.id) });
    if (row.requester_type !== 'self') {
      await this.policy.refuse(ctx, 'a patient sees the requests they filed for their own record', {
        resourceType: 'roi-request', resourceId: Number(row.id), patientId: Number(row.patient_id),
      });
    }
    return false;
  }

  private async find(q: Queryable, id: number): Promise<RoiRow> {
    const row = await q.one<RoiRow>(`SELECT ${COLUMNS} FROM roi_requests WHERE id = $1`, [id]);
    if (!row) throw new NotFound(`Release-of-information request ${id}`);
    return row;
  }

  private async history(
    tx: Queryable, row: RoiRow, action: string, from: string, to: string, reason: string | null, actor: number, at: string,
    details: Record<string, unknown> | null,
  ): Promise<void> {
    await tx.execute(
      'INSERT INTO roi_transitions (request_id, action, from_status, to_status, reason, actor_user_id, at, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [row.id, action, from, to, reason, actor, at, details && Object.keys(details).length ? JSON.stringify(details) : null],
    );
  }

  private summary(r: RoiRow, now: string): RoiRequestSummaryDto {
    const open = isOpenStatus(r.status);
    const code = r.denial_code as DenialCode | null;
    return {
      id: Number(r.id),
      patientId: Number(r.patient_id),
      requesterType: r.requester_type,
      requesterName: r.requester_name,
      requesterAddress: r.requester_address,
      purpose: r.purpose,
      legalBasis: basisOf(r),
      accounting: accountingExemption(basisOf(r)),
      recordTypes: recordTypesOf(r),
      dateFrom: r.date_from,
      dateTo: r.date_to,
      format: r.delivery_format,
      status: r.status,
      receivedAt: r.received_at,
      dueAt: r.due_at,
      originalDueAt: r.original_due_at ?? r.due_at,
      daysLeft: daysLeft(r.due_at, now, open),
      overdue: isOverdue(r.due_at, now, open),
      extended: bool(r.extended),
      extensionDays: r.extension_days === null ? null : Number(r.extension_days),
      extensionReason: r.extension_reason,
      denial: code
        ? { code, reviewable: r.denial_reviewable === null ? null : bool(r.denial_reviewable), reason: r.denial_reason, notice: denialNotice(code, r.denial_reason) }
        : null,
      fee: r.fee_json ? (JSON.parse(r.fee_json) as Fee) : null,
      packageSha256: r.package_sha256,
      packageFhirSha256: r.package_fhir_sha256,
      fulfilledAt: r.fulfilled_at,
      closedAt: r.closed_at,
      createdBy: Number(r.created_by),
      version: Number(r.version),
    };
  }

  private async detail(q: Queryable, r: RoiRow, staff: boolean, now: string): Promise<RoiRequestDto> {
    const rows = await q.query<{
      action: string; from_status: string; to_status: string; reason: string | null; actor_user_id: number; username: string | null;
      display_name: string | null; at: string; details: string | null;
    }>(
      `SELECT t.action, t.from_status, t.to_status, t.reason, t.actor_user_id, u.username, u.display_name, t.at, t.details
         FROM roi_transitions t LEFT JOIN users u ON u.id = t.actor_user_id WHERE t.request_id = $1 ORDER BY t.id`,
      [r.id],
    );
    const history: RoiHistoryEntryDto[] = rows.map((h) => ({
      action: h.action,
      from: h.from_status === 'new' ? null : h.from_status,
      to: h.to_status,
      reason: h.reason,
      actor: { id: Number(h.actor_user_id), username: h.username, displayName: h.display_name },
      at: h.at,
      details: h.details ? (JSON.parse(h.details) as Record<string, unknown>) : null,
    }));
    let authorizationCheck: RoiRequestDto['authorizationCheck'] = null;
    if (staff && LEGAL_BASES[basisOf(r)].needsAuthorization) {
      const problems = await this.authorizationCheck(r, now, q);
      authorizationCheck = { valid: problems.length === 0, problems };
    }
    return {
      ...this.summary(r, now),
      authorization: authorizationOf(r),
      authorizationCheck,
      allowedActions: allowedActions(stateOf(r), now),
      history,
    };
  }
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}
