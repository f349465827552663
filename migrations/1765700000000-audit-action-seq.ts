import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15: a search of the trail by action (GET /audit/events?action=read, newest first) had only
 * audit_by_action (action, occurred_at) to use, so it read every row of that action and sorted them by seq: 239 ms
 * on a 190,000-row trail, during which the service answered nobody (docs/performance.md). With (action, seq) the
 * newest page is an index range. The same DDL on SQLite and PostgreSQL.
 */
export class AuditActionSeq1765700000000 implements MigrationInterface {
  name = 'AuditActionSeq1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX audit_by_action_seq ON audit_events (action, seq)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_by_action_seq');
  }
}
