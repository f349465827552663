import type { Database } from 'better-sqlite3';
import { chainHash, GENESIS_HASH, positionMac } from '../../src/audit/hash-chain';
import { AUDIT_COLUMNS, toRow } from '../../src/audit/audit.writer';
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

const COLUMNS = AUDIT_COLUMNS;
const BATCH = 50_000;




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
        checkpoint.run(seq, hash, at, positionMac(opts.key, 'checkpoint', seq, hash, at));
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
  ).run(seq, prevHash, at, positionMac(opts.key, 'head', seq, prevHash, at));

  for (const ix of indexes) db.exec(ix.sql);
  db.pragma('analysis_limit = 1000');
  db.exec('ANALYZE');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { headSeq: seq, headHash: prevHash, checkpoints };
}
