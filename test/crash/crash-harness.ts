import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source';
import { Db } from '../../src/database/db';
import { seedDatabase } from '../../seed/generator';
import { useSharedDemoPasswordHashes } from '../helpers/shared-hashes';
import { ChildServer, startChild } from '../../bench/support/child-server';

/**
 * Crash recovery: the service runs as a child process on a SQLite file; concurrent writers of every kind (clinical
 * records, amendments, release-of-information transitions, logins, break-the-glass grants) run a sustained load,
 * and once each kind has at least MIN_PER_KIND acknowledged writes the process is killed with SIGKILL at a random
 * moment of the next 1.5 s; then the file is checked and the service restarted. A write acknowledged with a 2xx must be there, with its audit row; a write that was not
 * acknowledged must be either wholly there (data and audit row) or wholly absent; the chain must verify.
 */
export interface CycleResult {
  cycle: number;
  acknowledged: number;
  found: number;
  lost: number;
  unacknowledgedApplied: number;
  halfApplied: number;
  /** Acknowledged writes per kind in this cycle. */
  byKind: Record<Kind, number>;
  integrity: string;
  chainValid: boolean;
}

export const KINDS = ['record', 'amendment', 'roi', 'login', 'break-glass'] as const;
export type Kind = (typeof KINDS)[number];
/** Acknowledged writes of every kind before the kill may land. */
export const MIN_PER_KIND = 200;

interface Write {
  kind: Kind;
  requestId: string;
  acked: boolean;
  id?: number;
}

const PASSWORD = 'hit-demo-2026';

