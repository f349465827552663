import { Injectable } from '@nestjs/common';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { UserName, UsersRepository } from '../auth/users.repository';
import { Clock, MINUTE_MS } from '../common/clock';
import { Conflict, NotFound } from '../common/errors';
import { Page, pageOf, PageQueryDto } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { Db, num, Queryable } from '../database/db';
import { AccessPolicyService } from './access-policy.service';
import type { BreakGlassGrantDto, BreakGlassReviewItemDto, ReviewOutcome } from './dto/break-glass.dto';

interface GrantRow {
  id: number;
  user_id: number;
  patient_id: number;
  reason: string;
  granted_at: string;
  expires_at: string;
  reviewed_at: string | null;
  reviewed_by: number | null;
  review_outcome: ReviewOutcome | null;
  review_note: string | null;
}

/**
 * One grant as stored. Who holds it, who reviewed it and how many flagged accesses it carried come from the owners
 * of users and of the audit trail, one call each per page (toItems).
 */
const GRANT_SELECT = `
  SELECT g.id, g.user_id, g.patient_id, g.reason, g.granted_at, g.expires_at, g.reviewed_at, g.reviewed_by,
         g.review_outcome, g.review_note
    FROM break_glass_grants g`;

/**
 * Break-the-glass (HIPAA emergency access procedure, 45 CFR 164.312(a)(2)(ii)): a clinician outside the care
 * relation opens a patient's chart for a limited time, with a stated reason. The grant itself opens nothing:
 * the access policy counts an unexpired grant as a temporary care relation, and every read riding on it is
 * flagged in the audit trail. A privacy officer then reviews each grant (justified or violation).
 */
