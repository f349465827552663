import { createHmac, KeyObject } from 'node:crypto';
import { canonicalRaw, ChainFinding, checkpointMismatch, linkBroken, missingAfter, rowAltered, sameHex } from './hash-chain';

/**
 * The chain split into ranges (docs/performance.md, "chain verification across cores"). Every row stores its
 * previous hash, so a range of rows can be recomputed on its own: each row's hash from its own prev_hash, each link
 * inside the range. Only the first row of a range is left to join with the last row of the range before it
 * (joinRanges), which gives exactly the findings of one pass from the start (AuditVerifier, checkLink).
 */
export interface RangeResult {
  /** The range's first row: its sequence and stored prev_hash, joined to the previous range's last row. */
  first: { seq: number; prevHash: string } | null;
  /** Rows accepted before the finding (a row is accepted when its link and its own hash hold). */
  checked: number;
  /** The last accepted row. */
  last: { seq: number; hash: string } | null;
  finding: ChainFinding | null;
}

/** Hex digests compare as strings; a stored hash that only differs in letter case is accepted, as sameHex does. */
function sameDigest(computed: string, stored: unknown): boolean {
  return computed === stored || sameHex(computed, stored as string);
}

/**
 * Checks raw rows (CHAIN_COLUMNS order: the 17 hashed columns, prev_hash, hash) of one range, in sequence order.
 * `checkpoints` maps a sequence to the hash a checkpoint saw there.
 */
export function verifyRange(key: KeyObject, rows: Iterable<unknown[]>, checkpoints: ReadonlyMap<number, string>): RangeResult {
  const out: RangeResult = { first: null, checked: 0, last: null, finding: null };
  let prevSeq = 0;
  let prevHash = '';
  for (const r of rows) {
    const seq = Number(r[0]);
    const stored = r[18] as string;
    if (out.first === null) {
      out.first = { seq, prevHash: r[17] as string };
      prevHash = r[17] as string;
    } else if (seq !== prevSeq + 1) {
      out.finding = missingAfter(prevSeq, seq);
      return out;
    } else if (r[17] !== prevHash) {
      out.finding = linkBroken(prevSeq, seq);
      return out;
    }
    const computed = createHmac('sha256', key).update(prevHash).update(canonicalRaw(r)).digest('hex');
    if (!sameDigest(computed, stored)) {
      out.finding = rowAltered(seq);
      return out;
    }
    out.checked += 1;
    out.last = { seq, hash: stored };
    prevSeq = seq;
    prevHash = stored;
    const cp = checkpoints.get(seq);
    if (cp !== undefined && !sameHex(cp, stored)) {
      out.finding = checkpointMismatch(seq);
      return out;
    }
  }
  return out;
}

export interface JoinedChain {
  checked: number;
  lastSeq: number;
  lastHash: string;
  finding: ChainFinding | null;
}

/** Joins consecutive ranges from a starting point: the same first finding as one pass over all their rows. */
export function joinRanges(start: { seq: number; hash: string }, ranges: Iterable<RangeResult>): JoinedChain {
  const out: JoinedChain = { checked: 0, lastSeq: start.seq, lastHash: start.hash, finding: null };
  for (const r of ranges) {
    if (!joinRange(out, r)) break;
  }
  return out;
}

/** Adds one range to a joined chain; false when the chain now has its finding (later ranges do not matter). */
export function joinRange(out: JoinedChain, r: RangeResult): boolean {
  if (out.finding) return false;
  if (r.first === null) return true;
  if (r.first.seq !== out.lastSeq + 1) out.finding = missingAfter(out.lastSeq, r.first.seq);
  else if (r.first.prevHash !== out.lastHash) out.finding = linkBroken(out.lastSeq, r.first.seq);
  if (out.finding) return false;
  out.checked += r.checked;
  if (r.last) {
    out.lastSeq = r.last.seq;
    out.lastHash = r.last.hash;
  }
  out.finding = r.finding;
  return out.finding === null;
}
