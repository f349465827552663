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
 * Crash recovery: the service runs as a child process on a SQLite file; concurrent writers (observations, demographic
 * updates, logins) run until the process is killed with SIGKILL at a random moment; then the file is checked and the
 * service restarted. A write acknowledged with a 2xx must be there, with its audit row; a write that was not
 * acknowledged must be either wholly there (data and audit row) or wholly absent; the chain must verify.
 */
export interface CycleResult {
  cycle: number;
  acknowledged: number;
  found: number;
  lost: number;
  unacknowledgedApplied: number;
  halfApplied: number;
  integrity: string;
  chainValid: boolean;
}

interface Write {
  kind: 'observation' | 'login' | 'demographics';
  requestId: string;
  acked: boolean;
  id?: number;
}

const PASSWORD = 'hit-demo-2026';

export async function runCrashCycles(cycles: number, opts: { log?: (line: string) => void; millis?: [number, number] } = {}): Promise<CycleResult[]> {
  const log = opts.log ?? (() => undefined);
  const [minMs, maxMs] = opts.millis ?? [500, 2500];
  const dir = mkdtempSync(join(tmpdir(), 'crash-test-'));
  const file = join(dir, 'crash.sqlite');
  const results: CycleResult[] = [];
  try {
    const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: file }));
    await ds.initialize();
    await ds.runMigrations();
    useSharedDemoPasswordHashes();
    await seedDatabase(new Db(ds), { patients: 40 });
    await ds.destroy();

    for (let cycle = 1; cycle <= cycles; cycle++) {
      const server = await start(file);
      const writes: Write[] = [];
      const killAfter = minMs + Math.random() * (maxMs - minMs);
      const stopAt = Date.now() + killAfter;
      const context = await prepare(server.port);
      const workers = Array.from({ length: 8 }, (_, i) => worker(server.port, context, i, writes, stopAt + 2000));
      await sleep(killAfter);
      server.process.kill('SIGKILL');
      await Promise.allSettled(workers);
      const result = await check(file, writes, cycle);
      results.push(result);
      log(`cycle ${cycle}: killed after ${Math.round(killAfter)} ms; acknowledged ${result.acknowledged}, found ${result.found}, lost ${result.lost}, ` +
        `unacknowledged but applied ${result.unacknowledgedApplied}, half-applied ${result.halfApplied}, integrity ${result.integrity}, chain valid ${result.chainValid}`);
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
  chen: string;
  registrar: string;
  encounters: number[];
  patients: number[];
}

async function http(port: number, method: string, path: string, body?: object, token?: string, requestId: string = randomUUID()) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

async function prepare(port: number): Promise<Context> {
  const login = async (username: string) => (await http(port, 'POST', '/auth/login', { username, password: PASSWORD })).body.accessToken as string;
  const chen = await login('dr.chen');
  const registrar = await login('reg.lopez');
  const record = (await http(port, 'GET', '/patients/11/record', undefined, chen)).body as { encounters: { id: number }[] };
  return { chen, registrar, encounters: record.encounters.map((e) => e.id), patients: [10, 12, 14, 19, 20] };
}

async function worker(port: number, ctx: Context, n: number, writes: Write[], deadline: number): Promise<void> {
  for (let i = 0; Date.now() < deadline; i++) {
    const requestId = `crash-${randomUUID()}`;
    const kind = (['observation', 'observation', 'login', 'demographics'] as const)[(n + i) % 4];
    const write: Write = { kind, requestId, acked: false };
    writes.push(write);
    try {
      if (kind === 'observation') {
        const enc = ctx.encounters[(n + i) % ctx.encounters.length];
        const res = await http(port, 'POST', `/encounters/${enc}/observations`, { loincCode: '8867-4', display: 'Heart rate', value: 60 + (i % 40), unit: '/min', observedAt: new Date().toISOString() }, ctx.chen, requestId);
        write.acked = res.status === 201;
        write.id = res.body.id as number | undefined;
      } else if (kind === 'login') {
        const res = await http(port, 'POST', '/auth/login', { username: 'nurse.patel', password: PASSWORD }, undefined, requestId);
        write.acked = res.status === 200;
      } else {
        const id = ctx.patients[(n + i) % ctx.patients.length];
        const current = await http(port, 'GET', `/patients/${id}`, undefined, ctx.registrar);
        const res = await http(port, 'PATCH', `/patients/${id}`, { phone: `555-${String(i).padStart(4, '0')}`, version: current.body.version }, ctx.registrar, requestId);
        write.acked = res.status === 200;
      }
    } catch {
      return; // the server is gone
    }
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
    const written = rows.some((r) => ['create', 'update', 'login', 'login-failed'].includes(r.action));
    if (w.acked) {
      const dataPresent = w.kind !== 'observation' || (w.id !== undefined && observation.get(w.id) !== undefined);
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
  const acknowledged = writes.filter((w) => w.acked).length;
  return { cycle, acknowledged, found, lost: acknowledged - found, unacknowledgedApplied, halfApplied, integrity, chainValid };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
