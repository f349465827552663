import { Injectable } from '@nestjs/common';
import { Db, num } from '../database/db';

/** A break-the-glass grant as the review rules need it. */
export interface GrantRow {
  id: number;
  userId: number;
  patientId: number;
  reason: string;
  grantedAt: string;
  expiresAt: string;
  reviewedAt: string | null;
  reviewOutcome: string | null;
}

/** How the grants opened in a period were reviewed. */
export interface GrantCounts {
  uses: number;
  reviewed: number;
  justified: number;
  violations: number;
}

/**
 * Reads of the break_glass_grants table for other modules (access owns it; break-glass.service.ts writes it). It
 * needs only the database, so the audit module (which access itself depends on) can import it without a cycle.
 */
@Injectable()
export class BreakGlassGrantsRepository {
  constructor(private readonly db: Db) {}

  /** One grant with its review, or undefined. */
  async find(id: number): Promise<GrantRow | undefined> {
    const r = await this.db.one<{ id: number; user_id: number; patient_id: number; reason: string; granted_at: string; expires_at: string; reviewed_at: string | null; review_outcome: string | null }>(
      'SELECT id, user_id, patient_id, reason, granted_at, expires_at, reviewed_at, review_outcome FROM break_glass_grants WHERE id = $1',
      [id],
    );
    return r ? {
      id: Number(r.id), userId: Number(r.user_id), patientId: Number(r.patient_id), reason: r.reason, grantedAt: r.granted_at,
      expiresAt: r.expires_at, reviewedAt: r.reviewed_at, reviewOutcome: r.review_outcome,
    } : undefined;
  }

  /** Grants opened in [from, to), oldest first. */
  async grantedBetween(from: string, to: string): Promise<GrantRow[]> {
    const rows = await this.db.query<{ id: number; user_id: number; patient_id: number; reason: string; granted_at: string; expires_at: string; reviewed_at: string | null; review_outcome: string | null }>(
      `SELECT id, user_id, patient_id, reason, granted_at, expires_at, reviewed_at, review_outcome
         FROM break_glass_grants WHERE granted_at >= $1 AND granted_at < $2 ORDER BY id`,
      [from, to],
    );
    return rows.map((r) => ({
      id: Number(r.id), userId: Number(r.user_id), patientId: Number(r.patient_id), reason: r.reason, grantedAt: r.granted_at,
      expiresAt: r.expires_at, reviewedAt: r.reviewed_at, reviewOutcome: r.review_outcome,
    }));
  }

  /** Grants opened in [from, to): how many, how many reviewed, and the outcomes (the audit summary report). */
  async countsBetween(from: string, to: string): Promise<GrantCounts> {
    const row = await this.db.one<Record<keyof GrantCounts, unknown>>(
      `SELECT COUNT(*) AS uses,
              SUM(CASE WHEN reviewed_at IS NOT NULL THEN 1 ELSE 0 END) AS reviewed,
              SUM(CASE WHEN review_outcome = 'justified' THEN 1 ELSE 0 END) AS justified,
              SUM(CASE WHEN review_outcome = 'violation' THEN 1 ELSE 0 END) AS violations
         FROM break_glass_grants WHERE granted_at >= $1 AND granted_at < $2`,
      [from, to],
    );
    return { uses: num(row?.uses), reviewed: num(row?.reviewed), justified: num(row?.justified), violations: num(row?.violations) };
  }
}
