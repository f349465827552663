import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import type { RequestContext } from '../common/request-context';
import { Db, Queryable } from '../database/db';
import type { AuditEventInput, AuditRow } from './audit.types';
import { AuditUnavailable, isUniqueViolation } from './audit-unavailable';
import { chainHash, GENESIS_HASH, legacyPositionMac, positionMac, sameHex } from './hash-chain';

/** A checkpoint as handed out: enough to prove later that the trail still holds row `seq` with this hash. */
export interface CheckpointReceipt {
  seq: number;
  hash: string;
  createdAt: string;
  /** The checkpoint MAC (HMAC-SHA256 with the audit key over kind, sequence, hash and time). */
  mac: string;
}

/** Key of the PostgreSQL advisory lock that serializes chain appends across instances. */
export const CHAIN_LOCK_KEY = 727_164_312;

interface Pending {
  event: AuditEventInput;
  resolve: (row: AuditRow) => void;
  reject: (err: unknown) => void;
}

/**
 * The only way into audit_events. Each row is chained to the previous one with an HMAC, so a changed, removed or
 * truncated row is detectable (HIPAA 164.312(b) audit controls, 164.312(c)(1) integrity).
 *
 * append() is group-committed: the events queued during one turn of the event loop are written together in one
 * transaction (which commits with the turn's other transactions on SQLite, Db.runSqliteGroup), and every caller's
 * promise resolves only after its row is durably committed. So a response that
 * waits for append() never leaves before its audit row exists, and concurrent requests share one fsync.
 * appendWithin() writes inside the caller's transaction, for writes whose audit row must commit with the data.
 */
@Injectable()
export class AuditWriter implements OnApplicationShutdown, OnModuleInit {
  private readonly logger = new Logger('AuditCheckpoint');
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  /** Set while exclusive() runs: queued appends wait for it. */
  private gate: Promise<void> | null = null;
  private readonly key: string;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.key = config.get('AUDIT_HMAC_KEY') as string;
  }

  append(event: AuditEventInput): Promise<AuditRow> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (!this.flushing && !this.gate) this.flushing = this.flushLoop();
    });
  }

  /** Appends inside an open transaction; the rows commit or roll back with the caller's data. */
  async appendWithin(tx: Queryable, events: AuditEventInput[]): Promise<AuditRow[]> {
    if (events.length === 0) return [];
    const head = await this.lockHead(tx);
    const at = this.clock.nowIso();
    let prevHash = head.hash;
    let seq = head.seq;
    const rows: AuditRow[] = events.map((e) => {
      seq += 1;
      const base = toRow(seq, at, e);
      const hash = chainHash(this.key, prevHash, base);
      const row: AuditRow = { ...base, prev_hash: prevHash, hash };
      prevHash = hash;
      return row;
    });
    try {
      await insertRows(tx, rows);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AuditUnavailable(rows[0].seq);
      throw err;
    }
    await tx.execute(
      `INSERT INTO audit_head (id, seq, hash, updated_at, hmac) VALUES (1, $1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, updated_at = excluded.updated_at, hmac = excluded.hmac`,
      [seq, prevHash, at, positionMac(this.key, 'head', seq, prevHash, at)],
    );
    return rows;
  }

  /**
   * Records the current head as a checkpoint (sequence, hash, time, checkpoint MAC) and returns it as a receipt.
   * The receipt is also logged: a copy outside the database, which a privacy officer can keep and later hold
   * against the trail (POST /audit/receipts/verify).
   */
  async checkpoint(): Promise<CheckpointReceipt | null> {
    return this.db.transaction(async (tx) => {
      const head = await this.lockHead(tx);
      if (head.seq === 0) return null;
      const last = await tx.one<{ seq: number }>('SELECT MAX(seq) AS seq FROM audit_checkpoints');
      if (last && Number(last.seq) === head.seq) return null;
      const at = this.clock.nowIso();
      const mac = positionMac(this.key, 'checkpoint', head.seq, head.hash, at);
      await tx.execute('INSERT INTO audit_checkpoints (seq, hash, created_at, hmac) VALUES ($1, $2, $3, $4)', [head.seq, head.hash, at, mac]);
      return { seq: head.seq, hash: head.hash, createdAt: at, mac };
    }).then((receipt) => {
      if (receipt) this.logger.log(`audit checkpoint receipt ${JSON.stringify(receipt)}`);
      return receipt;
    });
  }

  /**
   * Upgrade of a trail written by an earlier version: a head carrying the legacy MAC (which a checkpoint could
   * imitate) is re-MACed as a head once. A head with neither MAC is left alone, for /audit/verify to report.
   */
  async onModuleInit(): Promise<void> {
    await this.db.transaction(async (tx) => {
      const head = await tx.one<{ seq: number; hash: string; updated_at: string; hmac: string }>('SELECT seq, hash, updated_at, hmac FROM audit_head WHERE id = 1');
      if (!head || !sameHex(legacyPositionMac(this.key, Number(head.seq), head.hash, head.updated_at), head.hmac)) return;
      await tx.execute('UPDATE audit_head SET hmac = $1 WHERE id = 1 AND hmac = $2', [
        positionMac(this.key, 'head', Number(head.seq), head.hash, head.updated_at), head.hmac,
      ]);
      this.logger.log(`audit head ${head.seq} re-MACed in the current (domain-separated) format`);
    });
  }

  /**
   * Runs fn while no queued append is written: appends already being committed finish first, appends queued
   * meanwhile wait and are written after fn. For the demo reset, which wipes the trail and must write the first row
   * of the new chain itself (through appendWithin, inside fn). The chain format and append() are unchanged.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.gate) await this.gate;
    let open!: () => void;
    this.gate = new Promise<void>((resolve) => (open = resolve));
    try {
      await this.drain();
      return await fn();
    } finally {
      this.gate = null;
      open();
      if (this.queue.length > 0 && !this.flushing) this.flushing = this.flushLoop();
    }
  }

  /** Waits until every queued event is committed. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.gate) {
        let batch: Pending[] | null = null;
        try {
          // The batch is taken when the transaction starts, not before: on SQLite that is at the end of this turn of
          // the event loop (Db's group commit), so every event of the turn is in it.
          const rows = await this.db.transaction((tx) => {
            batch = this.queue.splice(0, 1000);
            return this.appendWithin(tx, batch.map((p) => p.event));
          });
          batch!.forEach((p, i) => p.resolve(rows[i]));
        } catch (err) {
          // The transaction could not even start: the events it would have taken fail with it.
          (batch ?? this.queue.splice(0, 1000)).forEach((p) => p.reject(err));
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private async lockHead(tx: Queryable): Promise<{ seq: number; hash: string }> {
    // SQLite: the writer already holds the database write lock (BEGIN IMMEDIATE). PostgreSQL: one chain writer at a time.
    if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK_KEY]);
    const head =
      (await tx.one<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1')) ??
      // No head but rows (someone deleted it): continue after the last row; verify reports the missing head.
      (await tx.one<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1'));
    return head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
  }
}

/** audit_events columns in insert order. */
export const AUDIT_COLUMNS = [
  'seq', 'occurred_at', 'actor_user_id', 'actor_username', 'actor_role', 'action', 'resource_type', 'resource_id',
  'patient_id', 'outcome', 'reason', 'purpose_of_use', 'break_glass', 'request_id', 'client_ip', 'user_agent',
  'details', 'prev_hash', 'hash',
] as const;

