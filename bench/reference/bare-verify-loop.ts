import Database from 'better-sqlite3';
import { chainHash, GENESIS_HASH } from '../../src/audit/hash-chain';
import type { AuditRow } from '../../src/audit/audit.types';

/**
 * The reference for the verify figure of bench/audit.ts: the least work that checks the same chain. Raw
 * better-sqlite3, rows fetched in large keyset pages with .all() (the fastest way this driver hands rows to
 * JavaScript), the same HMAC (chainHash) over the same rows, compared with the stored hash and the next row's
 * prev_hash. No checkpoint or head checks, no constant-time compare, no service code. AuditVerifier does all of those;
 * the ratio is what they cost.
 */
export interface BareVerifyResult {
  rows: number;
  seconds: number;
  valid: boolean;
}

const PAGE = 10_000;

export function bareVerifyLoop(file: string, key: string): BareVerifyResult {
  const db = new Database(file, { readonly: true });
  try {
    const page = db.prepare('SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?');
    const t0 = process.hrtime.bigint();
    let prev = GENESIS_HASH;
    let last = 0;
    let rows = 0;
    for (;;) {
      const batch = page.all(last, PAGE) as AuditRow[];
      for (const row of batch) {
        if (row.seq !== last + 1 || row.prev_hash !== prev || chainHash(key, prev, row) !== row.hash) {
          return { rows, seconds: Number(process.hrtime.bigint() - t0) / 1e9, valid: false };
        }
        prev = row.hash;
        last = row.seq;
        rows += 1;
      }
      if (batch.length < PAGE) break;
    }
    return { rows, seconds: Number(process.hrtime.bigint() - t0) / 1e9, valid: true };
  } finally {
    db.close();
  }
}