export async function runCrashCycles(cycles: number, opts: { log?: (line: string) => void; minPerKind?: number } = {}): Promise<CycleResult[]> {
  const log = opts.log ?? (() => undefined);
  const minPerKind = opts.minPerKind ?? MIN_PER_KIND;
  const dir = mkdtempSync(join(tmpdir(), 'crash-test-'));
  const file = join(dir, 'crash.sqlite');
  const results: CycleResult[] = [];
  try {
    const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: file }));
    await ds.initialize();
    await ds.runMigrations();
    useSharedDemoPasswordHashes();
    // Enough patients for every cycle's break-the-glass grants (one per user and patient while it lasts).
    await seedDatabase(new Db(ds), { patients: 40 + 100 * cycles });
    await ds.destroy();

    for (let cycle = 1; cycle <= cycles; cycle++) {
      const server = await start(file);
      const writes: Write[] = [];
      const started = Date.now();
      const context = await prepare(server.port, cycle);
      let running = true;
      // Two workers per kind (four for logins, whose password hashing makes them the slowest), a sustained load until the kill.
      const workers = KINDS.flatMap((kind) => {
        const count = kind === 'login' ? 4 : 2;
        return Array.from({ length: count }, (_, n) => worker(server.port, context, kind, n, count, writes, () => running));
      });
      // Until every kind has its acknowledged writes (at most 120 s), then a random moment of the next 1.5 s.
      while (Date.now() - started < 120_000 && KINDS.some((k) => acked(writes, k) < minPerKind)) await sleep(50);
      await sleep(Math.random() * 1500);
      const killAfter = Date.now() - started;
      server.process.kill('SIGKILL');
      running = false;
      await Promise.allSettled(workers);
      const result = await check(file, writes, cycle);
      results.push(result);
      log(`cycle ${cycle}: killed after ${killAfter} ms; acknowledged ${result.acknowledged} (${KINDS.map((k) => `${k} ${result.byKind[k]}`).join(', ')}), ` +
        `found ${result.found}, lost ${result.lost}, unacknowledged but applied ${result.unacknowledgedApplied}, half-applied ${result.halfApplied}, ` +
        `integrity ${result.integrity}, chain valid ${result.chainValid}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

function start(file: string): Promise<ChildServer> {
  return startChild('bench/support/serve-app.ts', { SQLITE_PATH: file, NODE_ENV: 'test', LOGIN_MAX_FAILURES_PER_ADDRESS: '100000' });
}

interface Context {
  tokens: Record<string, string>;
  encounters: number[];
  /** A diagnosis of the demo patient's own record, the item its amendment requests name. */
  diagnosisId: number;
  /** (user, patient) pairs for this cycle's break-the-glass grants, taken in turn by the workers. */
  grants: [string, number][];
}

const acked = (writes: Write[], kind: Kind) => writes.filter((w) => w.kind === kind && w.acked).length;

async function http(port: number, method: string, path: string, body?: object, token?: string, requestId: string = randomUUID()) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

const USERS = ['dr.chen', 'dr.okafor', 'nurse.patel', 'patient.demo', 'roi.garcia', 'roi.nguyen'];
const LOGINS = ['him.jones', 'coder.kim', 'reg.lopez', 'analyst.wong'];

async function prepare(port: number, cycle: number): Promise<Context> {
  const tokens: Record<string, string> = {};
  for (const u of USERS) tokens[u] = (await http(port, 'POST', '/auth/login', { username: u, password: PASSWORD })).body.accessToken as string;
  const record = (await http(port, 'GET', '/patients/11/record', undefined, tokens['dr.chen'])).body as { encounters: { id: number }[] };
  const own = (await http(port, 'GET', '/me/record', undefined, tokens['patient.demo'])).body as { diagnoses: { id: number }[] };
  // Each cycle its own 100 patients: a grant lasts an hour, and a user holds one per patient at a time.
  const patients = Array.from({ length: 100 }, (_, i) => 41 + (cycle - 1) * 100 + i);
  const grants = patients.flatMap((p) => (['dr.chen', 'dr.okafor', 'nurse.patel'] as const).map((u): [string, number] => [u, p]));
  return { tokens, encounters: record.encounters.map((e) => e.id), diagnosisId: own.diagnoses[0].id, grants };
}

/** One write of the kind; true when it was acknowledged (2xx). */
async function writeOnce(port: number, ctx: Context, kind: Kind, i: number, requestId: string, w: Write): Promise<boolean> {
  const t = ctx.tokens;
  switch (kind) {
    case 'record': {
      const enc = ctx.encounters[i % ctx.encounters.length];
      const res = await http(port, 'POST', `/encounters/${enc}/observations`, { loincCode: '8867-4', display: 'Heart rate', value: 60 + (i % 40), unit: '/min', observedAt: new Date().toISOString() }, t['dr.chen'], requestId);
      w.id = res.body.id as number | undefined;
      return res.status === 201;
    }
    case 'amendment':
      return (await http(port, 'POST', '/patients/1/amendments', {
        itemType: 'diagnoses', itemId: ctx.diagnosisId, requestedChange: `Correction ${i}`, justification: 'My specialist letter says otherwise.',
      }, t['patient.demo'], requestId)).status === 201;
    case 'login':
      return (await http(port, 'POST', '/auth/login', { username: LOGINS[i % LOGINS.length], password: PASSWORD }, undefined, requestId)).status === 200;
    case 'break-glass': {
      const pair = ctx.grants.shift();
      if (!pair) return false;
      return (await http(port, 'POST', '/access/break-glass', { patientId: pair[1], reason: 'Unresponsive patient in the ED, attending unreachable' }, t[pair[0]], requestId)).status === 201;
    }
    case 'roi':
      return false; // driven by roiChain, which records each transition itself
  }
}

/** A release-of-information request taken through its transitions: roi.garcia logs it, roi.nguyen works it. */
async function roiChain(port: number, ctx: Context, n: number, writes: Write[], running: () => boolean): Promise<void> {
  for (let i = 0; running(); i++) {
    const created = await http(port, 'POST', '/roi/requests', {
      patientId: 2 + ((n + i) % 30), requesterType: 'law_enforcement', requesterName: 'County Sheriff', purpose: 'Investigation', recordTypes: ['diagnoses'], format: 'electronic',
      lawEnforcement: { path: 'legal-process' }, legalProcess: { type: 'court-ordered-warrant', issuedBy: 'County District Court', issuedOn: '2024-06-01', documents: [{ title: 'Search warrant', reference: 'SW-2024-1' }] },
    }, ctx.tokens['roi.garcia']);
    if (created.status !== 201) continue;
    let version = created.body.version as number;
    for (const action of ['verify-identity', 'validate-authorization', 'begin-review', 'cancel']) {
      if (!running()) return;
      const requestId = `crash-${randomUUID()}`;
      const w: Write = { kind: 'roi', requestId, acked: false };
      writes.push(w);
      const res = await http(port, 'POST', `/roi/requests/${created.body.id}/transitions`, { action, version, ...(action === 'cancel' ? { reason: 'Withdrawn.' } : {}) }, ctx.tokens['roi.nguyen'], requestId);
      w.acked = res.status === 200;
      if (!w.acked) break;
      version = res.body.version as number;
    }
  }
}

async function worker(port: number, ctx: Context, kind: Kind, n: number, of: number, writes: Write[], running: () => boolean): Promise<void> {
  try {
    if (kind === 'roi') return await roiChain(port, ctx, n, writes, running);
    for (let i = n; running(); i += of) {
      const requestId = `crash-${randomUUID()}`;
      const w: Write = { kind, requestId, acked: false };
      writes.push(w);
      w.acked = await writeOnce(port, ctx, kind, i, requestId, w);
      if (kind === 'break-glass' && ctx.grants.length === 0) return;
    }
  } catch {
    return; // the server is gone
  }
}

async function check(file: string, writes: Write[], cycle: number): Promise<CycleResult> {
  const db = new Database(file);
  const integrity = String(db.pragma('integrity_check', { simple: true }));
  const auditFor = db.prepare('SELECT action, resource_type, resource_id FROM audit_events WHERE request_id = ?');
  const observation = db.prepare('SELECT id FROM observations WHERE id = ?');
  let found = 0;
  let unacknowledgedApplied = 0;
  for (const w of writes) {
    const rows = auditFor.all(w.requestId) as { action: string; resource_id: string | null }[];
    const written = rows.some((r) => ['create', 'update', 'login', 'login-failed', 'amendment', 'roi-transition', 'break-glass'].includes(r.action));
    if (w.acked) {
      const dataPresent = w.kind !== 'record' || (w.id !== undefined && observation.get(w.id) !== undefined);
      if (written && dataPresent) found += 1;
    } else if (written) {
      unacknowledgedApplied += 1;
    }
  }
  // Atomicity: every observation has its 'create' audit row, and every such audit row its observation.
  const halfApplied = (db.prepare(
    `SELECT COUNT(*) AS n FROM observations o WHERE NOT EXISTS (
       SELECT 1 FROM audit_events a WHERE a.action = 'create' AND a.resource_type = 'observations' AND a.resource_id = CAST(o.id AS TEXT))
     AND o.created_at > '2026-11-02'`,
  ).get() as { n: number }).n + (db.prepare(
    `SELECT COUNT(*) AS n FROM audit_events a WHERE a.action = 'create' AND a.resource_type = 'observations'
       AND NOT EXISTS (SELECT 1 FROM observations o WHERE CAST(o.id AS TEXT) = a.resource_id)`,
  ).get() as { n: number }).n;
  db.close();

  // Restart on the same file (migrations and recovery run at start) and verify the chain through the API.
  const server = await start(file);
  let chainValid = false;
  try {
    const token = (await http(server.port, 'POST', '/auth/login', { username: 'privacy.smith', password: PASSWORD })).body.accessToken as string;
    chainValid = (await http(server.port, 'GET', '/audit/verify', undefined, token)).body.valid === true;
  } finally {
    await server.stop();
  }
  const acknowledgedCount = writes.filter((w) => w.acked).length;
  const byKind = Object.fromEntries(KINDS.map((k) => [k, acked(writes, k)])) as Record<Kind, number>;
  return { cycle, acknowledged: acknowledgedCount, found, lost: acknowledgedCount - found, unacknowledgedApplied, halfApplied, byKind, integrity, chainValid };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
