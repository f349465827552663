import Database from 'better-sqlite3';
import { applySqlitePragmas } from '../../src/database/sqlite-pragmas';

/**
 * The reference for bench/roi.ts: the plain SQL reads of the same record items the package is built from (the
 * patient row, then every encounter, diagnosis, procedure, observation and note of the patient, all columns), with
 * raw better-sqlite3 prepared statements on the same file and pragmas. No policy, no scope check, no JSON, no FHIR,
 * no hashing, no writes: what is left between the two figures is the cost of the fulfilment itself.
 */
export interface PlainReadResult {
  rows: number;
  /** Seconds per read of all the items, median of `repeats` (after one warm-up read). */
  seconds: number;
}

const TABLES = ['encounters', 'diagnoses', 'procedures', 'observations', 'clinical_notes'] as const;

export function runPlainReads(file: string, patientId: number, repeats: number): PlainReadResult {
  const db = new Database(file);
  try {
    applySqlitePragmas(db);
    const patient = db.prepare('SELECT * FROM patients WHERE id = ?');
    const statements = TABLES.map((t) => db.prepare(`SELECT * FROM ${t} WHERE patient_id = ?`));
    const readAll = (): number => {
      patient.get(patientId);
      return statements.reduce((n, s) => n + s.all(patientId).length, 0);
    };
    let rows = readAll();
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t0 = process.hrtime.bigint();
      rows = readAll();
      times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    times.sort((a, b) => a - b);
    return { rows, seconds: times[Math.floor(times.length / 2)] };
  } finally {
    db.close();
  }
}
