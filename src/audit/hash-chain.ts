import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditRow } from './audit.types';

/** The chain starts from 64 zeros: the "previous hash" of sequence 1. */
export const GENESIS_HASH = '0'.repeat(64);

type Hashed = Omit<AuditRow, 'prev_hash' | 'hash'>;

/**
 * The canonical form of a row: a JSON array in a fixed field order, so the bytes hashed do not depend on
 * driver column order or on how a database returns booleans and numbers.
 */
export function canonical(row: Hashed): string {
  return JSON.stringify([
    Number(row.seq),
    row.occurred_at,
    row.actor_user_id === null ? null : Number(row.actor_user_id),
    row.actor_username,
    row.actor_role,
    row.action,
    row.resource_type,
    row.resource_id,
    row.patient_id === null ? null : Number(row.patient_id),
    row.outcome,
    row.reason,
    row.purpose_of_use,
    row.break_glass ? 1 : 0,
    row.request_id,
    row.client_ip,
    row.user_agent,
    row.details,
  ]);
}

/**
 * The columns of a trail row in canonical order, then prev_hash and hash: what the bulk verifier selects with
 * better-sqlite3's .raw() (arrays, no objects per row).
 */
export const CHAIN_COLUMNS = `seq, occurred_at, actor_user_id, actor_username, actor_role, action, resource_type, resource_id, patient_id,
  outcome, reason, purpose_of_use, break_glass, request_id, client_ip, user_agent, details, prev_hash, hash`;

/** canonical() of a raw row (CHAIN_COLUMNS order): the same bytes, with the same conversions. */
export function canonicalRaw(r: readonly unknown[]): string {
  return JSON.stringify([
    Number(r[0]), r[1], r[2] === null ? null : Number(r[2]), r[3], r[4], r[5], r[6], r[7], r[8] === null ? null : Number(r[8]),
    r[9], r[10], r[11], r[12] ? 1 : 0, r[13], r[14], r[15], r[16],
  ]);
}

/** hash = HMAC-SHA256(key, prev_hash || canonical(row)). The key comes from configuration, never the database. */
export function chainHash(key: string | Buffer, prevHash: string, row: Hashed): string {
  return createHmac('sha256', key).update(prevHash).update(canonical(row)).digest('hex');
}

/**
 * What a MAC over a chain position stands for: the live head (rewritten on every append) or a checkpoint (written
 * once, never changed). The two are domain-separated, so a checkpoint can never stand in as the head: copying an
 * old checkpoint into audit_head after cutting the rows behind it fails the head's MAC (docs/reliability.md).
 */
export type MacKind = 'head' | 'checkpoint';

/** HMAC over (kind, sequence, hash, time): what a head or a checkpoint vouches for, bound to what it is. */
export function positionMac(key: string | Buffer, kind: MacKind, seq: number, hash: string, at: string): string {
  return createHmac('sha256', key).update(`hit-audit|v2|${kind}|${seq}|${hash}|${at}`).digest('hex');
}

/**
 * The MAC format of earlier versions, the same for heads and checkpoints (the flaw above). Accepted for checkpoints
 * written before the upgrade, never for the head (the writer re-MACs a legacy head once, at boot).
 */
export function legacyPositionMac(key: string | Buffer, seq: number, hash: string, at: string): string {
  return createHmac('sha256', key).update(`audit-head|${seq}|${hash}|${at}`).digest('hex');
}

/** A stored checkpoint is genuine: its MAC is a checkpoint MAC (or a pre-upgrade one), never a head's. */
export function checkpointGenuine(key: string | Buffer, cp: { seq: number; hash: string; created_at: string; hmac: string }): boolean {
  const seq = Number(cp.seq);
  return sameHex(positionMac(key, 'checkpoint', seq, cp.hash, cp.created_at), cp.hmac)
    || sameHex(legacyPositionMac(key, seq, cp.hash, cp.created_at), cp.hmac);
}

/** The stored head is genuine: a head MAC of the current format, nothing else. */
export function headGenuine(key: string | Buffer, head: { seq: number; hash: string; created_at: string; hmac: string }): boolean {
  return sameHex(positionMac(key, 'head', Number(head.seq), head.hash, head.created_at), head.hmac);
}

export function sameHex(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length !== b.length || !/^[0-9a-f]*$/i.test(a)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

export type ChainProblem = 'row-altered' | 'link-broken' | 'row-missing' | 'tail-truncated' | 'head-altered' | 'checkpoint-mismatch' | 'foreign-row';

export interface ChainFinding {
  firstBrokenSequence: number;
  problem: ChainProblem;
  message: string;
}

/**
 * Checks one row against the previous one: the pure rule behind /audit/verify.
 * Returns null when the row is the correct next link.
 */
export function checkLink(key: string | Buffer, prevSeq: number, prevHash: string, row: AuditRow): ChainFinding | null {
  const seq = Number(row.seq);
  if (seq !== prevSeq + 1) return missingAfter(prevSeq, seq);
  if (row.prev_hash !== prevHash) return linkBroken(prevSeq, seq);
  if (!sameHex(chainHash(key, prevHash, row), row.hash)) return rowAltered(seq);
  return null;
}

/** The findings of checkLink, shared with the bulk verifier (chain-range.ts) so both word them alike. */
export function missingAfter(prevSeq: number, seq: number): ChainFinding {
  return {
    firstBrokenSequence: prevSeq + 1,
    problem: 'row-missing',
    message: `sequence ${prevSeq + 1}${seq > prevSeq + 2 ? `..${seq - 1}` : ''} is missing (rows deleted)`,
  };
}

export function linkBroken(prevSeq: number, seq: number): ChainFinding {
  return { firstBrokenSequence: seq, problem: 'link-broken', message: `row ${seq} does not link to row ${prevSeq}` };
}

export function rowAltered(seq: number): ChainFinding {
  return { firstBrokenSequence: seq, problem: 'row-altered', message: `row ${seq} was changed after it was written` };
}

export function checkpointMismatch(seq: number): ChainFinding {
  return { firstBrokenSequence: seq, problem: 'checkpoint-mismatch', message: `row ${seq} differs from checkpoint` };
}
