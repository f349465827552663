import type { Database } from 'better-sqlite3';
import { chainHash, GENESIS_HASH, headHmac } from '../../src/audit/hash-chain';
import type { AuditEventInput, AuditRow } from '../../src/audit/audit.types';
import { auditEvent } from './audit-workload';

/**
 * Bench-only bulk path: writes a trail of `events` rows straight into a migrated SQLite file, chained exactly as
 * AuditWriter chains them (chainHash over the canonical row, prev_hash = hash of the row before, seq 1..n, the
 * HMAC'd head, checkpoints every `checkpointEvery` rows), so AuditVerifier accepts it. What it skips is what makes
 * the service's path durable and concurrent: one big transaction per 50,000 rows, synchronous=OFF, and the
 * secondary indexes dropped during the load and rebuilt at the end (as the seed does).
 *
 * Row i is bench/support/audit-workload.ts's event i (a busy clinic: 20,000 patients, 400 users), one every
 * `spacingMs` milliseconds from `startMs`.
 */
export interface TrailOptions {
  key: string;
  events: number;
  startMs: number;
  spacingMs: number;
  checkpointEvery: number;
  onProgress?: (done: number) => void;
}

const COLUMNS = [
  'seq', 'occurred_at', 'actor_user_id', 'actor_username', 'actor_role', 'action', 'resource_type', 'resource_id',
  'patient_id', 'outcome', 'reason', 'purpose_of_use', 'break_glass', 'request_id', 'client_ip', 'user_agent',
  'details', 'prev_hash', 'hash',
] as const;
const BATCH = 50_000;

type Hashed = Omit<AuditRow, 'prev_hash' | 'hash'>;

function clip(v: string | null | undefined, max: number): string | null {
  if (v === undefined || v === null) return null;
  return v.length > max ? v.slice(0, max) : v;
}

/** The mapping of AuditWriter's toRow (src/audit/audit.writer.ts, not exported). */
export function toRow(seq: number, at: string, e: AuditEventInput): Hashed {
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

export function buildTrail(db: Database, opts: TrailOptions): { headSeq: number; headHash: string; checkpoints: number } {
  const indexes = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' AND sql IS NOT NULL")
    .all() as { name: string; sql: string }[];
  const synchronous = db.pragma('synchronous', { simple: true }) as number;
  db.pragma('synchronous = OFF');
  for (const ix of indexes) db.exec(`DROP INDEX ${ix.name}`);

  const insert = db.prepare(`INSERT INTO audit_events (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  const checkpoint = db.prepare('INSERT INTO audit_checkpoints (seq, hash, created_at, hmac) VALUES (?, ?, ?, ?)');
  let prevHash = GENESIS_HASH;
  let seq = 0;
  let checkpoints = 0;
  const writeBatch = db.transaction((count: number) => {
    for (let k = 0; k < count; k++) {
      seq += 1;
      const at = new Date(opts.startMs + (seq - 1) * opts.spacingMs).toISOString();
      const r = toRow(seq, at, auditEvent(seq - 1));
      const hash = chainHash(opts.key, prevHash, r);
      insert.run(
        r.seq, r.occurred_at, r.actor_user_id, r.actor_username, r.actor_role, r.action, r.resource_type, r.resource_id,
        r.patient_id, r.outcome, r.reason, r.purpose_of_use, r.break_glass ? 1 : 0, r.request_id, r.client_ip, r.user_agent,
        r.details, prevHash, hash,
      );
      prevHash = hash;
      if (seq % opts.checkpointEvery === 0) {
        checkpoint.run(seq, hash, at, headHmac(opts.key, seq, hash, at));
        checkpoints += 1;
      }
    }
  });
  while (seq < opts.events) {
    writeBatch(Math.min(BATCH, opts.events - seq));
    opts.onProgress?.(seq);
  }
  const at = new Date(opts.startMs + seq * opts.spacingMs).toISOString();
  db.prepare(
    `INSERT INTO audit_head (id, seq, hash, updated_at, hmac) VALUES (1, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, updated_at = excluded.updated_at, hmac = excluded.hmac`,
  ).run(seq, prevHash, at, headHmac(opts.key, seq, prevHash, at));

  for (const ix of indexes) db.exec(ix.sql);
  db.pragma('analysis_limit = 1000');
  db.exec('ANALYZE');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { headSeq: seq, headHash: prevHash, checkpoints };
}
