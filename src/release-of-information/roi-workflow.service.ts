import { Injectable } from '@nestjs/common';
import { AccessPolicyService, Granted } from '../access/access-policy.service';
import type { AuditEventInput } from '../audit/audit.types';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { Conflict, InvalidInput } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Db, Queryable, SqlParam } from '../database/db';
import { AccessDenialService } from './access-denial.service';
import { authorizationInForce } from './authorization';
import { denialGround, DenialCode } from './denial-grounds';
import { LEGAL_BASES } from './disclosure-basis';
import type { PrivacyApprovalDto, RoiTransitionDto } from './dto/roi.dto';
import type { RoiRequestDto } from './dto/roi-response.dto';
import { RoiDisclosureService } from './roi-disclosure.service';
import { RoiRequestsRepository, RoiRow } from './roi-request.repository';
import { authorizationOf, basisOf, DISCLOSURE, isDirected, kindOf, pick, RoiRequestView, scopeOfRow, stateOf, today } from './roi-request.view';
import { allowedActions, isOpenStatus, nextRoiState, transitionProblems } from './roi-state-machine';

type Next = Extract<ReturnType<typeof nextRoiState>, { ok: true }>;

/**
 * The request's state machine (roi-state-machine.ts) applied: a transition is checked against the version the
 * caller read and the table of allowed actions (409 otherwise), then written with its history entry and audit rows
 * in one transaction. The fulfil transition builds the package (roi-disclosure.service.ts) in that transaction.
 */
