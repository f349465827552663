import { Injectable } from '@nestjs/common';
import { AccessPolicyService } from '../access/access-policy.service';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { UsersRepository } from '../auth/users.repository';
import { Clock } from '../common/clock';
import { Conflict, FieldProblem, InvalidInput } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { bool, Db, Queryable, SqlParam } from '../database/db';
import {
  DeniedPart, DenialFacts, isLicensedProfessional, LICENSED_PROFESSIONAL_ROLES, DenialReview, deniedPartProblems, determinationProblems, reviewDecisionConflict, reviewDecisionNotice, reviewerConflict,
  reviewRequestConflict, statusAfterReversal,
} from './access-denial';
import { DenialCode } from './denial-grounds';
import type { DenialReviewDecisionDto, RequestDenialReviewDto, RoiTransitionDto } from './dto/roi.dto';
import type { RoiRequestDto } from './dto/roi-response.dto';
import { RoiRequestsRepository, RoiRow } from './roi-request.repository';
import { DISCLOSURE, RoiRequestView, scopeOfRow } from './roi-request.view';
import { ScopedRecordReader } from './scoped-record-reader';

/** The denial facts of a request row, as the pure rules of access-denial.ts take them. */
export function denialFactsOf(r: RoiRow): DenialFacts {
  return {
    code: r.denial_code as DenialCode | null,
    reviewable: r.denial_reviewable !== null && bool(r.denial_reviewable),
    determinedBy: r.denial_determined_by === null ? null : Number(r.denial_determined_by),
    review: r.denial_review_json ? (JSON.parse(r.denial_review_json) as DenialReview) : null,
  };
}

export const deniedPartOf = (r: RoiRow): DeniedPart | null => (r.denial_parts_json ? (JSON.parse(r.denial_parts_json) as DeniedPart) : null);

/**
 * Denials of the right of access (45 CFR 164.524) beyond the state machine: the licensed professional's determination
 * a reviewable ground rests on, the part denied by deny-in-part (the rest is released, 164.524(d)(1)), and the review
 * by another licensed professional (164.524(a)(4), (d)(4)). The rules are access-denial.ts; this adds the database,
 * the users' roles and the audit trail.
 */
