import { Injectable } from '@nestjs/common';
import { Queryable } from '../database/db';
import type { Suspension, SuspendingAgencyType, StatementForm } from './accounting-suspension';

export interface SuspensionRow {
  id: number;
  patient_id: number;
  agency_name: string;
  agency_type: SuspendingAgencyType;
  official_name: string;
  statement_form: StatementForm;
  statement: string;
  starts_at: string;
  ends_at: string;
  recorded_by: number;
  recorded_at: string;
}

export type NewSuspension = Omit<SuspensionRow, 'id'>;

const COLUMNS = 'id, patient_id, agency_name, agency_type, official_name, statement_form, statement, starts_at, ends_at, recorded_by, recorded_at';

/** The accounting_suspensions table (release of information owns it; 45 CFR 164.528(a)(2)). */
@Injectable()
export class AccountingSuspensionsRepository {
  async insert(tx: Queryable, s: NewSuspension): Promise<SuspensionRow> {
    return (await tx.one<SuspensionRow>(
      `INSERT INTO accounting_suspensions (patient_id, agency_name, agency_type, official_name, statement_form, statement, starts_at, ends_at, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [s.patient_id, s.agency_name, s.agency_type, s.official_name, s.statement_form, s.statement, s.starts_at, s.ends_at, s.recorded_by, s.recorded_at],
    ))!;
  }

  /** Every suspension of a patient, newest first (for staff). */
  async ofPatient(q: Queryable, patientId: number): Promise<SuspensionRow[]> {
    return q.query<SuspensionRow>(`SELECT ${COLUMNS} FROM accounting_suspensions WHERE patient_id = $1 ORDER BY starts_at DESC, id DESC`, [patientId]);
  }

  /** The suspensions of a patient in force at `at`. */
  async inForce(q: Queryable, patientId: number, at: string): Promise<Suspension[]> {
    const rows = await q.query<SuspensionRow>(
      `SELECT ${COLUMNS} FROM accounting_suspensions WHERE patient_id = $1 AND starts_at <= $2 AND ends_at > $2`, [patientId, at],
    );
    return rows.map((r) => ({ agencyName: r.agency_name, startsAt: r.starts_at, endsAt: r.ends_at }));
  }
}
