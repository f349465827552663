import { Injectable } from '@nestjs/common';
import { nextTurn } from '../common/next-turn';
import { Db, num, Queryable } from '../database/db';

/** A row of the trail as a demo scenario names it. */
export interface TrailRowSummary {
  seq: number;
  occurred_at: string;
  actor_username: string | null;
  action: string;
  patient_id: number | null;
}

/** A break-the-glass grant as the count of the accesses made under it needs it. */
export interface GrantWindow {
  id: number;
  userId: number;
  patientId: number;
  grantedAt: string;
  expiresAt: string;
}

/** The audit summary's counts over [from, end): the (period, role, action, outcome) cube and the denial reasons. */
export interface TrailCounts {
  cube: { period: string; role: string | null; action: string; outcome: string; n: number }[];
  denialReasons: { reason: string | null; n: number }[];
  underBreakGlass: number;
}

/** Sequences per range of the audit summary's counts: a couple of milliseconds each. */
const COUNT_CHUNK = 5000;

/** Grants per statement when counting their accesses: a UNION ALL of one COUNT each (SQLite allows 500 terms). */
const GRANTS_PER_STATEMENT = 100;

/**
 * Reads of the audit trail for other modules (docs/architecture.md, section 2: audit owns audit_events and
 * audit_head; audit.writer.ts is the only writer). It needs only the database, so any module can import
 * AuditDataModule without a cycle. The audit module's own searches, exports and anomaly scans keep their SQL in
 * audit-query.service.ts, audit-export.service.ts and anomalies/.
 */
@Injectable()
export class AuditEventsRepository {
  constructor(private readonly db: Db) {}

