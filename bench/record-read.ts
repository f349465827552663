/**
 * GET /patients/:id/record under load: random care-team patients of a seeded 10,000-patient SQLite database,
 * autocannon at 32 connections for 20 s, against a bare node:http server running the same SQL reads and the same
 * chained durable audit insert with better-sqlite3 (bench/reference/record-read-server.ts, the hand-written
 * limit). Every response must be 200 and leave its audit row. The service runs from the compiled build, as
 * `npm start` runs it. Targets (issue 15): >= 60% of the reference's requests/s, p99 under 50 ms, peak RSS < 300 MB.
 *
 *   npm run bench:record-read -- --patients 10000 --connections 32 --seconds 20
 */
import './support/bench-env';
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { Db } from '../src/database/db';
import { seedDatabase } from '../seed/generator';
import { startChild } from './support/child-server';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const PATIENTS = Number(args.get('--patients') ?? 10_000);
const CONNECTIONS = Number(args.get('--connections') ?? 32);
const SECONDS = Number(args.get('--seconds') ?? 20);
const CLINICIANS = ['dr.chen', 'nurse.patel', 'dr.okafor'];

interface Run {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  peakRssMb: number;
  auditRows: number;
}

async function buildDatabase(file: string): Promise<void> {
  const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: file }));
  await ds.initialize();
  await ds.runMigrations();
  const db = new Db(ds);
  const started = performance.now();
  await seedDatabase(db, { patients: PATIENTS });
  db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await ds.destroy();
  console.log(`seeded ${PATIENTS} patients in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function careTeams(file: string): { userId: number; username: string; patients: number[] }[] {
  const db = new Database(file, { readonly: true });
  const out = CLINICIANS.map((username) => {
    const user = db.prepare('SELECT id FROM users WHERE username = ?').get(username) as { id: number };
    const patients = (db.prepare('SELECT patient_id FROM care_team_members WHERE user_id = ?').all(user.id) as { patient_id: number }[]).map((r) => r.patient_id);
    return { userId: user.id, username, patients };
  });
  db.close();
  return out;
}

function countAuditReads(file: string): number {
  const db = new Database(file, { readonly: true });
  const n = (db.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'read' AND resource_type = 'record'").get() as { n: number }).n;
  db.close();
  return n;
}

async function drive(name: string, port: number, pick: () => { path: string; headers: Record<string, string> }): Promise<autocannon.Result> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, ...pick(), method: 'GET' }) }],
  });
  console.log(`${name}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
  return result;
}

async function login(port: number, username: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'hit-demo-2026' }),
  });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

function summary(name: string, r: autocannon.Result, peakRssMb: number, auditRows: number): Run {
  return {
    name, requestsPerSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total,
    non2xx: r.non2xx, errors: r.errors + r.timeouts, peakRssMb, auditRows,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-record-read-'));
  const appFile = join(dir, 'app.sqlite');
  const refFile = join(dir, 'reference.sqlite');
  try {
    await buildDatabase(appFile);
    copyFileSync(appFile, refFile);
    const teams = careTeams(appFile);
    const random = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

    // The service as `npm start` runs it: the compiled build (built first when dist/ is older than the sources).
    execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'build-if-needed.js')], { stdio: 'inherit' });
    const app = await startChild('bench/support/serve-dist.js', { SQLITE_PATH: appFile, NODE_ENV: 'test' });
    const tokens = await Promise.all(teams.map((t) => login(app.port, t.username)));
    const before = countAuditReads(appFile);
    await drive('warm-up service', app.port, () => ({ path: `/patients/${teams[0].patients[0]}/record`, headers: { authorization: `Bearer ${tokens[0]}` } }))
      .catch(() => undefined);
    const warm = countAuditReads(appFile) - before;
    const service = await drive('service', app.port, () => {
      const i = Math.floor(Math.random() * teams.length);
      return { path: `/patients/${random(teams[i].patients)}/record`, headers: { authorization: `Bearer ${tokens[i]}`, 'x-purpose-of-use': 'TREAT' } };
    });
    const servicePeak = app.peakRssMb();
    await app.stop();
    const serviceRun = summary('NestJS service', service, servicePeak, countAuditReads(appFile) - before - warm);

    const ref = await startChild('bench/reference/record-read-server.ts', { SQLITE_PATH: refFile });
    await drive('warm-up reference', ref.port, () => ({ path: `/patients/${teams[0].patients[0]}/record`, headers: { 'x-user-id': String(teams[0].userId) } }));
    const refBefore = countAuditReads(refFile);
    const reference = await drive('reference', ref.port, () => {
      const t = random(teams);
      return { path: `/patients/${random(t.patients)}/record`, headers: { 'x-user-id': String(t.userId) } };
    });
    const refPeak = ref.peakRssMb();
    await ref.stop();
    const referenceRun = summary('bare node:http reference', reference, refPeak, countAuditReads(refFile) - refBefore);

    const ratio = serviceRun.requestsPerSecond / referenceRun.requestsPerSecond;
    console.log(`\nGET /patients/:id/record, ${PATIENTS} patients, ${CONNECTIONS} connections, ${SECONDS} s each, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.table([serviceRun, referenceRun].map((r) => ({
      server: r.name, 'req/s': Math.round(r.requestsPerSecond), 'p50 ms': r.p50, 'p99 ms': r.p99, requests: r.total,
      'non-2xx': r.non2xx, errors: r.errors, 'audit rows': r.auditRows, 'peak RSS MB': Math.round(r.peakRssMb),
    })));
    const checks = [
      [`service / reference = ${(ratio * 100).toFixed(1)}% (target >= 60%)`, ratio >= 0.6],
      [`service p99 = ${serviceRun.p99} ms (target < 50 ms)`, serviceRun.p99 < 50],
      [`service peak RSS = ${Math.round(serviceRun.peakRssMb)} MB (target < 300 MB)`, serviceRun.peakRssMb < 300],
      [`every response 200 (non-2xx ${serviceRun.non2xx}, errors ${serviceRun.errors})`, serviceRun.non2xx === 0 && serviceRun.errors === 0],
      [`an audit row per response (${serviceRun.auditRows} rows for ${serviceRun.total} responses)`, serviceRun.auditRows >= serviceRun.total],
    ] as const;
    for (const [label, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${label}`);
    process.exitCode = checks.every(([, ok]) => ok) || !process.argv.includes('--strict') ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
