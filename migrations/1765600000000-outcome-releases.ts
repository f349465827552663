import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13, item 8: the de-identified outcome cells of each calendar month, kept as first released (reporting owns
 * the table; src/reporting/outcomes/outcome-releases.ts). A later correction of the records then cannot show up as
 * a difference between two de-identified reports of the same closed month. Counts only, per group: no patient.
 * The same DDL on SQLite and PostgreSQL.
 */
export class OutcomeReleases1765600000000 implements MigrationInterface {
  name = 'OutcomeReleases1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE outcome_releases (
      month text PRIMARY KEY,
      cells text NOT NULL,
      released_at text NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outcome_releases');
  }
}
