import { Injectable } from '@nestjs/common';
import type { RoiScope } from '../access/policy';
import type { Queryable } from '../database/db';
import { ChartRows, ClinicalReads, ITEM_TYPES, PatientsRepository } from '../records';
import type { PackageSource } from './package-builder';

export interface ScopedRows {
  patient: PackageSource['patient'] | null;
  chart: ChartRows;
}

/**
 * Reads one patient's records limited to a request's scope: only the record types it names (and the encounters,
 * which decide whether an item's encounter reference may be shown), only inside its date range, never items
 * entered in error. The SQL narrows what is read (minimum necessary, 45 CFR 164.502(b)); the item-visibility rule
 * then judges every row against the scope and the access policy.
 *
 * It takes a Queryable so the fulfilment reads inside its own transaction, one query at a time.
 */
@Injectable()
export class ScopedRecordReader {
  constructor(private readonly patients: PatientsRepository) {}

  async read(q: Queryable, patientId: number, scope: RoiScope): Promise<ScopedRows> {
    const patient = await this.patients.identity(q, patientId);
    const types = ITEM_TYPES.filter((t) => scope.recordTypes.includes(t));
    const chart = await ClinicalReads.chart(q, patientId, types, scope);
    return {
      patient,
      chart,
    };
  }
}