  /** The sequence number of the newest row (0 for an empty trail). */
  async lastSeq(): Promise<number> {
    return num((await this.db.one<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM audit_events'))?.seq);
  }

  /** The chain head as stored (null when there is none). */
  async head(): Promise<{ seq: number; hash: string } | null> {
    const head = await this.db.one<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1');
    return head ? { seq: Number(head.seq), hash: head.hash } : null;
  }

  /** Rows after `afterSeq` stamped exactly `occurredAt`, in chain order (what a transaction at a fixed time wrote). */
  async seqsAt(afterSeq: number, occurredAt: string): Promise<number[]> {
    const rows = await this.db.query<{ seq: number }>('SELECT seq FROM audit_events WHERE seq > $1 AND occurred_at = $2 ORDER BY seq', [afterSeq, occurredAt]);
    return rows.map((r) => Number(r.seq));
  }

  /** The newest row matching every filter given (withPatient: only rows about a patient), or undefined. */
  async latest(f: { patientId?: number; action?: string; actorUsername?: string; withPatient?: boolean } = {}): Promise<TrailRowSummary | undefined> {
    const clauses: string[] = [];
    const params: (string | number)[] = [];
    const add = (column: string, v: string | number) => {
      params.push(v);
      clauses.push(`${column} = $${params.length}`);
    };
    if (f.patientId !== undefined) add('patient_id', f.patientId);
    if (f.action !== undefined) add('action', f.action);
    if (f.actorUsername !== undefined) add('actor_username', f.actorUsername);
    if (f.withPatient) clauses.push('patient_id IS NOT NULL');
    return this.db.one<TrailRowSummary>(
      `SELECT seq, occurred_at, actor_username, action, patient_id FROM audit_events
        ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT 1`,
      params,
    );
  }

  /** The time of the account's latest successful login after `since` (login throttling), or null. */
  async lastLoginAt(username: string, since: string): Promise<string | null> {
    const row = await this.db.one<{ at: string | null }>(
      `SELECT MAX(occurred_at) AS at FROM audit_events WHERE actor_username = $1 AND action = 'login' AND occurred_at > $2`,
      [username, since],
    );
    return row?.at ?? null;
  }

  /**
   * The times of the newest `max` failed logins of an account (by the name tried) or from an address after
   * `since`, newest first, leaving out the refusals recorded with reason `exceptReason` (login throttling).
   */
  async loginFailures(by: 'account' | 'address', value: string, since: string, exceptReason: string, max: number): Promise<string[]> {
    const column = by === 'account' ? 'actor_username' : 'client_ip';
    const rows = await this.db.query<{ occurred_at: string }>(
      `SELECT occurred_at FROM audit_events
        WHERE ${column} = $1 AND action = 'login-failed' AND occurred_at > $2 AND (reason IS NULL OR reason <> $3)
        ORDER BY occurred_at DESC LIMIT $4`,
      [value, since, exceptReason, max],
    );
    return rows.map((r) => r.occurred_at);
  }

  /**
   * For each grant, the accesses made under it: rows with the break-glass flag, by the grantee, on the patient,
   * from granted_at to expires_at, except the grant's own 'break-glass' row (not an access to the chart). One
   * statement per 100 grants (a page of the review queue is one or two); read with q inside a transaction.
   */
  async breakGlassAccessCounts(grants: readonly GrantWindow[], q: Queryable = this.db): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (let i = 0; i < grants.length; i += GRANTS_PER_STATEMENT) {
      const chunk = grants.slice(i, i + GRANTS_PER_STATEMENT);
      const params: (string | number)[] = [];
      const terms = chunk.map((g) => {
        const k = params.push(g.id, g.userId, g.patientId, g.grantedAt, g.expiresAt) - 5;
        return `SELECT CAST($${k + 1} AS integer) AS id, COUNT(*) AS n FROM audit_events
          WHERE actor_user_id = $${k + 2} AND patient_id = $${k + 3} AND break_glass = TRUE AND action <> 'break-glass'
            AND occurred_at >= $${k + 4} AND occurred_at <= $${k + 5}`;
      });
      for (const r of await q.query<{ id: number; n: unknown }>(terms.join('\n UNION ALL\n'), params)) out.set(Number(r.id), num(r.n));
    }
    return out;
  }

  /**
   * The evidence of a privacy incident: the accesses under one grant (as breakGlassAccessCounts counts them, the
   * grant's own row included as the first piece of evidence), sequence numbers in chain order.
   */
  async breakGlassEvidence(g: GrantWindow): Promise<number[]> {
    const rows = await this.db.query<{ seq: number }>(
      `SELECT seq FROM audit_events WHERE actor_user_id = $1 AND patient_id = $2 AND break_glass = TRUE
          AND occurred_at >= $3 AND occurred_at <= $4 ORDER BY seq LIMIT 500`,
      [g.userId, g.patientId, g.grantedAt, g.expiresAt],
    );
    return rows.map((r) => Number(r.seq));
  }

  /** Rows named as evidence: who, about whom, when (no details); missing sequence numbers are absent from the answer. */
  async evidence(seqs: readonly number[]): Promise<{ seq: number; occurredAt: string; actorUserId: number | null; patientId: number | null; action: string }[]> {
    if (seqs.length === 0) return [];
    const rows = await this.db.query<{ seq: number; occurred_at: string; actor_user_id: number | null; patient_id: number | null; action: string }>(
      `SELECT seq, occurred_at, actor_user_id, patient_id, action FROM audit_events WHERE seq IN (${seqs.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY seq`,
      [...seqs],
    );
    return rows.map((r) => ({
      seq: Number(r.seq), occurredAt: r.occurred_at, actorUserId: r.actor_user_id === null ? null : Number(r.actor_user_id),
      patientId: r.patient_id === null ? null : Number(r.patient_id), action: r.action,
    }));
  }

  /**
   * The first and last sequence of the rows that occurred in [from, end), or null when none did: a scan of a time
   * window walks this range of seq (rows outside the window within it are filtered by occurred_at).
   */
  async seqSpan(from: string, end: string): Promise<{ lo: number; hi: number } | null> {
    const span = await this.db.one<{ lo: unknown; hi: unknown }>(
      'SELECT MIN(seq) AS lo, MAX(seq) AS hi FROM audit_events WHERE occurred_at >= $1 AND occurred_at < $2',
      [from, end],
    );
    return span?.lo === null || span?.lo === undefined ? null : { lo: num(span.lo), hi: num(span.hi) };
  }

  /**
   * The audit summary's counts over [from, end): rows by (period, role at the time, action, outcome), denials by
   * reason, rows under break-the-glass. A period is the UTC calendar day ('YYYY-MM-DD') or month ('YYYY-MM') of
   * occurred_at, stored as ISO-8601 UTC text (the reports' convention, reporting/sql-dialect.ts).
   *
   * Counted in ranges of `chunk` sequences (rows are appended in time order, so the window is one range of seq),
   * the partial counts added up here, with a turn of the event loop between ranges: one GROUP BY over a class's whole
   * trail held every other request for 15-56 ms (docs/performance.md).
   */
  async counts(from: string, end: string, interval: 'day' | 'month', chunk = COUNT_CHUNK): Promise<TrailCounts> {
    const period = `substr(occurred_at, 1, ${interval === 'day' ? 10 : 7})`;
    const span = await this.seqSpan(from, end);
    const cube = new Map<string, { period: string; role: string | null; action: string; outcome: string; n: number }>();
    const reasons = new Map<string | null, number>();
    let underBreakGlass = 0;
    if (span) {
      const inRange = 'seq > $1 AND seq <= $2 AND occurred_at >= $3 AND occurred_at < $4';
      for (let after = span.lo - 1; after < span.hi; after += chunk) {
        const params = [after, Math.min(after + chunk, span.hi), from, end];
        const rows = await this.db.query<{ period: string; role: string | null; action: string; outcome: string; n: unknown }>(
          `SELECT ${period} AS period, actor_role AS role, action, outcome, COUNT(*) AS n
             FROM audit_events WHERE ${inRange} GROUP BY ${period}, actor_role, action, outcome`,
          params,
        );
        for (const r of rows) {
          const key = JSON.stringify([r.period, r.role, r.action, r.outcome]);
          const cell = cube.get(key) ?? { period: r.period, role: r.role, action: r.action, outcome: r.outcome, n: 0 };
          cell.n += num(r.n);
          cube.set(key, cell);
        }
        const denied = await this.db.query<{ reason: string | null; n: unknown }>(
          `SELECT reason, COUNT(*) AS n FROM audit_events WHERE ${inRange} AND outcome = 'denied' GROUP BY reason`,
          params,
        );
        for (const r of denied) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + num(r.n));
        const grants = await this.db.one<{ n: unknown }>(`SELECT COUNT(*) AS n FROM audit_events WHERE ${inRange} AND break_glass = TRUE`, params);
        underBreakGlass += num(grants?.n);
        await nextTurn();
      }
    }
    // In the order one GROUP BY gives (NULL first), so the report reads the same whichever way it was counted.
    const order = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
    return {
      cube: [...cube.values()].sort((a, b) => order(a.period, b.period) || order(a.role, b.role) || order(a.action, b.action) || order(a.outcome, b.outcome)),
      denialReasons: [...reasons].sort(([a], [b]) => order(a, b)).map(([reason, n]) => ({ reason, n })),
      underBreakGlass,
    };
  }
}
