import { MigrationInterface, QueryRunner } from 'typeorm';
import { columnTypes, Dialect } from '../src/database/dialect';

/**
 * The individual's rights around release of information (issue 12, items 3 and 5, and confidential communications):
 * - access denials (45 CFR 164.524): who determined a reviewable denial (164.524(a)(3)), the denied part of a partial
 *   denial (164.524(d)(1)), and the review by another licensed health care professional (164.524(a)(4), (d)(4));
 * - the accounting request's fee notice (164.528(c)(2)): quoted, then accepted, withdrawn or narrowed;
 * - the disclosures log: the legal basis and origin of an entry recorded outside the ROI workflow (164.528(b));
 * - accounting_suspensions: a health oversight agency's or law enforcement official's statement (164.528(a)(2));
 * - confidential_communications: the individual's alternative address or channel (164.522(b)).
 * All owned by release-of-information (docs/architecture.md, section 2).
 */
const COLUMNS: [table: string, column: string, type: (t: ReturnType<typeof columnTypes>) => string][] = [
  ['roi_requests', 'denial_determined_by', () => 'integer REFERENCES users(id)'],
  ['roi_requests', 'denial_parts_json', (t) => t.json],
  ['roi_requests', 'denial_review_json', (t) => t.json],
  ['accounting_requests', 'fee_quoted_cents', () => 'integer'],
  ['accounting_requests', 'fee_decision', () => 'text'],
  ['accounting_requests', 'fee_decided_at', () => 'text'],
  ['disclosures', 'legal_basis', () => 'text'],
  ['disclosures', 'source', () => `text NOT NULL DEFAULT 'roi'`],
  ['disclosures', 'recorded_at', () => 'text'],
];

export class RoiIndividualRights1765200000000 implements MigrationInterface {
  name = 'RoiIndividualRights1765200000000';

  async up(q: QueryRunner): Promise<void> {
    const d: Dialect = q.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const t = columnTypes(d);
    for (const [table, column, type] of COLUMNS) await q.query(`ALTER TABLE ${table} ADD COLUMN ${column} ${type(t)}`);
    await q.query(`CREATE TABLE accounting_suspensions (
      id ${t.pk},
      patient_id integer NOT NULL REFERENCES patients(id),
      agency_name text NOT NULL,
      agency_type text NOT NULL,
      official_name text NOT NULL,
      statement_form text NOT NULL,
      statement text NOT NULL,
      starts_at text NOT NULL,
      ends_at text NOT NULL,
      recorded_by integer NOT NULL REFERENCES users(id),
      recorded_at text NOT NULL
    )`);
    await q.query('CREATE INDEX accounting_suspensions_patient ON accounting_suspensions (patient_id, ends_at)');
    await q.query(`CREATE TABLE confidential_communications (
      id ${t.pk},
      patient_id integer NOT NULL REFERENCES patients(id),
      channel text NOT NULL,
      address text NOT NULL,
      note text,
      requested_by text NOT NULL,
      recorded_by integer NOT NULL REFERENCES users(id),
      recorded_at text NOT NULL,
      ended_at text,
      ended_by integer REFERENCES users(id)
    )`);
    await q.query('CREATE INDEX confidential_communications_patient ON confidential_communications (patient_id, ended_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS confidential_communications');
    await q.query('DROP TABLE IF EXISTS accounting_suspensions');
    for (const [table, column] of [...COLUMNS].reverse()) await q.query(`ALTER TABLE ${table} DROP COLUMN ${column}`);
  }
}
