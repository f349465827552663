import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { AuditArchive, EpochCheck } from './audit-archive';
import type { AuditRow } from './audit.types';
import type { JoinedChain } from './chain-range';
import { chainHash, ChainFinding, checkLink, checkpointGenuine, checkpointMismatch, GENESIS_HASH, headGenuine, sameHex } from './hash-chain';
import { verifyBulk } from './parallel-verify';

export interface VerifyResult {
  valid: boolean;
  checked: number;
  headSequence: number;
  headHash: string;
  fromSequence: number;
  checkpointsChecked: number;
  firstBrokenSequence?: number;
  problem?: string;
  message?: string;
  /** The closed epochs (the trails before each demo reset), checked by a full verify (from 0). */
  epochs?: EpochCheck[];
  /** Every closed epoch is intact (a full verify only). */
  historyValid?: boolean;
}

interface Checkpoint {
  seq: number;
  hash: string;
  created_at: string;
  hmac: string;
}

const PAGE = 5000;

/**
 * Recomputes the chain in pages (constant memory, however long the trail), then holds the last row against the
 * HMAC'd live head and every checkpoint: a deleted tail leaves a head or a checkpoint pointing past the end.
 */
@Injectable()
export class AuditVerifier {
  private readonly key: string;
  private readonly threads: number;

  constructor(
    private readonly db: Db,
    config: AppConfig,
    private readonly archive: AuditArchive,
  ) {
    this.key = config.get('AUDIT_HMAC_KEY') as string;
    this.threads = Number(config.get('AUDIT_VERIFY_THREADS') ?? 0);
  }

  /**
   * On SQLite the rows are recomputed in ranges, on worker threads for a long trail (AUDIT_VERIFY_THREADS,
   * parallel-verify.ts); on PostgreSQL in pages on this thread. The findings are the same either way.
   */
  async verify(fromSequence = 0, onProgress?: (checked: number, total: number) => void): Promise<VerifyResult> {
    const checkpoints = await this.db.query<Checkpoint>(
      'SELECT seq, hash, created_at, hmac FROM audit_checkpoints ORDER BY seq',
    );
    const head = await this.db.one<Checkpoint & { updated_at: string }>(
      'SELECT seq, hash, updated_at AS created_at, hmac FROM audit_head WHERE id = 1',
    );
    const start = this.startingPoint(fromSequence, checkpoints);
    if ('problem' in start) return this.result(0, start.seq, start.hash, start.seq, checkpoints.length, start);

    // Rows appended while we verify are left for the next run: the head read above is the end of this one.
    const chain = this.db.dialect === 'sqlite'
      ? await verifyBulk({
        sqlite: this.db.sqlite, key: this.key, start, upper: head ? Number(head.seq) : await this.lastSeq(), threads: this.threads, onProgress,
        checkpoints: new Map(checkpoints.map((c) => [Number(c.seq), c.hash])),
      })
      : await this.verifyPaged(start, head ? Number(head.seq) : Number.MAX_SAFE_INTEGER, checkpoints, onProgress);
    const { checked, lastSeq: prevSeq, lastHash: prevHash } = chain;
    let finding = chain.finding;
    finding ??= this.checkHeadAndCheckpoints(prevSeq, prevHash, checkpoints, head);
    finding ??= await this.foreignRowAfter(head ? Number(head.seq) : prevSeq);
    const result = this.result(checked, prevSeq, prevHash, start.seq, checkpoints.length, finding);
    if (fromSequence > 0) return result;
    // A full verify covers every closed epoch too (the trails kept by demo resets): `valid` is about the trail since
    // the last reset, `historyValid` about every epoch before it, so a reset can neither erase nor hide history.
    const epochs = await this.archive.verifyEpochs();
    return { ...result, historyValid: epochs.every((e) => e.valid), epochs };
  }

  /** One pass in pages of rows through the Db layer (PostgreSQL). */
  private async verifyPaged(
    start: { seq: number; hash: string }, limit: number, checkpoints: Checkpoint[], onProgress?: (checked: number, total: number) => void,
  ): Promise<JoinedChain> {
    const bySeq = new Map(checkpoints.map((c) => [Number(c.seq), c]));
    const out: JoinedChain = { checked: 0, lastSeq: start.seq, lastHash: start.hash, finding: null };
    for (;;) {
      const rows = await this.db.query<AuditRow>(
        `SELECT * FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT ${PAGE}`,
        [out.lastSeq, limit],
      );
      for (const row of rows) {
        out.finding = checkLink(this.key, out.lastSeq, out.lastHash, row);
        if (out.finding) return out;
        out.lastSeq = Number(row.seq);
        out.lastHash = row.hash;
        out.checked += 1;
        const cp = bySeq.get(out.lastSeq);
        if (cp && !sameHex(cp.hash, out.lastHash)) {
          out.finding = checkpointMismatch(out.lastSeq);
          return out;
        }
      }
      if (rows.length < PAGE) return out;
      onProgress?.(out.checked, limit - start.seq);
    }
  }

  private async lastSeq(): Promise<number> {
    const row = await this.db.one<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM audit_events');
    return Number(row?.seq ?? 0);
  }

  private startingPoint(from: number, checkpoints: Checkpoint[]): { seq: number; hash: string } | ChainFinding & { seq: number; hash: string } {
    if (from <= 0) return { seq: 0, hash: GENESIS_HASH };
    // Start from the last checkpoint at or before `from`, after proving the checkpoint itself is genuine.
    const cp = [...checkpoints].reverse().find((c) => Number(c.seq) <= from);
    if (!cp) return { seq: 0, hash: GENESIS_HASH };
    if (!checkpointGenuine(this.key, cp)) {
      return { seq: Number(cp.seq), hash: cp.hash, firstBrokenSequence: Number(cp.seq), problem: 'checkpoint-mismatch', message: `checkpoint at ${cp.seq} was altered` };
    }
    return { seq: Number(cp.seq), hash: cp.hash };
  }

