import { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnly } from '../src/database/append-only';
import { columnTypes, Dialect } from '../src/database/dialect';

/**
 * Documentation integrity (issue 13, items 1 and 2):
 *  - the coding abstract of an encounter, separate from the clinician's documentation: every save is a new row of
 *    coding_abstract_versions (append-only: the history is kept, never rewritten);
 *  - provider queries (AHIMA/ACDIS compliant-query practice) with their state, ageing and the note that answers them;
 *  - note signatures: a note is signed by its author; an unsigned note is a chart deficiency. Notes written before
 *    this migration were final when written, so they count as signed by their author at the time they were written.
 *  - the role matrix of an existing database follows the new defaults (access/catalogue.ts): coders lose nothing
 *    they need and gain the documentation (the view still leaves out psychotherapy notes and Part 2 records), HIM
 *    gets the deficiency lists. A fresh database has no roles yet: the seed copies the catalogue itself.
 */
export class CodingAndDeficiencies1765400000000 implements MigrationInterface {
  name = 'CodingAndDeficiencies1765400000000';

  async up(q: QueryRunner): Promise<void> {
    const d: Dialect = q.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const t = columnTypes(d);
    await q.query('ALTER TABLE clinical_notes ADD COLUMN signed_at text');
    await q.query('ALTER TABLE clinical_notes ADD COLUMN signed_by integer');
    await q.query('ALTER TABLE clinical_notes ADD COLUMN query_id integer');
    await q.query('UPDATE clinical_notes SET signed_at = authored_at, signed_by = author_user_id WHERE signed_at IS NULL');
    await q.query(`CREATE TABLE coding_abstract_versions (
      id ${t.pk},
      encounter_id integer NOT NULL REFERENCES encounters(id),
      patient_id integer NOT NULL REFERENCES patients(id),
      version integer NOT NULL,
      status text NOT NULL CHECK (status IN ('in-progress','final')),
      content text NOT NULL,
      coded_by integer NOT NULL REFERENCES users(id),
      coded_at text NOT NULL,
      UNIQUE (encounter_id, version)
    )`);
    for (const s of appendOnly(d, 'coding_abstract_versions')) await q.query(s);
    await q.query(`CREATE TABLE provider_queries (
      id ${t.pk},
      encounter_id integer NOT NULL REFERENCES encounters(id),
      patient_id integer NOT NULL REFERENCES patients(id),
      asked_by integer NOT NULL REFERENCES users(id),
      addressee_user_id integer NOT NULL REFERENCES users(id),
      kind text NOT NULL CHECK (kind IN ('open-ended','multiple-choice','yes-no')),
      topic text,
      question text NOT NULL,
      clinical_indicators text NOT NULL,
      options text NOT NULL,
      status text NOT NULL CHECK (status IN ('open','answered','withdrawn','expired')),
      created_at text NOT NULL,
      closed_at text,
      closed_by integer REFERENCES users(id),
      close_reason text,
      answer_option text,
      answer_text text,
      response_note_id integer REFERENCES clinical_notes(id),
      version integer NOT NULL DEFAULT 1
    )`);
    await q.query('CREATE INDEX provider_queries_encounter ON provider_queries (encounter_id)');
    await q.query('CREATE INDEX provider_queries_addressee ON provider_queries (addressee_user_id, status)');
    await q.query('CREATE INDEX provider_queries_asked_by ON provider_queries (asked_by, status)');
    await q.query('CREATE INDEX notes_unsigned ON clinical_notes (signed_at)');
    await this.roleMatrix(q);
  }

  /** Existing databases only (roles present): the new permission and the new default grants. */
  private async roleMatrix(q: QueryRunner): Promise<void> {
    const seeded = (await q.query('SELECT COUNT(*) AS n FROM roles')) as { n: unknown }[];
    if (Number(seeded[0]?.n ?? 0) === 0) return;
    await q.query(`INSERT INTO permissions (name, description) VALUES ('deficiency:read', 'Chart deficiency lists of every physician (HIM record completion)')`);
    for (const [role, permission] of [['him_technician', 'deficiency:read'], ['coder', 'clinical:read:restricted']]) {
      await q.query(
        `INSERT INTO role_permissions (role, permission) SELECT '${role}', '${permission}'
          WHERE NOT EXISTS (SELECT 1 FROM role_permissions WHERE role = '${role}' AND permission = '${permission}')`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM role_permissions WHERE permission = 'deficiency:read' OR (role = 'coder' AND permission = 'clinical:read:restricted')`);
    await q.query(`DELETE FROM permissions WHERE name = 'deficiency:read'`);
    await q.query('DROP INDEX notes_unsigned');
    await q.query('DROP TABLE provider_queries');
    await q.query('DROP TABLE coding_abstract_versions');
    for (const c of ['query_id', 'signed_by', 'signed_at']) await q.query(`ALTER TABLE clinical_notes DROP COLUMN ${c}`);
  }
}