@Injectable()
export class RoiWorkflowService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly requests: RoiRequestsRepository,
    private readonly view: RoiRequestView,
    private readonly disclosure: RoiDisclosureService,
    private readonly denials: AccessDenialService,
  ) {}

  async transition(ctx: RequestContext, id: number, dto: RoiTransitionDto): Promise<RoiRequestDto> {
    const first = await this.requests.find(this.db, id);
    const problems = transitionProblems(dto, kindOf(first));
    if (problems.length) throw new InvalidInput(problems);
    const now = this.clock.nowIso();
    // The state machine answers first, so a refused transition is a 409 whatever else would follow.
    checkTransition(first, dto, now);
    checkAuthorizationInForce(first, dto, now);
    // deny, deny-in-part: the determination and the denied part (400 naming each bad field, 164.524(a)(3), (d)(1)).
    const denial = dto.action === 'deny' || dto.action === 'deny-in-part' ? await this.denials.denialColumns(this.db, first, dto) : [];
    const conflict = separationOfDuties(first, dto, ctx.user.id);
    if (conflict) await this.policy.refuse(ctx, conflict, { resourceType: 'roi-request', resourceId: id, patientId: Number(first.patient_id) });
    // Building the package reads the record: the policy must say an open request covers the patient.
    const grant = dto.action === 'fulfil'
      ? await this.policy.require(ctx, 'clinical:read', Number(first.patient_id), { resourceType: 'roi-request', resourceId: id })
      : null;
    return this.db.transaction((tx) => this.apply(tx, ctx, id, dto, grant, now, denial));
  }

  /** Inside the transaction: the row again (a concurrent change is a 409), the action's columns, history, audit. */
  private async apply(
    tx: Queryable, ctx: RequestContext, id: number, dto: RoiTransitionDto, grant: Granted | null, now: string, denial: [string, SqlParam][],
  ): Promise<RoiRequestDto> {
    const before = await this.requests.find(tx, id);
    const next = checkTransition(before, dto, now);
    const details: Record<string, unknown> = {};
    if (dto.action === 'validate-authorization' || (dto.action === 'confirm-right-of-access' && isDirected(before))) {
      Object.assign(details, await this.validateBasis(tx, before, now));
    }
    checkAuthorizationInForce(before, dto, now);

    const sets: [string, SqlParam][] = [['status', next.to], ['updated_at', now], ...actionColumns(dto, next, now, details), ...denial];
    const events: AuditEventInput[] = [];
    if (dto.action === 'fulfil') {
      const f = await this.disclosure.fulfil(tx, ctx, before, grant!, now);
      sets.push(
        ['fulfilled_at', now], ['package_json', f.json], ['package_sha256', f.sha256], ['package_fhir_sha256', f.fhirSha256],
        ['fee_cents', f.fee.totalCents], ['fee_json', JSON.stringify(f.fee)],
      );
      Object.assign(details, { sha256: f.sha256, fhirSha256: f.fhirSha256, disclosureId: f.disclosureId, exempt: f.exempt, feeCents: f.fee.totalCents });
      events.push(f.event);
    }
    if (next.late) details.late = true;
    if (!(await this.requests.update(tx, id, dto.version, sets))) {
      throw new Conflict(`release-of-information request ${id} was changed by someone else; read it again`);
    }
    const after = await this.requests.find(tx, id);
    await this.requests.addHistory(tx, id, dto.action, before.status, after.status, dto.reason ?? null, ctx.user.id, now, details);
    events.unshift({
      ...fromContext(ctx), action: 'roi-transition', outcome: 'success', resourceType: 'roi-request', resourceId: id,
      patientId: Number(after.patient_id), purposeOfUse: DISCLOSURE, breakGlass: false,
      // Codes, states and dates only: the written reasons may carry PHI and stay in the request's history.
      details: { roiRequestId: id, action: dto.action, from: before.status, to: after.status, version: Number(after.version), ...pick(details, ['denialCode', 'determinedBy', 'extensionDays', 'dueAt', 'late', 'sha256']) },
    });
    await this.audit.appendWithin(tx, events);
    return this.view.detail(tx, after, true, now);
  }

  /**
   * The privacy officer's approval of a release from a VIP chart, or of Part 2 records to a third party: the VIP rule
   * and 42 CFR Part 2's care, for a disclosure (docs/architecture.md, section 3). Only while the request is open and
   * only where it is needed; recorded on the request, in its history and in the trail.
   */
  async approvePrivacy(ctx: RequestContext, id: number, dto: PrivacyApprovalDto): Promise<RoiRequestDto> {
    const row = await this.requests.find(this.db, id);
    if (!isOpenStatus(row.status)) throw new Conflict(`release-of-information request ${id} is ${row.status}: nothing to approve`, { status: row.status });
    const vip = await this.requestsVip(row);
    const part2 = scopeOfRow(row).part2AwaitingApproval === true;
    if (!vip && !part2 && row.privacy_approved_at === null) {
      throw new Conflict(`release-of-information request ${id} needs no approval: not a VIP chart, and no Part 2 records to a third party`, { status: row.status });
    }
    const now = this.clock.nowIso();
    return this.db.transaction(async (tx) => {
      const sets: [string, SqlParam][] = [['privacy_approved_by', ctx.user.id], ['privacy_approved_at', now], ['privacy_approval_note', dto.note], ['updated_at', now]];
      if (!(await this.requests.update(tx, id, dto.version, sets))) {
        throw new Conflict(`release-of-information request ${id} was changed by someone else; read it again`);
      }
      const after = await this.requests.find(tx, id);
      await this.requests.addHistory(tx, id, 'privacy-approval', row.status, after.status, dto.note, ctx.user.id, now, { vip, part2 });
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'roi-transition', outcome: 'success', resourceType: 'roi-request', resourceId: id,
        patientId: Number(after.patient_id), purposeOfUse: DISCLOSURE, details: { roiRequestId: id, action: 'privacy-approval', vip, part2, version: Number(after.version) },
      }]);
      return this.view.detail(tx, after, true, now);
    });
  }

  private requestsVip(row: RoiRow): Promise<boolean> {
    return this.requests.patientIsVip(Number(row.patient_id));
  }

  /**
   * validate-authorization (and confirm-right-of-access for a copy sent at the patient's direction): 164.508(c)
   * when the basis needs an authorization, else the basis's own conditions (release-basis-conditions.ts: legal
   * process, law enforcement, public health, operations; direction.ts: 164.524(c)(3)(ii)). A 400 lists every
   * missing element and changes nothing.
   */
  private async validateBasis(tx: Queryable, row: RoiRow, now: string): Promise<Record<string, string>> {
    const basis = basisOf(row);
    if (LEGAL_BASES[basis].needsAuthorization) {
      const list = await this.view.authorizationCheck(row, now, tx);
      if (list.length) throw new InvalidInput(list, `The authorization is not valid: ${list.map((p) => p.field).join(', ')}`);
      return { authorization: 'valid (45 CFR 164.508(c))' };
    }
    const check = await this.view.basisCheck(row, now, tx);
    if (check && !check.valid) {
      throw new InvalidInput(check.problems, `The ${isDirected(row) ? 'written direction' : `${basis} basis`} is not established (${check.citation}): ${check.problems.map((p) => p.field).join(', ')}`);
    }
    const notRequired = { authorization: `not required: legal basis ${basis} (${LEGAL_BASES[basis].citation})` };
    return check ? { ...notRequired, basis: `established (${check.citation})` } : notRequired;
  }
}