async function insertRows(tx: Queryable, rows: AuditRow[]): Promise<void> {
  // SQLite: one cached single-row statement is fastest. PostgreSQL: few round trips, so many rows per statement.
  const perStatement = tx.dialect === 'sqlite' ? 1 : 200;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const params: (string | number | boolean | null)[] = [];
    const tuples = chunk.map((row) => {
      const start = params.length;
      for (const c of AUDIT_COLUMNS) params.push(row[c]);
      return `(${AUDIT_COLUMNS.map((_, j) => `$${start + j + 1}`).join(', ')})`;
    });
    await tx.execute(`INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

function clip(v: string | null | undefined, max: number): string | null {
  if (v === undefined || v === null) return null;
  return v.length > max ? v.slice(0, max) : v;
}

/** An event as the row the chain hashes (clipped to the column limits). Exported for the benchmarks' bulk paths. */
export function toRow(seq: number, at: string, e: AuditEventInput): Omit<AuditRow, 'prev_hash' | 'hash'> {
  return {
    seq,
    occurred_at: at,
    actor_user_id: e.actor?.id ?? null,
    actor_username: clip(e.actor?.username, 100),
    actor_role: e.actor?.role ?? null,
    action: e.action,
    resource_type: e.resourceType ?? null,
    resource_id: e.resourceId === undefined || e.resourceId === null ? null : clip(String(e.resourceId), 100),
    patient_id: e.patientId ?? null,
    outcome: e.outcome,
    reason: clip(e.reason, 1000),
    purpose_of_use: clip(e.purposeOfUse, 40),
    break_glass: !!e.breakGlass,
    request_id: clip(e.requestId, 100),
    client_ip: clip(e.clientIp, 100),
    user_agent: clip(e.userAgent, 300),
    details: e.details ? JSON.stringify(e.details) : null,
  };
}

/** The audit fields a request contributes: who, from where, for what purpose. */
export function fromContext(ctx: Omit<RequestContext, 'user'> & { user?: RequestContext['user'] }): Partial<AuditEventInput> {
  return {
    actor: ctx.user ? { id: ctx.user.id, username: ctx.user.username, role: ctx.user.role } : null,
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
    userAgent: ctx.userAgent,
    purposeOfUse: ctx.purposeOfUse,
  };
}
