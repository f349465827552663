import { Injectable } from '@nestjs/common';
import { AccessPolicyService } from '../access/access-policy.service';
import { bool, Queryable } from '../database/db';
import type { FieldProblem } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Authorization, authorizationProblems } from './authorization';
import { DeniedPart, DenialReview, reviewDecisionNotice } from './access-denial';
import { deliveryOf } from './confidential-communications';
import { ConfidentialCommunicationsRepository } from './confidential-communications.repository';
import { DenialCode, denialNotice } from './denial-grounds';
import { accountingExemption, LEGAL_BASES, LegalBasis } from './disclosure-basis';
import type { DenialDto } from './dto/denial.dto';
import type { RoiHistoryEntryDto, RoiRequestDto, RoiRequestSummaryDto } from './dto/roi-response.dto';
import type { Fee } from './fees';
import { daysLeft, isOverdue } from './roi-deadlines';
import { directionProblems } from './direction';
import { releaseBasisProblems } from './release-basis-conditions';
import { RoiRequestsRepository, RoiRow } from './roi-request.repository';
import { basisFactsOf, basisOfColumns, requestFacts, scopedRequestOfColumns, scopeOf } from './roi-scope';
import { allowedActions, isOpenStatus, RequesterKind, RoiState } from './roi-state-machine';

/** A request row read as the rules see it (pure helpers shared by intake, workflow and disclosure). */
export const kindOf = (r: RoiRow): RequesterKind => (r.requester_type === 'self' ? 'self' : 'third-party');
export const basisOf = (r: RoiRow): LegalBasis => basisOfColumns(r);
export const authorizationOf = (r: RoiRow): Authorization | null => (r.authorization_json ? (JSON.parse(r.authorization_json) as Authorization) : null);
export const recordTypesOf = (r: RoiRow): string[] => JSON.parse(r.record_types) as string[];
export const stateOf = (r: RoiRow): RoiState => ({
  status: r.status, kind: kindOf(r), dueAt: r.due_at, extended: bool(r.extended), deniedInPart: r.denial_parts_json !== null,
});
export const today = (now: string): string => now.slice(0, 10);
/** A patient's own request whose copy goes to someone else at the patient's direction (164.524(c)(3)(ii)). */
export const isDirected = (r: RoiRow): boolean => r.requester_type === 'self' && r.recipient_kind !== null && r.recipient_kind !== 'individual';

/**
 * Where the copy goes, as confidential-communications.ts deliveryOf reads it: a copy sent at the patient's
 * direction goes to the designated person at the address of the direction (164.524(c)(3)(ii)), not to the patient's
 * alternative address.
 */
export function deliveryRequestOf(r: RoiRow) {
  const directed = isDirected(r);
  return {
    requesterType: directed ? ('other' as const) : r.requester_type, requesterName: r.requester_name,
    requesterAddress: r.requester_address ?? (directed ? basisFactsOf(r).direction?.sendTo ?? null : null), format: r.delivery_format,
  };
}

/** Every ROI staff event about a patient carries this purpose of use (with the request id in its details). */
export const DISCLOSURE = 'DISCLOSURE';

const scopedRequestOf = (r: RoiRow) => scopedRequestOfColumns(r);

export function scopeOfRow(r: RoiRow) {
  return scopeOf(scopedRequestOf(r));
}

/** The request as the access policy sees it (scope and privacy approval), the same as RoiScopeRegistry answers. */
export function requestFactsOfRow(r: RoiRow) {
  return requestFacts(Number(r.id), scopedRequestOf(r));
}

export function mergeProblems(list: FieldProblem[]): FieldProblem[] {
  const m = new Map<string, string[]>();
  for (const p of list) m.set(p.field, [...(m.get(p.field) ?? []), ...p.problems]);
  return [...m].map(([field, problems]) => ({ field, problems }));
}

export function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

/** A request as the queue lists it: deadlines as of `now`, the legal basis and its accounting status. */
export function summaryOf(r: RoiRow, now: string): RoiRequestSummaryDto {
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
    recipientKind: r.recipient_kind,
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
    denial: code ? denialOf(r, code) : null,
    fee: r.fee_json ? (JSON.parse(r.fee_json) as Fee) : null,
    packageSha256: r.package_sha256,
    packageFhirSha256: r.package_fhir_sha256,
    fulfilledAt: r.fulfilled_at,
    closedAt: r.closed_at,
    createdBy: Number(r.created_by),
    privacyApproval: r.privacy_approved_at ? { by: Number(r.privacy_approved_by), at: r.privacy_approved_at, note: r.privacy_approval_note } : null,
    version: Number(r.version),
  };
}