  private checkHeadAndCheckpoints(
    lastSeq: number,
    lastHash: string,
    checkpoints: Checkpoint[],
    head: Checkpoint | undefined,
  ): ChainFinding | null {
    for (const cp of checkpoints) {
      if (!checkpointGenuine(this.key, cp)) {
        return { firstBrokenSequence: Number(cp.seq), problem: 'checkpoint-mismatch', message: `checkpoint at ${cp.seq} was altered` };
      }
      if (Number(cp.seq) > lastSeq) {
        return { firstBrokenSequence: lastSeq + 1, problem: 'tail-truncated', message: `rows after ${lastSeq} are gone; checkpoint ${cp.seq} saw them` };
      }
    }
    if (head) {
      if (!headGenuine(this.key, head)) {
        // Not a head this service wrote: a checkpoint (or other MAC) copied in to hide a cut tail. The rows up to
        // lastSeq are proven; whatever came after them is not.
        return {
          firstBrokenSequence: lastSeq + 1, problem: 'head-altered',
          message: `the stored chain head is not one this service wrote (a checkpoint copied over it?): rows after ${lastSeq} may have been cut`,
        };
      }
      if (Number(head.seq) > lastSeq) {
        return { firstBrokenSequence: lastSeq + 1, problem: 'tail-truncated', message: `rows ${lastSeq + 1}..${head.seq} are gone` };
      }
      if (Number(head.seq) === lastSeq && !sameHex(head.hash, lastHash)) {
        return { firstBrokenSequence: lastSeq, problem: 'row-altered', message: `row ${lastSeq} differs from the stored head` };
      }
    } else if (lastSeq > 0) {
      return { firstBrokenSequence: 1, problem: 'head-altered', message: 'the stored chain head is missing' };
    }
    return null;
  }

  /**
   * A row after the stored head was not written by this service (the writer moves the head with every row it adds,
   * in the same transaction): someone inserted it behind its back. Rows appended during this verification are
   * written by the service, so the head is read again before judging.
   */
  private async foreignRowAfter(headSeq: number): Promise<ChainFinding | null> {
    const status = await this.tailStatus();
    if (status.firstForeignSeq === null || status.firstForeignSeq <= headSeq) return null;
    return {
      firstBrokenSequence: status.firstForeignSeq, problem: 'foreign-row',
      message: `row ${status.firstForeignSeq} lies after the stored head (${status.headSeq}): it was not written by this service`,
    };
  }

  /** The stored head and the first row after it, if any (two indexed lookups: cheap enough for /health). */
  async tailStatus(): Promise<{ headSeq: number; firstForeignSeq: number | null }> {
    const head = await this.db.one<{ seq: number }>('SELECT seq FROM audit_head WHERE id = 1');
    const headSeq = head ? Number(head.seq) : 0;
    const after = await this.db.one<{ seq: number }>('SELECT seq FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 1', [headSeq]);
    return { headSeq, firstForeignSeq: after ? Number(after.seq) : null };
  }

  /** Every checkpoint as a receipt (oldest first): to be kept outside the database. */
  async receipts(): Promise<{ seq: number; hash: string; createdAt: string; mac: string }[]> {
    const rows = await this.db.query<Checkpoint>('SELECT seq, hash, created_at, hmac FROM audit_checkpoints ORDER BY seq');
    return rows.map((r) => ({ seq: Number(r.seq), hash: r.hash, createdAt: r.created_at, mac: r.hmac }));
  }

  /**
   * Does the trail still hold a receipt's row? The receipt must be genuine (a checkpoint MAC made with this key),
   * and row `seq` must exist with the receipt's hash and recompute to it. A trail cut back before `seq`, or rewritten
   * from there, fails; a receipt kept outside the database is what a replayed old head cannot fake.
   */
  async checkReceipt(r: { seq: number; hash: string; createdAt: string; mac: string }): Promise<{ contained: boolean; seq: number; problem?: string; message?: string }> {
    if (!checkpointGenuine(this.key, { seq: r.seq, hash: r.hash, created_at: r.createdAt, hmac: r.mac })) {
      return { contained: false, seq: r.seq, problem: 'receipt-forged', message: 'the receipt was not issued by this service (its MAC does not match)' };
    }
    const row = await this.db.one<AuditRow>('SELECT * FROM audit_events WHERE seq = $1', [r.seq]);
    if (!row) return { contained: false, seq: r.seq, problem: 'row-missing', message: `row ${r.seq} is no longer in the trail: it was cut back` };
    if (!sameHex(row.hash, r.hash) || !sameHex(chainHash(this.key, row.prev_hash, row), row.hash)) {
      return { contained: false, seq: r.seq, problem: 'row-altered', message: `row ${r.seq} differs from the receipt: the trail was cut back or rewritten from there` };
    }
    return { contained: true, seq: r.seq };
  }

  private result(checked: number, seq: number, hash: string, from: number, cps: number, f: ChainFinding | null): VerifyResult {
    const base = { checked, headSequence: seq, headHash: hash, fromSequence: from, checkpointsChecked: cps };
    return f
      ? { valid: false, ...base, firstBrokenSequence: f.firstBrokenSequence, problem: f.problem, message: f.message }
      : { valid: true, ...base };
  }
}
