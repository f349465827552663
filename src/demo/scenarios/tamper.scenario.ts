import { resolve } from 'node:path';
import type { TrailRowSummary } from '../../audit/audit-events.repository';
import { appendOnly } from '../../database/append-only';
import { SPECIAL_PATIENTS } from '../special-patients';
import type { RequestContext } from '../../common/request-context';
import { Scenario, ScenarioKit, ScenarioResult } from './scenario-kit';

export interface TamperVariant {
  name: 'alter' | 'delete' | 'cut-tail';
  what: string;
  /** The statements, to paste into the sqlite3 (or psql) prompt. */
  sql: string;
  /** The whole command line, for a shell. */
  command: string;
  /** What GET /audit/verify should answer right after. */
  expect: { valid: false; problem: string; firstBrokenSequence: number };
}

/**
 * Tamper: prints the SQL a student runs on the database with its own client (the sqlite3 CLI on the SQLite file,
 * or psql) to alter one audit row the way an insider with file access would: drop the append-only trigger, change
 * or delete the row, put the trigger back. It changes nothing itself. Then GET /audit/verify names the row, because
 * the row's HMAC no longer matches, or its sequence number is missing, or the HMAC'd head points past the end.
 */
export const tamperScenario: Scenario = {
  name: 'tamper',
  title: 'The exact SQL to alter one audit row, for the verify exercise',
  description:
    'Answers, without changing anything, the statements a student runs with the sqlite3 CLI on the SQLite file (or with psql) to ' +
    'change one audit row (blame someone else for a read), delete it, or cut the tail of the trail, dropping and recreating the ' +
    'append-only trigger around it; and what GET /audit/verify then reports. POST /demo/reset repairs everything.',

  async run(kit: ScenarioKit, _instructor: RequestContext): Promise<ScenarioResult> {
    const target = await pickTarget(kit);
    if (!target) throw new Error('the audit trail is empty');
    const seq = Number(target.seq);
    // Pin the row on someone else: dr.chen, or dr.okafor when the row is already dr.chen's.
    const scapegoatName = target.actor_username === 'dr.chen' ? 'dr.okafor' : 'dr.chen';
    const scapegoat = await kit.user(scapegoatName);
    const blame = `UPDATE audit_events SET actor_user_id = ${scapegoat.id}, actor_username = '${scapegoat.username}', actor_role = '${scapegoat.role}' WHERE seq = ${seq}`;
    const variants = kit.db.dialect === 'sqlite' ? sqliteVariants(kit, seq, blame, scapegoatName) : postgresVariants(kit, seq, blame, scapegoatName);
    return {
      scenario: 'tamper',
      title: this.title,
      story: [
        `Row ${seq} records ${target.actor_username ?? 'someone'} doing "${target.action}"${target.patient_id === null ? '' : ` on patient ${target.patient_id}`} at ${target.occurred_at}.`,
        `Someone with access to the database file wants it gone, or pinned on ${scapegoatName}. The triggers refuse UPDATE and DELETE,`,
        'but a trigger is only a speed bump for whoever owns the file: the SQL below drops it, edits the row, and puts it back.',
        'Run one variant, then GET /audit/verify. POST /demo/reset when done.',
      ],
      planted: { seqs: [], from: null, to: null },
      lookFor: variants.map((v) => `${v.name}: verify answers ${v.expect.problem} at ${v.expect.firstBrokenSequence}`),
      details: { database: kit.db.dialect, target: { seq, actor: target.actor_username, action: target.action, patientId: target.patient_id }, variants },
    };
  },
};

/** The most telling row: nurse.patel reading the VIP (after the snooping scenario), else the latest chart read. */
async function pickTarget(kit: ScenarioKit): Promise<TrailRowSummary | undefined> {
  return (
    (await kit.trail.latest({ patientId: SPECIAL_PATIENTS.vipOffCareTeam, action: 'read', actorUsername: 'nurse.patel' })) ??
    (await kit.trail.latest({ action: 'read', withPatient: true })) ??
    (await kit.trail.latest())
  );
}

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

function sqliteVariants(kit: ScenarioKit, seq: number, blame: string, scapegoat: string): TamperVariant[] {
  const [noUpdate, noDelete] = appendOnly('sqlite', 'audit_events').map(oneLine);
  const configured = kit.config.get('SQLITE_PATH');
  const file = configured === ':memory:' ? '<in-memory database: start the service with SQLITE_PATH=./data/hit-demo.sqlite>' : resolve(configured);
  const variant = (name: TamperVariant['name'], what: string, statements: string[], expect: TamperVariant['expect']): TamperVariant => {
    const sql = `${statements.join(';\n')};`;
    return { name, what, sql, command: `sqlite3 '${file}' <<'SQL'\n${sql}\nSQL`, expect };
  };
  return [
    variant('alter', `pin row ${seq} on ${scapegoat}`, [
      'DROP TRIGGER IF EXISTS audit_events_no_update',
      blame,
      noUpdate,
    ], { valid: false, problem: 'row-altered', firstBrokenSequence: seq }),
    variant('delete', `delete row ${seq}`, [
      'DROP TRIGGER IF EXISTS audit_events_no_delete',
      `DELETE FROM audit_events WHERE seq = ${seq}`,
      noDelete,
    ], { valid: false, problem: 'row-missing', firstBrokenSequence: seq }),
    variant('cut-tail', `delete row ${seq} and every row after it`, [
      'DROP TRIGGER IF EXISTS audit_events_no_delete',
      `DELETE FROM audit_events WHERE seq >= ${seq}`,
      noDelete,
    ], { valid: false, problem: 'tail-truncated', firstBrokenSequence: seq }),
  ];
}

function postgresVariants(kit: ScenarioKit, seq: number, blame: string, scapegoat: string): TamperVariant[] {
  const schema = kit.config.get('DATABASE_SCHEMA');
  const prefix = schema ? [`SET search_path TO ${schema}`] : [];
  const variant = (name: TamperVariant['name'], what: string, change: string, expect: TamperVariant['expect']): TamperVariant => {
    const sql = `${[...prefix, 'ALTER TABLE audit_events DISABLE TRIGGER USER', change, 'ALTER TABLE audit_events ENABLE TRIGGER USER'].join(';\n')};`;
    return { name, what, sql, command: `psql "$DATABASE_URL" <<'SQL'\n${sql}\nSQL`, expect };
  };
  return [
    variant('alter', `pin row ${seq} on ${scapegoat}`, blame,
      { valid: false, problem: 'row-altered', firstBrokenSequence: seq }),
    variant('delete', `delete row ${seq}`, `DELETE FROM audit_events WHERE seq = ${seq}`, { valid: false, problem: 'row-missing', firstBrokenSequence: seq }),
    variant('cut-tail', `delete row ${seq} and every row after it`, `DELETE FROM audit_events WHERE seq >= ${seq}`,
      { valid: false, problem: 'tail-truncated', firstBrokenSequence: seq }),
  ];
}
