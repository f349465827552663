import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { chainHash, GENESIS_HASH, positionMac } from '../../src/audit/hash-chain';
import { AUDIT_COLUMNS, toRow } from '../../src/audit/audit.writer';
import type { AuditEventInput } from '../../src/audit/audit.types';
import { dataSourceOptions } from '../../src/database/data-source';
import { applySqlitePragmas } from '../../src/database/sqlite-pragmas';

/**
 * The reference for bench/audit-append.ts: the same audit rows, chained the same way (chainHash from
 * src/audit/hash-chain.ts, seq 1..n, prev_hash = hash of the row before, the HMAC'd audit_head upserted in every
 * transaction), written with raw better-sqlite3 prepared statements into a fresh file with the same schema (the
 * migrations) and the same pragmas (applySqlitePragmas: WAL, synchronous=FULL), in exactly the transactions the
 * AuditWriter run used (batchSizes, one BEGIN IMMEDIATE ... COMMIT each), so both runs pay the same number of
 * fsyncs. What is left between the two is the cost of the service's code path.
 */

export interface RawAppendOptions {
  /** A fresh SQLite file; prepareReferenceFile() has already created the schema in it. */
  file: string;
  key: string;
  /** Rows per transaction, in order: the batches the AuditWriter run committed. */
  batchSizes: number[];
  /** Event i (0-based), the same generator the writer run used. */
  event: (i: number) => AuditEventInput;
}

export interface RawAppendResult {
  events: number;
  transactions: number;
  seconds: number;
  journalMode: string;
  synchronous: number;
  headSeq: number;
}

/** Creates the schema in a fresh file with the service's own migrations (not timed). */
export async function prepareReferenceFile(file: string): Promise<void> {
  const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: file }));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'all' });
  } finally {
    await ds.destroy();
  }
}

const COLUMNS = AUDIT_COLUMNS;




/** Writes the rows; times only the appends (statements prepared, file open). */
export function runRawAuditAppend(opts: RawAppendOptions): RawAppendResult {
  const db = new Database(opts.file);
  try {
    applySqlitePragmas(db);
    const journalMode = String(db.pragma('journal_mode', { simple: true }));
    const synchronous = Number(db.pragma('synchronous', { simple: true }));

    const readHead = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1');
    const insert = db.prepare(
      `INSERT INTO audit_events (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    );
    const upsertHead = db.prepare(
      `INSERT INTO audit_head (id, seq, hash, updated_at, hmac) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, updated_at = excluded.updated_at, hmac = excluded.hmac`,
    );

    const key = opts.key;
    let next = 0;
    const appendBatch = db.transaction((count: number) => {
      const head = readHead.get();
      let seq = head ? Number(head.seq) : 0;
      let prevHash = head ? head.hash : GENESIS_HASH;
      const at = new Date().toISOString();
      for (let k = 0; k < count; k++) {
        seq += 1;
        const r = toRow(seq, at, opts.event(next++));
        const hash = chainHash(key, prevHash, r);
        insert.run(
          r.seq, r.occurred_at, r.actor_user_id, r.actor_username, r.actor_role, r.action, r.resource_type,
          r.resource_id, r.patient_id, r.outcome, r.reason, r.purpose_of_use, r.break_glass ? 1 : 0, r.request_id,
          r.client_ip, r.user_agent, r.details, prevHash, hash,
        );
        prevHash = hash;
      }
      upsertHead.run(seq, prevHash, at, positionMac(key, 'head', seq, prevHash, at));
      return seq;
    });

    let headSeq = 0;
    const t0 = process.hrtime.bigint();
    for (const size of opts.batchSizes) headSeq = appendBatch.immediate(size);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

    return { events: next, transactions: opts.batchSizes.length, seconds, journalMode, synchronous, headSeq };
  } finally {
    db.close();
  }
}
