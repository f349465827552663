import { Injectable } from '@nestjs/common';
import { bool, Db, Queryable } from '../database/db';

/** What other modules may know of a patient without opening the chart: the anomaly rules' directory facts. */
export interface PatientDirectoryEntry {
  id: number;
  familyName: string;
  vip: boolean;
  /** The user account linked to this patient (a patient user, or a workforce member who is also a patient). */
  linkedUserId: number | null;
}

/** A patient's identifying fields, as a disclosure package names its subject. */
export interface PatientIdentity {
  id: number;
  mrn: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex: string;
}

const CHUNK = 500;

/**
 * Reads of the patients table for other modules (docs/architecture.md, section 2: records owns it). It needs only
 * the database, so modules the records module itself depends on (audit) can import it without a cycle.
 */
@Injectable()
export class PatientsRepository {
  constructor(private readonly db: Db) {}

  async directory(ids: readonly number[]): Promise<PatientDirectoryEntry[]> {
    const out: PatientDirectoryEntry[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const rows = await this.db.query<{ id: number; family_name: string; vip: unknown; user_id: number | null }>(
        `SELECT id, family_name, vip, user_id FROM patients WHERE id IN (${chunk.map((_, k) => `$${k + 1}`).join(', ')})`,
        [...chunk],
      );
      for (const p of rows) out.push({ id: Number(p.id), familyName: p.family_name, vip: bool(p.vip), linkedUserId: p.user_id === null ? null : Number(p.user_id) });
    }
    return out;
  }

  /** One patient's identity, read with q (a disclosure reads inside its own transaction). */
  async identity(q: Queryable, id: number): Promise<PatientIdentity | null> {
    const p = await q.one<{ id: number; mrn: string; given_name: string; family_name: string; birth_date: string; sex: string }>(
      'SELECT id, mrn, given_name, family_name, birth_date, sex FROM patients WHERE id = $1',
      [id],
    );
    return p ? { id: Number(p.id), mrn: p.mrn, givenName: p.given_name, familyName: p.family_name, birthDate: p.birth_date, sex: p.sex } : null;
  }
}

/** Reads of the care-team table for other modules (records owns it; care-team.service.ts writes it). */
@Injectable()
export class CareTeamRepository {
  constructor(private readonly db: Db) {}

  /** The current members of these patients' care teams, with the time each was added. */
  async membersOf(patientIds: readonly number[]): Promise<{ patientId: number; userId: number; addedAt: string }[]> {
    const out: { patientId: number; userId: number; addedAt: string }[] = [];
    for (let i = 0; i < patientIds.length; i += CHUNK) {
      const chunk = patientIds.slice(i, i + CHUNK);
      const rows = await this.db.query<{ patient_id: number; user_id: number; added_at: string }>(
        `SELECT patient_id, user_id, added_at FROM care_team_members WHERE patient_id IN (${chunk.map((_, k) => `$${k + 1}`).join(', ')})`,
        [...chunk],
      );
      for (const m of rows) out.push({ patientId: Number(m.patient_id), userId: Number(m.user_id), addedAt: m.added_at });
    }
    return out;
  }
}