/** The version the caller read, and the state machine's answer for the action now (409 with the allowed actions). */
function checkTransition(row: RoiRow, dto: RoiTransitionDto, now: string): Next {
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
function checkAuthorizationInForce(row: RoiRow, dto: RoiTransitionDto, now: string): void {
  if (!['begin-review', 'approve', 'fulfil'].includes(dto.action)) return;
  if (!LEGAL_BASES[basisOf(row)].needsAuthorization || authorizationInForce(authorizationOf(row), today(now))) return;
  throw new Conflict('the authorization is no longer in force (expired or revoked, 164.508(b)(2)): deny the request (authorization-expired or authorization-revoked)', {
    status: row.status,
  });
}

/**
 * Separation of duties (HIPAA 164.308(a)(3)-(4); the issue's finding: one account created, reviewed and released a
 * chart alone): the account that logged a request does not review, approve or release it, whoever the requester
 * (a "self" request logged by staff included). A patient's own request logged by the patient is worked by any ROI
 * specialist.
 */
function separationOfDuties(row: RoiRow, dto: RoiTransitionDto, userId: number): string | null {
  if (Number(row.created_by) !== userId) return null;
  if (!['begin-review', 'approve', 'fulfil'].includes(dto.action)) return null;
  return `separation of duties: the account that logged release-of-information request ${row.id} may not ${dto.action} it; another ROI specialist must`;
}

/** The columns an action sets besides the status (fulfil's are the package's, set by the caller), noted in details. */
function actionColumns(dto: RoiTransitionDto, next: Next, now: string, details: Record<string, unknown>): [string, SqlParam][] {
  switch (dto.action) {
    case 'extend':
      details.extensionDays = dto.extensionDays;
      details.dueAt = next.dueAt;
      return [['due_at', next.dueAt], ['extended', true], ['extension_days', dto.extensionDays!], ['extension_reason', dto.reason!]];
    case 'deny':
    case 'deny-in-part': {
      const code = dto.denialCode as DenialCode;
      const reviewable = denialGround(code).reviewable;
      details.denialCode = code;
      details.reviewable = reviewable;
      if (dto.determinedBy) details.determinedBy = dto.determinedBy;
      if (dto.action === 'deny-in-part') details.deniedPart = { sections: dto.deniedSections ?? [], items: dto.deniedItems ?? [] };
      const columns: [string, SqlParam][] = [['denial_code', code], ['denial_reviewable', reviewable], ['denial_reason', dto.reason!]];
      return dto.action === 'deny' ? [...columns, ['closed_at', now]] : columns;
    }
    case 'cancel':
    case 'close':
      return [['closed_at', now]];
    default:
      return [];
  }
}
