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
  if (seq !== prevSeq + 1) {
    return {
      firstBrokenSequence: prevSeq + 1,
      problem: 'row-missing',
      message: `sequence ${prevSeq + 1}${seq > prevSeq + 2 ? `..${seq - 1}` : ''} is missing (rows deleted)`,
    };
  }
  if (row.prev_hash !== prevHash) {
    return { firstBrokenSequence: seq, problem: 'link-broken', message: `row ${seq} does not link to row ${prevSeq}` };
  }
  if (!sameHex(chainHash(key, prevHash, row), row.hash)) {
    return { firstBrokenSequence: seq, problem: 'row-altered', message: `row ${seq} was changed after it was written` };
  }
  return null;
}
