import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit investigations (issue 4).
 *
 * - users.family_name: the surname the "same surname" anomaly rule compares with patients.family_name. Nullable:
 *   accounts created before this column (or without it) fall back to the last word of display_name.
 * - Two partial indexes for the search filters that pick out a small share of the trail: denied/failed events
 *   and break-the-glass events. Partial, so the ordinary successful, non-emergency append (almost every row)
 *   does not pay for them. Patient and actor searches already have audit_by_patient and audit_by_actor.
 *   SQLite uses a partial index only when the query repeats its WHERE term, so AuditQueryService.where() writes
 *   `outcome <> 'success'` and `break_glass = TRUE` literally (see there).
 */
export class AuditInvestigations1764400600000 implements MigrationInterface {
  name = 'AuditInvestigations1764400600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users ADD COLUMN family_name text');
    await q.query(`CREATE INDEX audit_not_success ON audit_events (outcome, seq) WHERE outcome <> 'success'`);
    await q.query('CREATE INDEX audit_break_glass ON audit_events (seq) WHERE break_glass = TRUE');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS audit_break_glass');
    await q.query('DROP INDEX IF EXISTS audit_not_success');
    await q.query('ALTER TABLE users DROP COLUMN family_name');
  }
}
