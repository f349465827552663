import { createHmac, createSecretKey } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * The reference for the verify figure of bench/audit.ts: the straightforward loop, the best plain code that checks
 * the same chain (issue 15). Raw better-sqlite3 with .raw() (arrays, no object per row), one statement iterated
 * over the whole table, HMAC-SHA256 with a KeyObject over the previous hash and the row's canonical JSON array,
 * compared with the stored hash and the next row's prev_hash. No checkpoint or head checks, no service code: the
 * ratio says what the service's verify costs beyond it.
 */
export interface BareVerifyResult {
  rows: number;
  seconds: number;
  valid: boolean;
}

const GENESIS = '0'.repeat(64);

export function bareVerifyLoop(file: string, secret: string): BareVerifyResult {
  const db = new Database(file, { readonly: true });
  try {
    const key = createSecretKey(Buffer.from(secret, 'utf8'));
    const all = db.prepare(`SELECT seq, occurred_at, actor_user_id, actor_username, actor_role, action, resource_type, resource_id,
      patient_id, outcome, reason, purpose_of_use, break_glass, request_id, client_ip, user_agent, details, prev_hash, hash
      FROM audit_events ORDER BY seq`).raw();
    const t0 = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - t0) / 1e9;
    let prev = GENESIS;
    let last = 0;
    let rows = 0;
    for (const r of all.iterate() as Iterable<unknown[]>) {
      const canonical = JSON.stringify([r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12] ? 1 : 0, r[13], r[14], r[15], r[16]]);
      if (r[0] !== last + 1 || r[17] !== prev || createHmac('sha256', key).update(prev).update(canonical).digest('hex') !== r[18]) {
        return { rows, seconds: seconds(), valid: false };
      }
      prev = r[18] as string;
      last = r[0] as number;
      rows += 1;
    }
    return { rows, seconds: seconds(), valid: true };
  } finally {
    db.close();
  }
}
