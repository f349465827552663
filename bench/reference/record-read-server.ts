/**
 * The hand-written limit for GET /patients/:id/record: a bare node:http server that runs the same SQL reads as
 * the service (care-team and grant check, patient, encounters, the four item tables, with the service's own column
 * lists and order) and the same chained, durable audit insert (HMAC over the previous hash, head update,
 * synchronous=FULL) with better-sqlite3 directly. No framework, no validation, no per-role shaping beyond what the
 * SQL does. Audit rows of the requests that arrive in one event-loop turn commit
 * together (group commit, as the service does), and each response leaves only after its row is committed.
 */
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { createServer } from 'node:http';
import { chainHash, positionMac, GENESIS_HASH } from '../../src/audit/hash-chain';
import { applySqlitePragmas } from '../../src/database/sqlite-pragmas';
import { CHART_COLUMNS, DATE_COLUMN, ITEM_TABLE, ITEM_TYPES } from '../../src/records/clinical-items';
import { ENCOUNTER_COLUMNS } from '../../src/records/encounter-row';

const KEY = process.env.AUDIT_HMAC_KEY ?? 'demo-audit-hmac-key-not-for-production-0001';
const db = new Database(process.env.SQLITE_PATH!);
applySqlitePragmas(db);

/**
 * A query by patient id, its rows as better-sqlite3's objects; with REF_ROWS=raw (`--reference-rows raw`), row arrays
 * zipped into objects by column name, as the service's Db builds them: the faster limit.
 */
function rowsOf(stmt: Statement): (patientId: number) => Record<string, unknown>[] {
  if (process.env.REF_ROWS !== 'raw') return (patientId) => stmt.all(patientId) as Record<string, unknown>[];
  const names = stmt.columns().map((c) => c.name);
  stmt.raw(true);
  return (patientId) =>
    (stmt.all(patientId) as unknown[][]).map((values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
      return row;
    });
}

const q = {
  relation: db.prepare('SELECT p.vip, EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = p.id AND c.user_id = ?) AS care FROM patients p WHERE p.id = ?'),
  patient: db.prepare('SELECT * FROM patients WHERE id = ?'),
  encounters: rowsOf(db.prepare(`SELECT ${ENCOUNTER_COLUMNS} FROM encounters WHERE patient_id = ? AND status <> 'entered-in-error' ORDER BY admitted_at DESC, id`)),
  items: ITEM_TYPES.map((t) =>
    rowsOf(db.prepare(`SELECT ${CHART_COLUMNS[t]} FROM ${ITEM_TABLE[t]} WHERE patient_id = ? AND status <> 'entered-in-error' ORDER BY ${DATE_COLUMN[t]}, id`)),
  ),
  head: db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1'),
  insert: db.prepare(`INSERT INTO audit_events (seq, occurred_at, actor_user_id, actor_username, actor_role, action, resource_type, resource_id,
    patient_id, outcome, reason, purpose_of_use, break_glass, request_id, client_ip, user_agent, details, prev_hash, hash)
    VALUES (?, ?, ?, ?, ?, 'read', 'record', ?, ?, 'success', NULL, NULL, 0, ?, ?, ?, ?, ?, ?)`),
  setHead: db.prepare(`INSERT INTO audit_head (id, seq, hash, updated_at, hmac) VALUES (1, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, updated_at = excluded.updated_at, hmac = excluded.hmac`),
};

interface Pending {
  userId: number;
  patientId: number;
  requestId: string;
  ip: string;
  details: string;
  done: () => void;
}
let pending: Pending[] = [];

const commit = db.transaction((batch: Pending[]) => {
  const head = (q.head.get() as { seq: number; hash: string } | undefined) ?? { seq: 0, hash: GENESIS_HASH };
  let prev = head.hash;
  let seq = head.seq;
  const at = new Date().toISOString();
  for (const p of batch) {
    seq += 1;
    prev = insertRow(seq, prev, at, p);
  }
  q.setHead.run(seq, prev, at, positionMac(KEY, 'head', seq, prev, at));
});

function audit(p: Pending): void {
  pending.push(p);
  if (pending.length > 1) return;
  setImmediate(() => {
    const batch = pending;
    pending = [];
    commit(batch);
    for (const b of batch) b.done();
  });
}

function insertRow(seq: number, prevHash: string, at: string, p: Pending): string {
  const { userId, patientId, requestId, ip, details } = p;
  const row = {
    seq, occurred_at: at, actor_user_id: userId, actor_username: 'bench', actor_role: 'physician', action: 'read', resource_type: 'record',
    resource_id: String(patientId), patient_id: patientId, outcome: 'success', reason: null, purpose_of_use: null, break_glass: false,
    request_id: requestId, client_ip: ip, user_agent: 'autocannon', details,
  };
  const hash = chainHash(KEY, prevHash, row);
  q.insert.run(seq, at, userId, 'bench', 'physician', String(patientId), patientId, requestId, ip, 'autocannon', details, prevHash, hash);
  return hash;
}

let counter = 0;
const server = createServer((req, res) => {
  const m = /^\/patients\/(\d+)\/record$/.exec(req.url ?? '');
  const userId = Number(req.headers['x-user-id'] ?? 0);
  if (!m) {
    res.writeHead(404).end();
    return;
  }
  const patientId = Number(m[1]);
  const rel = q.relation.get(userId, patientId) as { vip: number; care: number } | undefined;
  if (!rel || !rel.care) {
    res.writeHead(403).end('{}');
    return;
  }
  const body = {
    patientId,
    demographics: q.patient.get(patientId),
    encounters: q.encounters(patientId),
    diagnoses: q.items[0](patientId),
    procedures: q.items[1](patientId),
    observations: q.items[2](patientId),
    notes: q.items[3](patientId),
  };
  const json = JSON.stringify(body);
  audit({
    userId, patientId, requestId: `ref-${++counter}`, ip: req.socket.remoteAddress ?? '', details: JSON.stringify({ encounters: body.encounters.length }),
    done: () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json),
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : ''}\n`);
});
