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
 * Reads of the patients table for other modules (docs/architecture.md, section 2: records owns it; patients.service.ts
 * writes it, and linkUser here serves the demo). It needs only the database, so modules the records module itself
 * depends on (audit, auth) can import it without a cycle.
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

  /** Whether the patient exists (a caller that reads only the trail still answers 404 for an unknown id). */
  async exists(id: number): Promise<boolean> {
    return (await this.db.one('SELECT 1 AS present FROM patients WHERE id = $1', [id])) !== undefined;
  }

  /** The patient record linked to a user account (a patient user, or a workforce member who is also a patient). */
  async linkedTo(userId: number): Promise<number | null> {
    const row = await this.db.one<{ id: number }>('SELECT id FROM patients WHERE user_id = $1', [userId]);
    return row ? Number(row.id) : null;
  }

  /**
   * The demo's bystanders: patients after `afterId` on nobody's care team, not VIP, not linked to an account,
   * alive; at most n, lowest ids first (the same ones on every freshly seeded database).
   */
  async unattached(n: number, afterId: number): Promise<number[]> {
    const rows = await this.db.query<{ id: number }>(
      `SELECT p.id FROM patients p
        WHERE p.id > $2 AND p.vip = FALSE AND p.user_id IS NULL AND p.deceased_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = p.id)
        ORDER BY p.id LIMIT $1`,
      [n, afterId],
    );
    return rows.map((r) => Number(r.id));
  }

  /** How many patients have a family or given name starting with `prefix` (lower case), as a name search finds them. */
  async countNamePrefix(prefix: string): Promise<number> {
    const like = `${prefix.toLowerCase()}%`;
    const row = await this.db.one<{ n: number }>(
      'SELECT COUNT(*) AS n FROM patients WHERE lower(family_name) LIKE $1 OR lower(given_name) LIKE $2',
      [like, like],
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Links an unlinked patient record to a user account, in transaction q (the demo's coworker record; the only
   * write of this class). Returns whether the record was linked (false: already linked to someone).
   */
  async linkUser(q: Queryable, patientId: number, userId: number, at: string): Promise<boolean> {
    const changed = await q.execute(
      'UPDATE patients SET user_id = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND user_id IS NULL',
      [userId, at, patientId],
    );
    return changed === 1;
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
