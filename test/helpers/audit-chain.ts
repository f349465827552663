/** Chains of audit rows and ways to tamper with them, for the verify tests (serial, ranges, worker threads). */
import fc from 'fast-check';
import type { AuditRow } from '../../src/audit/audit.types';
import { chainHash, GENESIS_HASH } from '../../src/audit/hash-chain';

export const AUDIT_TEST_KEY = 'unit-test-audit-key';
const KEY = AUDIT_TEST_KEY;

export function chainRows(n: number, key = KEY): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = {
      seq, occurred_at: `2026-11-29T10:00:${String(seq % 60).padStart(2, '0')}.000Z`, actor_user_id: seq % 3 ? 3 : null,
      actor_username: 'nurse.patel', actor_role: 'nurse', action: 'read', resource_type: 'record', resource_id: String(seq),
      patient_id: seq % 5 ? 12 : null, outcome: 'success', reason: null, purpose_of_use: 'TREAT', break_glass: seq % 7 === 0,
      request_id: `r${seq}`, client_ip: '127.0.0.1', user_agent: 'jest', details: seq % 4 ? null : '{"n":1}',
    };
    const hash = chainHash(key, prev, base);
    rows.push({ ...base, prev_hash: prev, hash });
    prev = hash;
  }
  return rows;
}

/** A row as better-sqlite3's .raw() hands it over (CHAIN_COLUMNS order; booleans as 0/1). */
export function raw(r: AuditRow): unknown[] {
  return [r.seq, r.occurred_at, r.actor_user_id, r.actor_username, r.actor_role, r.action, r.resource_type, r.resource_id, r.patient_id,
    r.outcome, r.reason, r.purpose_of_use, r.break_glass ? 1 : 0, r.request_id, r.client_ip, r.user_agent, r.details, r.prev_hash, r.hash];
}

export type Tamper =
  | { kind: 'alter'; at: number }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'relink'; at: number }
  | { kind: 'rehash'; at: number }
  | { kind: 'checkpoint'; at: number }
  | { kind: 'case'; at: number };

export function tamper(rows: AuditRow[], checkpoints: Map<number, string>, t: Tamper): AuditRow[] {
  if (rows.length === 0) return rows;
  const i = t.at % rows.length;
  const out = rows.map((r) => ({ ...r }));
  switch (t.kind) {
    case 'alter': out[i].purpose_of_use = 'PAYMENT'; break;
    case 'delete': out.splice(i, t.count); break;
    case 'relink': out[i].prev_hash = out[(i + 1) % out.length].hash; break;
    case 'rehash': out[i].hash = chainHash(KEY, out[i].prev_hash, { ...out[i], reason: 'forged' }); break;
    case 'checkpoint': checkpoints.set(out[i].seq, GENESIS_HASH); break;
    case 'case': out[i].hash = out[i].hash.toUpperCase(); break;
  }
  return out;
}

export const tamperArb = (n: number, size: number) => {
  // Positions near range boundaries (first and last row of a range) are drawn as often as any other.
  const at = fc.oneof(fc.nat(n - 1), fc.nat(Math.floor(n / size)).chain((k) => fc.constantFrom(k * size - 1, k * size, k * size + 1)).map((p) => Math.max(0, Math.min(n - 1, p))));
  return fc.oneof(
    at.map((a) => ({ kind: 'alter' as const, at: a })),
    fc.tuple(at, fc.integer({ min: 1, max: 2 * size })).map(([a, count]) => ({ kind: 'delete' as const, at: a, count })),
    at.map((a) => ({ kind: 'relink' as const, at: a })),
    at.map((a) => ({ kind: 'rehash' as const, at: a })),
    at.map((a) => ({ kind: 'checkpoint' as const, at: a })),
    at.map((a) => ({ kind: 'case' as const, at: a })),
  );
};