@Injectable()
export class AccessDenialService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly requests: RoiRequestsRepository,
    private readonly view: RoiRequestView,
    private readonly reader: ScopedRecordReader,
    private readonly users: UsersRepository,
  ) {}

  /**
   * deny and deny-in-part: 400 naming every bad field (determinedBy, deniedSections, deniedItems); otherwise the columns
   * the denial sets besides its code and reason. Called after the state machine allowed the action.
   */
  async denialColumns(q: Queryable, row: RoiRow, dto: RoiTransitionDto): Promise<[string, SqlParam][]> {
    const code = dto.denialCode as DenialCode;
    const determiner = dto.determinedBy ? ((await this.users.roleOf(q, dto.determinedBy)) ?? null) : null;
    const problems: FieldProblem[] = determinationProblems(code, dto.determinedBy, determiner);
    let part: DeniedPart | null = null;
    if (dto.action === 'deny-in-part') {
      part = { sections: dto.deniedSections ?? [], items: (dto.deniedItems ?? []).map((i) => ({ recordType: i.recordType, id: i.id })) };
      const scope = scopeOfRow(row);
      const rows = await this.reader.read(q, Number(row.patient_id), scope);
      const ids = new Map<string, Set<number>>([['encounters', new Set(rows.chart.encounters.map((e) => Number(e.id)))]]);
      for (const [type, items] of Object.entries(rows.chart.items)) ids.set(type, new Set((items ?? []).map((i) => Number(i.id))));
      problems.push(...deniedPartProblems(part, scope.recordTypes, ids));
    }
    if (problems.length) throw new InvalidInput(problems);
    return [['denial_determined_by', dto.determinedBy ?? null], ['denial_parts_json', part ? JSON.stringify(part) : null], ['denial_review_json', null]];
  }

  /** POST /roi/requests/:id/denial-review: the individual (or ROI staff for them) asks for the review of 164.524(a)(4). */
  async requestReview(ctx: RequestContext, id: number, dto: RequestDenialReviewDto): Promise<RoiRequestDto> {
    const row = await this.requests.find(this.db, id);
    const staff = await this.view.requireReader(ctx, row);
    if (!staff && dto.reviewerId !== undefined) {
      throw InvalidInput.field('reviewerId', 'the reviewing official is designated by the covered entity (164.524(d)(4)); leave it out');
    }
    const facts = denialFactsOf(row);
    const conflict = reviewRequestConflict(facts);
    if (conflict) throw new Conflict(conflict, { status: row.status });
    if (dto.reviewerId !== undefined) await this.checkReviewer(facts, dto.reviewerId, 'reviewerId');
    const now = this.clock.nowIso();
    const review: DenialReview = {
      requestedAt: now, requestedBy: ctx.user.id, note: dto.note ?? null, reviewerId: dto.reviewerId ?? null, decision: null, decidedAt: null, reason: null,
    };
    return this.save(ctx, row, dto.version, 'request-denial-review', row.status, [['denial_review_json', JSON.stringify(review)]], dto.note ?? null, {
      reviewerId: review.reviewerId,
    });
  }

  /** POST /roi/requests/:id/denial-review/decision: the reviewing official upholds or reverses; a reversal releases. */
  async decideReview(ctx: RequestContext, id: number, dto: DenialReviewDecisionDto): Promise<RoiRequestDto> {
    const row = await this.requests.find(this.db, id);
    const patientId = Number(row.patient_id);
    const facts = denialFactsOf(row);
    if (!isLicensedProfessional(ctx.user.role)) {
      await this.policy.refuse(ctx, `only a licensed health care professional (${LICENSED_PROFESSIONAL_ROLES.join(', ')}) reviews a denial of access (45 CFR 164.524(a)(4))`, {
        resourceType: 'roi-request', resourceId: id, patientId,
      });
    }
    const conflict = reviewDecisionConflict(facts, { id: ctx.user.id, role: ctx.user.role });
    if (conflict) throw new Conflict(conflict, { status: row.status });
    const now = this.clock.nowIso();
    const review: DenialReview = { ...facts.review!, reviewerId: ctx.user.id, decision: dto.decision, decidedAt: now, reason: dto.reason };
    const to = dto.decision === 'reversed' ? statusAfterReversal(row.status) : row.status;
    const sets: [string, SqlParam][] = [['denial_review_json', JSON.stringify(review)]];
    if (to !== row.status) sets.push(['status', to], ['closed_at', null]);
    return this.save(ctx, row, dto.version, 'denial-review-decision', to, sets, dto.reason, {
      decision: dto.decision, notice: reviewDecisionNotice(dto.decision, deniedPartOf(row) !== null),
    });
  }

  private async checkReviewer(facts: DenialFacts, reviewerId: number, field: string): Promise<void> {
    const reviewer = await this.users.roleOf(this.db, reviewerId);
    if (!reviewer || reviewer.disabled) throw InvalidInput.field(field, `user ${reviewerId} is not an active user`);
    if (!isLicensedProfessional(reviewer.role)) {
      throw InvalidInput.field(field, `user ${reviewerId} (${reviewer.role}) is not a licensed health care professional (${LICENSED_PROFESSIONAL_ROLES.join(', ')}; 164.524(a)(4))`);
    }
    const conflict = reviewerConflict(facts, { id: reviewerId, role: reviewer.role });
    if (conflict) throw new Conflict(conflict);
  }

  private async save(
    ctx: RequestContext, row: RoiRow, version: number, action: string, to: string, sets: [string, SqlParam][], reason: string | null,
    details: Record<string, unknown>,
  ): Promise<RoiRequestDto> {
    const id = Number(row.id);
    const now = this.clock.nowIso();
    return this.db.transaction(async (tx) => {
      if (!(await this.requests.update(tx, id, version, [...sets, ['updated_at', now]]))) {
        throw new Conflict(`release-of-information request ${id} was changed by someone else; read it again`, { status: row.status, version: Number(row.version) });
      }
      const after = await this.requests.find(tx, id);
      await this.requests.addHistory(tx, id, action, row.status, to, reason, ctx.user.id, now, details);
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'roi-transition', outcome: 'success', resourceType: 'roi-request', resourceId: id, patientId: Number(row.patient_id),
        purposeOfUse: DISCLOSURE, details: { roiRequestId: id, action, from: row.status, to, version: Number(after.version), ...('decision' in details ? { decision: details.decision } : {}) },
      }]);
      return this.view.detail(tx, after, ctx.user.permissions.has('roi:process'), now);
    });
  }
}
