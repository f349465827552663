import { Injectable } from '@nestjs/common';
import { Db, num } from '../database/db';
import type { AuditRow } from './audit.types';
import { ChainFinding, checkLink, GENESIS_HASH, headGenuine, sameHex } from './hash-chain';
import { AppConfig } from '../config/app-config';

/** The columns of a trail row, in the order both tables hold them. */
const COLUMNS = `seq, occurred_at, actor_user_id, actor_username, actor_role, action, resource_type, resource_id, patient_id,
  outcome, reason, purpose_of_use, break_glass, request_id, client_ip, user_agent, details, prev_hash, hash`;
const PAGE = 5000;

export interface EpochCheck {
  epoch: number;
  closedAt: string;
  closedBy: string | null;
  rows: number;
  valid: boolean;
  firstBrokenSequence?: number;
  problem?: string;
  message?: string;
}

/**
 * Closed epochs of the trail (audit_epochs, audit_events_archive): a demo reset copies the trail it is about to
 * wipe here first, with its final head, so the history of the class survives the reset and stays verifiable.
 */
@Injectable()
export class AuditArchive {
  private readonly key: string;

  constructor(
    private readonly db: Db,
    config: AppConfig,
  ) {
    this.key = config.get('AUDIT_HMAC_KEY') as string;
  }

  /** Copies the current trail into a new epoch (one transaction); returns it, or null when the trail is empty. */
  async closeEpoch(closedBy: string, at: string): Promise<{ epoch: number; rows: number; finalSeq: number; finalHash: string } | null> {
    return this.db.transaction(async (tx) => {
      const head = await tx.one<{ seq: number; hash: string; updated_at: string; hmac: string }>('SELECT seq, hash, updated_at, hmac FROM audit_head WHERE id = 1');
      const rows = num((await tx.one<{ n: unknown }>('SELECT COUNT(*) AS n FROM audit_events'))?.n);
      if (rows === 0) return null;
      const last = (await tx.one<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1'))!;
      const epoch = num((await tx.one<{ n: unknown }>('SELECT COALESCE(MAX(epoch), 0) AS n FROM audit_epochs'))?.n) + 1;
      await tx.execute(`INSERT INTO audit_events_archive (epoch, ${COLUMNS}) SELECT $1, ${COLUMNS} FROM audit_events`, [epoch]);
      await tx.execute(
        `INSERT INTO audit_epochs (epoch, closed_at, closed_by, row_count, final_seq, final_hash, head_updated_at, head_hmac)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [epoch, at, closedBy, rows, Number(head?.seq ?? last.seq), head?.hash ?? last.hash, head?.updated_at ?? null, head?.hmac ?? null],
      );
      return { epoch, rows, finalSeq: Number(head?.seq ?? last.seq), finalHash: head?.hash ?? last.hash };
    });
  }

  /** Every closed epoch recomputed from its first row to its final head (constant memory: pages of rows). */
  async verifyEpochs(): Promise<EpochCheck[]> {
    const epochs = await this.db.query<{ epoch: number; closed_at: string; closed_by: string | null; row_count: number; final_seq: number; final_hash: string; head_updated_at: string | null; head_hmac: string | null }>(
      'SELECT epoch, closed_at, closed_by, row_count, final_seq, final_hash, head_updated_at, head_hmac FROM audit_epochs ORDER BY epoch',
    );
    const out: EpochCheck[] = [];
    for (const e of epochs) {
      const base = { epoch: Number(e.epoch), closedAt: e.closed_at, closedBy: e.closed_by, rows: Number(e.row_count) };
      const finding = await this.checkEpoch(e);
      out.push(finding ? { ...base, valid: false, ...finding } : { ...base, valid: true });
    }
    return out;
  }

  private async checkEpoch(e: { epoch: number; row_count: number; final_seq: number; final_hash: string; head_updated_at: string | null; head_hmac: string | null }): Promise<ChainFinding | null> {
    if (e.head_hmac === null || e.head_updated_at === null || !headGenuine(this.key, { seq: Number(e.final_seq), hash: e.final_hash, created_at: e.head_updated_at, hmac: e.head_hmac })) {
      return { firstBrokenSequence: Number(e.final_seq), problem: 'head-altered', message: `epoch ${e.epoch}: its recorded final head is not one this service wrote` };
    }
    let prevSeq = 0;
    let prevHash = GENESIS_HASH;
    for (;;) {
      const rows = await this.db.query<AuditRow>(`SELECT ${COLUMNS} FROM audit_events_archive WHERE epoch = $1 AND seq > $2 ORDER BY seq LIMIT ${PAGE}`, [e.epoch, prevSeq]);
      for (const row of rows) {
        const f = checkLink(this.key, prevSeq, prevHash, row);
        if (f) return { ...f, message: `epoch ${e.epoch}: ${f.message}` };
        prevSeq = Number(row.seq);
        prevHash = row.hash;
      }
      if (rows.length < PAGE) break;
    }
    if (prevSeq !== Number(e.final_seq) || !sameHex(prevHash, e.final_hash)) {
      return { firstBrokenSequence: prevSeq + 1, problem: 'tail-truncated', message: `epoch ${e.epoch}: rows after ${prevSeq} are gone (its final head is ${e.final_seq})` };
    }
    return null;
  }
}
