import { Injectable } from '@nestjs/common';
import type { RoiScope } from '../access/policy';
import { ITEM_COLUMNS, ITEM_TABLE, ITEM_TYPES, ItemRow, ItemType } from '../records/clinical-items';
import { ENCOUNTER_COLUMNS } from '../records/encounter-row';
import type { Queryable, SqlParam } from '../database/db';
import type { EncounterSourceRow, PackageSource } from './package-builder';
import { DATE_COLUMN, dayAfter, RecordType } from './roi-scope';

export interface ScopedRows {
  patient: PackageSource['patient'] | null;
  encounters: EncounterSourceRow[];
  items: Partial<Record<ItemType, ItemRow[]>>;
}

/**
 * Reads one patient's records limited to a request's scope: only the record types it names, only inside its
 * date range, never items entered in error. The SQL narrows what is read (minimum necessary, 45 CFR 164.502(b));
 * the package builder then checks every row again against the scope and the access policy, item by item.
 *
 * It takes a Queryable so the fulfilment reads inside its own transaction. The caller has already asked the
 * access policy (an open request covers the patient) and audits the read with purpose DISCLOSURE.
 */
@Injectable()
export class ScopedRecordReader {
  async read(q: Queryable, patientId: number, scope: RoiScope): Promise<ScopedRows> {
    const wanted = (t: RecordType) => scope.recordTypes.includes(t);
    // One query at a time: q may be a transaction's single connection, which must not be given concurrent queries
    // (pg deprecates it and pg@9 refuses it).
    const patient = await q.one<{ id: number; mrn: string; given_name: string; family_name: string; birth_date: string; sex: string }>(
      'SELECT id, mrn, given_name, family_name, birth_date, sex FROM patients WHERE id = $1',
      [patientId],
    );
    const encounters = wanted('encounters')
      ? await q.query<EncounterSourceRow>(...this.sql('encounters', `${ENCOUNTER_COLUMNS}, sensitivity_category`, 'encounters', patientId, scope))
      : [];
    const byType: Partial<Record<ItemType, ItemRow[]>> = {};
    for (const type of ITEM_TYPES) {
      if (wanted(type)) byType[type] = await q.query<ItemRow>(...this.sql(ITEM_TABLE[type], ITEM_COLUMNS[type], type, patientId, scope));
    }
    return {
      patient: patient
        ? { id: Number(patient.id), mrn: patient.mrn, givenName: patient.given_name, familyName: patient.family_name, birthDate: patient.birth_date, sex: patient.sex }
        : null,
      encounters,
      items: byType,
    };
  }

  /** SELECT of one record type inside the scope's dates (inclusive calendar days, UTC). */
  private sql(table: string, columns: string, type: RecordType, patientId: number, scope: RoiScope): [string, SqlParam[]] {
    const date = DATE_COLUMN[type];
    const where = ['patient_id = $1', "status <> 'entered-in-error'"];
    const params: SqlParam[] = [patientId];
    if (scope.dateFrom) {
      params.push(`${scope.dateFrom}T00:00:00.000Z`);
      where.push(`${date} >= $${params.length}`);
    }
    if (scope.dateTo) {
      params.push(dayAfter(scope.dateTo));
      where.push(`${date} < $${params.length}`);
    }
    return [`SELECT ${columns} FROM ${table} WHERE ${where.join(' AND ')} ORDER BY ${date}, id`, params];
  }
}
