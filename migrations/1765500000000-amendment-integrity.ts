import { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnly } from '../src/database/append-only';
import { columnTypes, Dialect } from '../src/database/dialect';

/**
 * Issue 13, items 3 to 5.
 *
 * - amendments: the request is routed by HIM to the author of the item or a clinician responsible for it, who
 *   decides (164.526(a)); the accepted correction, the persons the individual names for notification
 *   (164.526(c)(2)), the individual's request that a denial travel with later disclosures when no disagreement was
 *   filed (164.526(d)(1)(iii), (d)(5)(ii)), and the covered entity's rebuttal with the date its copy went to the
 *   individual (164.526(d)(3)).
 * - amendment_notifications (records): who was told of an accepted amendment, when and how (164.526(c)(2), (c)(3)).
 *   Append-only: a notice once given is a fact.
 * - breach_incidents, breach_notifications (privacy): the privacy officer's incident, its four-factor risk
 *   assessment (164.402(2)), the exception if one applies (164.402(1)), the decision and the notifications made
 *   (164.404-164.408).
 */
export class AmendmentIntegrity1765500000000 implements MigrationInterface {
  name = 'AmendmentIntegrity1765500000000';

  async up(q: QueryRunner): Promise<void> {
    const d: Dialect = q.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const t = columnTypes(d);
    const columns = [
      'decider_user_id integer', 'decider_basis text', 'routed_at text', 'routed_by integer', 'notify_persons text', 'correction text',
      `include_with_disclosures ${t.bool} NOT NULL DEFAULT FALSE`, 'inclusion_requested_at text',
      'rebuttal_statement text', 'rebuttal_at text', 'rebuttal_by integer', 'rebuttal_copy_sent_at text',
    ];
    for (const c of columns) await q.query(`ALTER TABLE amendments ADD COLUMN ${c}`);
    await q.query(`CREATE TABLE amendment_notifications (
      id ${t.pk},
      amendment_id integer NOT NULL REFERENCES amendments(id),
      recipient_kind text NOT NULL CHECK (recipient_kind IN ('individual','named-by-individual','prior-recipient')),
      recipient_name text NOT NULL,
      recipient_address text,
      disclosure_id integer REFERENCES disclosures(id),
      channel text NOT NULL,
      notified_at text NOT NULL,
      recorded_by integer NOT NULL REFERENCES users(id)
    )`);
    await q.query('CREATE INDEX amendment_notifications_amendment ON amendment_notifications (amendment_id, id)');
    await q.query(`CREATE TABLE breach_incidents (
      id ${t.pk},
      patient_id integer NOT NULL REFERENCES patients(id),
      source_type text NOT NULL CHECK (source_type IN ('break-glass-review','anomaly-finding')),
      grant_id integer REFERENCES break_glass_grants(id),
      finding_rule text,
      subject_user_id integer REFERENCES users(id),
      evidence_seqs text NOT NULL,
      summary text NOT NULL,
      discovered_at text NOT NULL,
      opened_at text NOT NULL,
      opened_by integer NOT NULL REFERENCES users(id),
      status text NOT NULL CHECK (status IN ('open','assessed','breach','not-a-breach')),
      assessment text,
      exception_code text,
      exception_rationale text,
      residents_affected integer,
      assessed_at text,
      assessed_by integer REFERENCES users(id),
      decision_rationale text,
      decided_at text,
      decided_by integer REFERENCES users(id),
      version integer NOT NULL DEFAULT 1
    )`);
    await q.query('CREATE INDEX breach_incidents_status ON breach_incidents (status, discovered_at)');
    await q.query(`CREATE TABLE breach_notifications (
      id ${t.pk},
      incident_id integer NOT NULL REFERENCES breach_incidents(id),
      target text NOT NULL CHECK (target IN ('individual','media','hhs')),
      channel text NOT NULL,
      sent_at text NOT NULL,
      recorded_at text NOT NULL,
      recorded_by integer NOT NULL REFERENCES users(id)
    )`);
    await q.query('CREATE INDEX breach_notifications_incident ON breach_notifications (incident_id, id)');
    for (const s of [...appendOnly(d, 'amendment_notifications'), ...appendOnly(d, 'breach_notifications')]) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE breach_notifications');
    await q.query('DROP TABLE breach_incidents');
    await q.query('DROP TABLE amendment_notifications');
    for (const c of ['rebuttal_copy_sent_at', 'rebuttal_by', 'rebuttal_at', 'rebuttal_statement', 'inclusion_requested_at', 'include_with_disclosures',
      'correction', 'notify_persons', 'routed_by', 'routed_at', 'decider_basis', 'decider_user_id']) {
      await q.query(`ALTER TABLE amendments DROP COLUMN ${c}`);
    }
  }
}