/** The denial as the answer shows it: ground, determination, denied part, written notice, review (164.524(a), (d)). */
function denialOf(r: RoiRow, code: DenialCode): DenialDto {
  const part = r.denial_parts_json ? (JSON.parse(r.denial_parts_json) as DeniedPart) : null;
  const review = r.denial_review_json ? (JSON.parse(r.denial_review_json) as DenialReview) : null;
  return {
    code,
    reviewable: r.denial_reviewable === null ? null : bool(r.denial_reviewable),
    reason: r.denial_reason,
    determinedBy: r.denial_determined_by === null ? null : Number(r.denial_determined_by),
    partial: part !== null,
    deniedPart: part,
    notice: denialNotice(code, r.denial_reason, part !== null),
    review: review ? { ...review, notice: review.decision ? reviewDecisionNotice(review.decision, part !== null) : null } : null,
  };
}

/**
 * One request as its detail answer shows it (the summary, the authorization and its check, the actions the state
 * machine allows now, the history), and who may read it.
 */
@Injectable()
export class RoiRequestView {
  constructor(
    private readonly requests: RoiRequestsRepository,
    private readonly policy: AccessPolicyService,
    private readonly communications: ConfidentialCommunicationsRepository,
  ) {}

  async detail(q: Queryable, r: RoiRow, staff: boolean, now: string): Promise<RoiRequestDto> {
    const history: RoiHistoryEntryDto[] = (await this.requests.history(q, Number(r.id))).map((h) => ({
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
    const basisCheck = staff ? await this.basisCheck(r, now, q) : null;
    const delivery = deliveryOf(
      deliveryRequestOf(r),
      await this.communications.inForce(q, Number(r.patient_id)),
    );
    return {
      ...summaryOf(r, now), authorization: authorizationOf(r), authorizationCheck, basisFacts: basisFactsOf(r) as Record<string, unknown>, basisCheck,
      allowedActions: allowedActions(stateOf(r), now), history, delivery,
    };
  }

  /**
   * The conditions of the request's basis as of now (release-basis-conditions.ts), or of the patient's written
   * direction for a copy sent to someone else (direction.ts); null when the basis has none to check (an
   * authorization has its own check).
   */
  async basisCheck(r: RoiRow, now: string, q: Queryable): Promise<RoiRequestDto['basisCheck']> {
    const basis = basisOf(r);
    if (isDirected(r)) {
      const patientName = (await this.requests.patientName(q, Number(r.patient_id))) ?? '';
      const problems = directionProblems(basisFactsOf(r).direction, { today: today(now), recipientName: r.requester_name, patientName });
      return { valid: problems.length === 0, citation: '45 CFR 164.524(c)(3)(ii)', problems };
    }
    if (basis === 'individual' || LEGAL_BASES[basis].needsAuthorization) return null;
    const problems = releaseBasisProblems(basis, basisFactsOf(r), {
      today: today(now), recordTypes: recordTypesOf(r), dateFrom: r.date_from, dateTo: r.date_to, requesterName: r.requester_name, purpose: r.purpose,
    });
    return { valid: problems.length === 0, citation: LEGAL_BASES[basis].citation, problems };
  }

  /** 164.508(c) as of now, against this request and patient. */
  async authorizationCheck(row: RoiRow, now: string, q: Queryable): Promise<FieldProblem[]> {
    const patientName = await this.requests.patientName(q, Number(row.patient_id));
    return authorizationProblems(authorizationOf(row), {
      today: today(now), requesterName: row.requester_name, recordTypes: recordTypesOf(row), patientName: patientName ?? undefined,
    });
  }

  /** ROI staff read any request; a patient only their own request for their own record. Returns "is staff". */
  async requireReader(ctx: RequestContext, row: RoiRow): Promise<boolean> {
    if (ctx.user.permissions.has('roi:process')) return true;
    await this.policy.require(ctx, 'roi:create', Number(row.patient_id), { resourceType: 'roi-request', resourceId: Number(row.id) });
    if (row.requester_type !== 'self') {
      await this.policy.refuse(ctx, 'a patient sees the requests they filed for their own record', {
        resourceType: 'roi-request', resourceId: Number(row.id), patientId: Number(row.patient_id),
      });
    }
    return false;
  }
}
