import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reporting (issue 6).
 *
 * Indexes for the outcomes report, measured with `npm run bench:reports` on 100,000 patients. They are on
 * encounters only, so the audit append path does not pay for them; encounter inserts pay one more index entry.
 *
 * - encounters_discharge (encounter_class, discharged_at) served only the reports; it is replaced by a covering
 *   index with the columns the report reads, so the scan of a year of discharges never visits the table rows.
 * - encounters_unplanned_inpatient: the readmission probe ("an unplanned inpatient admission of this patient
 *   in the next 30 days") reads only the rows that can be readmissions.
 *
 * Stored report runs keep each rendering they can be downloaded in (JSON in `output`, plus CSV and SVG), each
 * with its SHA-256, so a download is byte-for-byte what was stored; and whether the run is de-identified.
 */
const RUN_COLUMNS: [string, string][] = [
  ['csv_output', 'text'],
  ['csv_sha256', 'text'],
  ['svg_output', 'text'],
  ['svg_sha256', 'text'],
  // Whether small cells were suppressed: an analyst may download only de-identified runs.
  ['deidentified', 'boolean NOT NULL DEFAULT FALSE'],
];

export class Reporting1764700000000 implements MigrationInterface {
  name = 'Reporting1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS encounters_discharge');
    await q.query(
      `CREATE INDEX encounters_discharge_report ON encounters
         (encounter_class, discharged_at, status, patient_id, admitted_at, disposition, department)`,
    );
    await q.query(
      `CREATE INDEX encounters_unplanned_inpatient ON encounters (patient_id, admitted_at)
         WHERE encounter_class = 'inpatient' AND planned_readmission = FALSE AND status <> 'entered-in-error'`,
    );
    for (const [column, type] of RUN_COLUMNS) await q.query(`ALTER TABLE report_runs ADD COLUMN ${column} ${type}`);
    await q.query('CREATE INDEX report_runs_by_time ON report_runs (run_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS report_runs_by_time');
    for (const [column] of [...RUN_COLUMNS].reverse()) await q.query(`ALTER TABLE report_runs DROP COLUMN ${column}`);
    await q.query('DROP INDEX IF EXISTS encounters_unplanned_inpatient');
    await q.query('DROP INDEX IF EXISTS encounters_discharge_report');
    await q.query('CREATE INDEX encounters_discharge ON encounters (encounter_class, discharged_at)');
  }
}