@Injectable()
export class BreakGlassService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly users: UsersRepository,
    private readonly trail: AuditEventsRepository,
  ) {}

  /**
   * Opens a grant. Refused (409) when the caller needs none (care team, own record) or already holds an
   * unexpired one for this patient: a second request neither extends the first nor replaces its reason, so the
   * stated justification and the expiry stay those the reviewer sees; the 409 names the open grant and its expiry.
   */
  async grant(ctx: RequestContext, patientId: number, reason: string): Promise<BreakGlassGrantDto> {
    const user = ctx.user;
    const facts = await this.policy.patientFacts(user, patientId);
    if (!facts.exists) {
      // Probing ids is worth a trace, as the policy does for every unknown patient.
      await this.audit.append({
        ...fromContext(ctx), action: 'access-denied', outcome: 'error', reason: 'patient not found',
        resourceType: 'break-glass-grant', resourceId: null, details: { patientId },
      });
      throw new NotFound(`Patient ${patientId}`);
    }
    if (facts.careTeam || facts.ownRecord) {
      const relation = facts.careTeam ? 'the caller is on the patient\'s care team' : 'this is the caller\'s own record';
      throw new Conflict(`No break-the-glass needed for patient ${patientId}: ${relation}`, { relation: facts.careTeam ? 'care-team' : 'own-record' });
    }
    const minutes = Number(this.config.get('BREAK_GLASS_MINUTES'));
    return this.db.transaction(async (tx) => {
      await this.lockGrantsOf(tx, user.id);
      const now = this.clock.now();
      const grantedAt = now.toISOString();
      const open = await tx.one<{ id: number; expires_at: string }>(
        `SELECT id, expires_at FROM break_glass_grants WHERE user_id = $1 AND patient_id = $2 AND expires_at > $3
          ORDER BY expires_at DESC LIMIT 1`,
        [user.id, patientId, grantedAt],
      );
      if (open) {
        throw new Conflict(
          `You already hold break-the-glass grant ${open.id} for patient ${patientId} until ${open.expires_at}`,
          { grantId: Number(open.id), expiresAt: open.expires_at },
        );
      }
      const expiresAt = new Date(now.getTime() + minutes * MINUTE_MS).toISOString();
      const inserted = (await tx.one<{ id: number }>(
        `INSERT INTO break_glass_grants (user_id, patient_id, reason, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [user.id, patientId, reason, grantedAt, expiresAt],
      ))!;
      const id = Number(inserted.id);
      await this.audit.appendWithin(tx, [
        {
          ...fromContext(ctx),
          action: 'break-glass',
          outcome: 'success',
          resourceType: 'break-glass-grant',
          resourceId: id,
          patientId,
          breakGlass: true,
          purposeOfUse: 'ETREAT',
          details: { grantId: id, expiresAt, reason, minutes, vip: facts.vip },
        },
      ]);
      return { id, patientId, userId: user.id, reason, grantedAt, expiresAt };
    });
  }

  /** The review queue (reviewed=false, oldest first), the reviewed grants (latest review first), or both. */
  async list(ctx: RequestContext, q: PageQueryDto & { reviewed?: boolean }): Promise<Page<BreakGlassReviewItemDto>> {
    const { page, pageSize, offset } = pageOf(q);
    const where = q.reviewed === undefined ? '' : q.reviewed ? 'WHERE g.reviewed_at IS NOT NULL' : 'WHERE g.reviewed_at IS NULL';
    const rows = await this.db.query<GrantRow>(
      `${GRANT_SELECT} ${where}
        ORDER BY CASE WHEN g.reviewed_at IS NULL THEN 0 ELSE 1 END,
                 CASE WHEN g.reviewed_at IS NULL THEN g.granted_at END ASC,
                 g.reviewed_at DESC,
                 g.id ASC
        LIMIT $1 OFFSET $2`,
      [pageSize, offset],
    );
    const total = num((await this.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM break_glass_grants g ${where}`))?.n);
    const now = this.clock.nowIso();
    // The list shows patient ids and the clinicians' reasons: reading it leaves a trace like any search.
    await this.audit.append({
      ...fromContext(ctx), action: 'search', outcome: 'success', resourceType: 'break-glass-grant',
      purposeOfUse: ctx.purposeOfUse ?? 'HCOMPL',
      details: { reviewed: q.reviewed ?? 'all', page, results: total },
    });
    return { items: await this.toItems(rows, now), page, pageSize, total };
  }

  /**
   * Records the privacy officer's finding. Once only (409 on a second review); nobody reviews their own grant
   * (separation of duties: 403, audited like every refusal).
   */
  async review(ctx: RequestContext, grantId: number, outcome: ReviewOutcome, note: string): Promise<BreakGlassReviewItemDto> {
    const grant = await this.db.one<{ user_id: number; patient_id: number; reviewed_at: string | null }>(
      'SELECT user_id, patient_id, reviewed_at FROM break_glass_grants WHERE id = $1',
      [grantId],
    );
    if (!grant) throw new NotFound(`Break-the-glass grant ${grantId}`);
    if (Number(grant.user_id) === ctx.user.id) {
      await this.policy.refuse(ctx, 'nobody reviews their own break-the-glass grant (separation of duties)', {
        resourceType: 'break-glass-grant', resourceId: grantId, patientId: Number(grant.patient_id),
      });
    }
    const alreadyReviewed = () => new Conflict(`Break-the-glass grant ${grantId} was already reviewed`);
    if (grant.reviewed_at) throw alreadyReviewed();
    return this.db.transaction(async (tx) => {
      const at = this.clock.nowIso();
      // The condition makes the review happen once even when two reviewers submit together.
      const changed = await tx.execute(
        `UPDATE break_glass_grants SET reviewed_at = $1, reviewed_by = $2, review_outcome = $3, review_note = $4
          WHERE id = $5 AND reviewed_at IS NULL`,
        [at, ctx.user.id, outcome, note, grantId],
      );
      if (changed !== 1) throw alreadyReviewed();
      await this.audit.appendWithin(tx, [
        {
          ...fromContext(ctx),
          action: 'break-glass-review',
          outcome: 'success',
          resourceType: 'break-glass-grant',
          resourceId: grantId,
          patientId: Number(grant.patient_id),
          purposeOfUse: ctx.purposeOfUse ?? 'HCOMPL',
          details: { grantId, outcome, grantee: Number(grant.user_id) },
        },
      ]);
      const row = (await tx.one<GrantRow>(`${GRANT_SELECT} WHERE g.id = $1`, [grantId]))!;
      return (await this.toItems([row], at, tx))[0];
    });
  }

  /**
   * The rows as review items: holders and reviewers named by one call to the users' owner for the whole page, and
   * the accesses each grant carried counted by one call to the audit trail's owner (audit rows with the
   * break-glass flag, by the grantee, on the patient, while the grant lasted; the grant's own 'break-glass' row is
   * not an access to the chart). A grant whose holder has no user row is left out (user_id references users).
   */
  private async toItems(rows: GrantRow[], now: string, q?: Queryable): Promise<BreakGlassReviewItemDto[]> {
    const reviewerOf = (r: GrantRow) => (r.reviewed_by === null || r.reviewed_by === undefined ? null : Number(r.reviewed_by));
    const names = await this.users.names(rows.flatMap((r) => [Number(r.user_id), ...(reviewerOf(r) === null ? [] : [reviewerOf(r)!])]), q);
    const counts = await this.trail.breakGlassAccessCounts(
      rows.map((r) => ({ id: Number(r.id), userId: Number(r.user_id), patientId: Number(r.patient_id), grantedAt: r.granted_at, expiresAt: r.expires_at })),
      q,
    );
    return rows.flatMap((r) => {
      const holder = names.get(Number(r.user_id));
      const reviewer = reviewerOf(r);
      return holder ? [toItem(r, holder, reviewer === null ? undefined : names.get(reviewer), counts.get(Number(r.id)) ?? 0, now)] : [];
    });
  }

  /**
   * One grant decision per user at a time, so two simultaneous requests cannot both open a grant. SQLite: the
   * write transaction (BEGIN IMMEDIATE) already serializes. PostgreSQL: lock the caller's user row (NO KEY
   * UPDATE does not block rows that merely reference the user).
   */
  private async lockGrantsOf(tx: Queryable, userId: number): Promise<void> {
    await this.users.lockForUpdate(tx, userId);
  }
}

/** A reviewer without a user row (reviewed_by references users, so never in practice) is named null, as a left join would. */
const GONE = null as unknown as string;

function toItem(r: GrantRow, holder: UserName, reviewer: UserName | undefined, accessCount: number, now: string): BreakGlassReviewItemDto {
  return {
    id: Number(r.id),
    user: { id: holder.id, username: holder.username, displayName: holder.displayName, role: holder.role },
    patientId: Number(r.patient_id),
    reason: r.reason,
    grantedAt: r.granted_at,
    expiresAt: r.expires_at,
    active: r.expires_at > now,
    accessCount,
    reviewedAt: r.reviewed_at ?? null,
    reviewedBy:
      r.reviewed_by === null || r.reviewed_by === undefined
        ? null
        : { id: Number(r.reviewed_by), username: reviewer?.username ?? GONE, displayName: reviewer?.displayName ?? GONE, role: reviewer?.role ?? GONE },
    outcome: r.review_outcome ?? null,
    note: r.review_note ?? null,
  };
}
