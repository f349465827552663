import { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnly } from '../src/database/append-only';
import { Dialect } from '../src/database/dialect';

export const AUDIT_COLUMNS = `seq, occurred_at, actor_user_id, actor_username, actor_role, action, resource_type, resource_id, patient_id,
  outcome, reason, purpose_of_use, break_glass, request_id, client_ip, user_agent, details, prev_hash, hash`;

/**
 * Closed audit epochs (issue 11, finding 4): a demo reset no longer destroys the trail. The rows of the trail being
 * reset are copied, as they were, into audit_events_archive under an epoch number, with the epoch's final head and
 * who closed it in audit_epochs. Both tables are append-only like the trail; GET /audit/verify recomputes every
 * epoch's chain against its final head.
 */
export class AuditEpochs1765000000000 implements MigrationInterface {
  name = 'AuditEpochs1765000000000';

  async up(q: QueryRunner): Promise<void> {
    const d: Dialect = q.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    await q.query(`CREATE TABLE audit_epochs (
      epoch integer PRIMARY KEY,
      closed_at text NOT NULL,
      closed_by text,
      row_count integer NOT NULL,
      final_seq integer NOT NULL,
      final_hash text NOT NULL,
      head_updated_at text,
      head_hmac text
    )`);
    await q.query(`CREATE TABLE audit_events_archive AS SELECT 0 AS epoch, ${AUDIT_COLUMNS} FROM audit_events WHERE 1 = 0`);
    await q.query('CREATE UNIQUE INDEX audit_events_archive_key ON audit_events_archive (epoch, seq)');
    for (const s of [...appendOnly(d, 'audit_epochs'), ...appendOnly(d, 'audit_events_archive')]) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_events_archive');
    await q.query('DROP TABLE audit_epochs');
  }
}
