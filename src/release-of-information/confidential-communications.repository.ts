import { Injectable } from '@nestjs/common';
import { Queryable } from '../database/db';
import type { CommunicationChannel, ConfidentialCommunication } from './confidential-communications';

export interface CommunicationRow {
  id: number;
  patient_id: number;
  channel: CommunicationChannel;
  address: string;
  note: string | null;
  requested_by: 'patient' | 'staff';
  recorded_by: number;
  recorded_at: string;
  ended_at: string | null;
  ended_by: number | null;
}

const COLUMNS = 'id, patient_id, channel, address, note, requested_by, recorded_by, recorded_at, ended_at, ended_by';

/**
 * The confidential_communications table (release of information owns it; 45 CFR 164.522(b)): one row per request, the
 * one in force has no end. A new request ends the previous one; nothing is deleted (the history shows what was used).
 */
@Injectable()
export class ConfidentialCommunicationsRepository {
  async current(q: Queryable, patientId: number): Promise<CommunicationRow | null> {
    return (await q.one<CommunicationRow>(
      `SELECT ${COLUMNS} FROM confidential_communications WHERE patient_id = $1 AND ended_at IS NULL ORDER BY id DESC LIMIT 1`, [patientId],
    )) ?? null;
  }

  /** The alternative means or location in force, as the delivery rules take it. */
  async inForce(q: Queryable, patientId: number): Promise<ConfidentialCommunication | null> {
    const row = await this.current(q, patientId);
    return row ? { channel: row.channel, address: row.address } : null;
  }

  async history(q: Queryable, patientId: number): Promise<CommunicationRow[]> {
    return q.query<CommunicationRow>(`SELECT ${COLUMNS} FROM confidential_communications WHERE patient_id = $1 ORDER BY id DESC`, [patientId]);
  }

  /** Ends the one in force (if any); answers how many rows it ended. */
  async end(tx: Queryable, patientId: number, by: number, at: string): Promise<number> {
    return tx.execute('UPDATE confidential_communications SET ended_at = $1, ended_by = $2 WHERE patient_id = $3 AND ended_at IS NULL', [at, by, patientId]);
  }

  async insert(tx: Queryable, r: Omit<CommunicationRow, 'id' | 'ended_at' | 'ended_by'>): Promise<CommunicationRow> {
    return (await tx.one<CommunicationRow>(
      `INSERT INTO confidential_communications (patient_id, channel, address, note, requested_by, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [r.patient_id, r.channel, r.address, r.note, r.requested_by, r.recorded_by, r.recorded_at],
    ))!;
  }
}
