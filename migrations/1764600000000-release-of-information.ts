import { MigrationInterface, QueryRunner } from 'typeorm';
import { columnTypes, Dialect } from '../src/database/dialect';

/**
 * Release of information: what the initial schema's roi_requests, roi_transitions and accounting_requests lacked
 * for the workflow (the legal basis, the original due date and the extension, the written denial, the fee with
 * its lines, the disclosed package and its FHIR hash; the details of a transition; the accounting request's
 * version, extension, period and answer). Columns only, added on both dialects; `down` removes them.
 */
const COLUMNS: [table: string, column: string, type: (t: ReturnType<typeof columnTypes>) => string][] = [
  ['roi_requests', 'legal_basis', () => 'text'],
  ['roi_requests', 'original_due_at', () => 'text'],
  ['roi_requests', 'extension_days', () => 'integer'],
  ['roi_requests', 'denial_reason', () => 'text'],
  ['roi_requests', 'fee_json', (t) => t.json],
  ['roi_requests', 'package_json', (t) => t.json],
  ['roi_requests', 'package_fhir_sha256', () => 'text'],
  ['roi_requests', 'updated_at', () => 'text'],
  ['roi_transitions', 'details', (t) => t.json],
  ['accounting_requests', 'version', () => 'integer NOT NULL DEFAULT 1'],
  ['accounting_requests', 'extended', (t) => `${t.bool} NOT NULL DEFAULT FALSE`],
  ['accounting_requests', 'extension_reason', () => 'text'],
  ['accounting_requests', 'period_from', () => 'text'],
  ['accounting_requests', 'period_to', () => 'text'],
  ['accounting_requests', 'fee_basis', () => 'text'],
  ['accounting_requests', 'fulfilled_at', () => 'text'],
  ['accounting_requests', 'fulfilled_by', () => 'integer REFERENCES users(id)'],
  ['accounting_requests', 'accounting_json', (t) => t.json],
];

const INDEXES = [
  'CREATE INDEX accounting_requests_queue ON accounting_requests (status, due_at)',
  'CREATE INDEX accounting_requests_patient ON accounting_requests (patient_id, received_at)',
  'CREATE INDEX disclosures_request ON disclosures (roi_request_id)',
];

export class ReleaseOfInformation1764600000000 implements MigrationInterface {
  name = 'ReleaseOfInformation1764600000000';

  async up(q: QueryRunner): Promise<void> {
    const d: Dialect = q.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const t = columnTypes(d);
    for (const [table, column, type] of COLUMNS) await q.query(`ALTER TABLE ${table} ADD COLUMN ${column} ${type(t)}`);
    for (const sql of INDEXES) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of INDEXES) await q.query(`DROP INDEX IF EXISTS ${sql.split(' ')[2]}`);
    for (const [table, column] of [...COLUMNS].reverse()) await q.query(`ALTER TABLE ${table} DROP COLUMN ${column}`);
  }
}
