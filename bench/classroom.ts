/**
 * A class of 30 students on one service: each logs in as a different user (the demo users plus extra accounts
 * the bench creates, one role each) and cycles through what that role does (searches, record reads, writes, ROI
 * steps, reports, and the refusals the course shows) for 60 seconds. Prints requests/s, p50/p95/p99 per endpoint
 * group, the errors (anything but the expected answer, 403s included where they are expected), and whether the
 * audit chain verifies afterwards. The service runs from the compiled build, as `npm start` runs it. Targets (issue 15):
 * no unexpected answer, p99 under 100 ms, peak RSS under 300 MB, chain valid.
 *
 *   npm run bench:classroom -- --students 30 --seconds 60 --patients 1000
 */
import './support/bench-env';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { Db } from '../src/database/db';
import { seedDatabase } from '../seed/generator';
import { startChild } from './support/child-server';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const STUDENTS = Number(args.get('--students') ?? 30);
const SECONDS = Number(args.get('--seconds') ?? 60);
const PATIENTS = Number(args.get('--patients') ?? 1000);
const PASSWORD = 'hit-demo-2026';

type Call = { group: string; method: string; path: string; body?: object; expect: number[] };
interface Student {
  username: string;
  role: string;
  token: string;
  /** Patients this student may open (care team, or anyone for organization-wide roles). */
  patients: number[];
  script: (s: Student, i: number) => Call[];
  /** ROI: the colleague who works the requests this student logs (separation of duties: never the one who logged it). */
  partner?: Student;
}

const latencies = new Map<string, number[]>();
const errors: string[] = [];
let total = 0;
let port = 0;

async function http(method: string, path: string, token?: string, body?: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    /* CSV, SVG */
  }
  return { status: res.status, body: parsed };
}

async function timed(s: Student, call: Call): Promise<Record<string, unknown>> {
  const started = performance.now();
  const res = await http(call.method, call.path, s.token, call.body);
  const ms = performance.now() - started;
  total += 1;
  if (!latencies.has(call.group)) latencies.set(call.group, []);
  latencies.get(call.group)!.push(ms);
  if (!call.expect.includes(res.status)) errors.push(`${s.username} ${call.method} ${call.path} -> ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
  return res.body;
}

const pick = <T>(xs: T[], i: number) => xs[i % xs.length];
const observation = { loincCode: '8867-4', display: 'Heart rate', value: 72, unit: '/min', observedAt: '2026-11-20T10:00:00Z' };

/** What each role does in class, and one thing it is refused (the 403 the lesson is about). */
const SCRIPTS: Record<string, Student['script']> = {
  physician: (s, i) => [
    { group: 'search', method: 'GET', path: '/patients?search=sm', expect: [200] },
    { group: 'record read', method: 'GET', path: `/patients/${pick(s.patients, i)}/record`, expect: [200] },
    { group: 'encounters', method: 'GET', path: `/patients/${pick(s.patients, i + 1)}/encounters`, expect: [200] },
    { group: 'denied', method: 'GET', path: '/patients/4/record', expect: [403] },
  ],
  nurse: (s, i) => [
    { group: 'record read', method: 'GET', path: `/patients/${pick(s.patients, i)}/record`, expect: [200] },
    { group: 'denied', method: 'GET', path: '/patients/4/record', expect: [403] },
  ],
  registrar: (s, i) => [
    { group: 'search', method: 'GET', path: `/patients?search=${['a', 'mo', 'MRN00000012', 'ri'][i % 4]}`, expect: [200] },
    { group: 'demographics', method: 'GET', path: `/patients/${pick(s.patients, i)}`, expect: [200] },
    { group: 'denied', method: 'GET', path: `/patients/${pick(s.patients, i)}/encounters`, expect: [403] },
  ],
  him_technician: (s, i) => [
    { group: 'record read', method: 'GET', path: `/patients/${pick(s.patients, i)}/record`, expect: [200] },
    { group: 'amendments', method: 'GET', path: '/amendments?status=open', expect: [200] },
    { group: 'denied', method: 'POST', path: '/encounters/1/observations', body: observation, expect: [403] },
  ],
  coder: (s, i) => [
    { group: 'encounters', method: 'GET', path: `/patients/${pick(s.patients, i)}/encounters`, expect: [200] },
    { group: 'record read', method: 'GET', path: `/patients/${pick(s.patients, i)}/record`, expect: [200] },
    // Coders read the whole documentation (notes included) but never change clinical items: they code on the abstract.
    { group: 'denied', method: 'POST', path: '/encounters/1/observations', body: observation, expect: [403] },
  ],
  privacy_officer: (_s, i) => [
    { group: 'audit search', method: 'GET', path: `/audit/events?pageSize=20&action=${i % 2 ? 'read' : 'access-denied'}`, expect: [200] },
    { group: 'audit search', method: 'GET', path: `/audit/patients/${10 + (i % 30)}/access-log`, expect: [200] },
    { group: 'denied', method: 'GET', path: '/patients/11/record', expect: [403] },
  ],
  quality_analyst: () => [
    { group: 'reports', method: 'GET', path: '/reports/outcomes?from=2025-01-01&to=2026-10-31&groupBy=month', expect: [200] },
    { group: 'denied', method: 'GET', path: '/audit/events', expect: [403] },
  ],
  instructor: () => [
    { group: 'access', method: 'GET', path: '/access/matrix', expect: [200] },
    { group: 'reports', method: 'GET', path: '/reports/audit-summary?from=2026-11-01&to=2026-12-31', expect: [200] },
    { group: 'denied', method: 'GET', path: '/patients/11/record', expect: [403] },
  ],
  patient: () => [
    { group: 'own record', method: 'GET', path: '/me/record', expect: [200] },
    { group: 'own record', method: 'GET', path: '/me/access-log', expect: [200] },
    { group: 'denied', method: 'GET', path: '/patients/2/record', expect: [403] },
  ],
  admin: () => [
    { group: 'access', method: 'GET', path: '/users?pageSize=20', expect: [200] },
    { group: 'denied', method: 'GET', path: '/patients/11/record', expect: [403] },
  ],
  // Patient 2 is never the subject of the bench's ROI requests, so no open request covers it.
  roi_specialist: () => [{ group: 'denied', method: 'GET', path: '/patients/2/record', expect: [403] }],
};

/** Writes and workflows that need state from the previous answer. */
async function cycle(s: Student, i: number): Promise<void> {
  for (const call of SCRIPTS[s.role](s, i)) await timed(s, call);
  if (s.role === 'physician' || s.role === 'nurse') {
    const record = (await timed(s, { group: 'encounters', method: 'GET', path: `/patients/${pick(s.patients, i + 2)}/encounters`, expect: [200] })) as unknown as { id: number }[];
    if (Array.isArray(record) && record.length) {
      await timed(s, { group: 'clinical write', method: 'POST', path: `/encounters/${record[0].id}/observations`, body: observation, expect: [201] });
    }
  }
  if (s.role === 'registrar') {
    const id = s.patients[i % s.patients.length];
    const current = await timed(s, { group: 'demographics', method: 'GET', path: `/patients/${id}`, expect: [200] });
    await timed(s, { group: 'demographics write', method: 'PATCH', path: `/patients/${id}`, body: { phone: `555-${String(i % 10_000).padStart(4, '0')}`, version: current.version }, expect: [200] });
  }
  if (s.role === 'roi_specialist') {
    const created = await timed(s, {
      group: 'roi', method: 'POST', path: '/roi/requests', expect: [201],
      body: { patientId: pick(s.patients, i), requesterType: 'provider', requesterName: 'Springfield Clinic', purpose: 'Continuing care', recordTypes: ['encounters', 'diagnoses'], format: 'electronic' },
    });
    let version = created.version as number;
    for (const action of ['verify-identity', 'validate-authorization', 'begin-review', 'approve', 'fulfil', 'close']) {
      const r = await timed(s.partner!, { group: 'roi', method: 'POST', path: `/roi/requests/${created.id}/transitions`, body: { action, version }, expect: [200] });
      version = r.version as number;
    }
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-classroom-'));
  const file = join(dir, 'classroom.sqlite');
  try {
    const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: file }));
    await ds.initialize();
    await ds.runMigrations();
    const db = new Db(ds);
    await seedDatabase(db, { patients: PATIENTS });
    // VIP charts are refused to everyone outside their care team: keep them out of the organization-wide rounds.
    const vips = new Set((await db.query<{ id: number }>('SELECT id FROM patients WHERE vip = TRUE')).map((r) => Number(r.id)));
    await ds.destroy();
    // The service as `npm start` runs it: the compiled build (built first when dist/ is older than the sources).
    execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'build-if-needed.js')], { stdio: 'inherit' });
    const server = await startChild('bench/support/serve-dist.js', { SQLITE_PATH: file, NODE_ENV: 'test', LOGIN_MAX_FAILURES_PER_ADDRESS: '100000', JWT_TTL: '3600' });
    port = server.port;

    // The class: the demo users, then extra accounts (created by the admin, through the API) up to STUDENTS.
    const adminToken = (await http('POST', '/auth/login', undefined, { username: 'admin', password: PASSWORD })).body.accessToken as string;
    const demo: [string, string][] = [
      ['dr.chen', 'physician'], ['dr.okafor', 'physician'], ['nurse.patel', 'nurse'], ['reg.lopez', 'registrar'], ['him.jones', 'him_technician'],
      ['coder.kim', 'coder'], ['roi.garcia', 'roi_specialist'], ['roi.nguyen', 'roi_specialist'], ['privacy.smith', 'privacy_officer'], ['analyst.wong', 'quality_analyst'],
      ['instructor', 'instructor'], ['patient.demo', 'patient'], ['admin', 'admin'],
    ];
    const extraRoles = ['nurse', 'physician', 'registrar', 'coder', 'him_technician', 'roi_specialist', 'privacy_officer', 'quality_analyst'];
    const roster = [...demo];
    for (let n = 0; roster.length < STUDENTS; n++) {
      const role = extraRoles[n % extraRoles.length];
      const username = `student${String(n + 1).padStart(2, '0')}.${role.split('_')[0]}`;
      const res = await http('POST', '/users', adminToken, { username, displayName: `Student ${n + 1}`, role, password: `${PASSWORD}-student` });
      if (res.status !== 201) throw new Error(`create ${username}: ${res.status} ${JSON.stringify(res.body)}`);
      roster.push([username, role]);
    }
    const him = (await http('POST', '/auth/login', undefined, { username: 'him.jones', password: PASSWORD })).body.accessToken as string;
    const students: Student[] = [];
    for (const [k, [username, role]] of roster.entries()) {
      const password = k < demo.length ? PASSWORD : `${PASSWORD}-student`;
      const login = await http('POST', '/auth/login', undefined, { username, password });
      const token = login.body.accessToken as string;
      const userId = (login.body.user as { id: number }).id;
      let patients = Array.from({ length: 90 }, (_, j) => 10 + j).filter((id) => !vips.has(id));
      if (role === 'physician' || role === 'nurse') {
        // Clinicians need care-team patients: the seeded ones, or ten added for each new student by the HIM technician.
        patients = Array.from({ length: 10 }, (_, j) => 100 + k * 10 + j);
        for (const id of patients) await http('POST', `/patients/${id}/care-team`, him, { userId, teamRole: role });
      }
      // Registrars update demographics: each its own patients, so two students never race one version.
      if (role === 'registrar') patients = patients.filter((_, j) => j % STUDENTS === k % STUDENTS || j % STUDENTS === (k + 7) % STUDENTS);
      students.push({ username, role, token, patients, script: SCRIPTS[role] });
    }
    const roi = students.filter((s) => s.role === 'roi_specialist');
    roi.forEach((s, j) => { s.partner = roi[(j + 1) % roi.length]; });
    console.log(`${students.length} students logged in (${[...new Set(students.map((s) => s.role))].join(', ')}); running ${SECONDS} s`);

    const deadline = Date.now() + SECONDS * 1000;
    const started = performance.now();
    // CPU time of the service and of this load generator (same machine): the service's share tells a slow service
    // from a starved one.
    const cpuBefore = [server.cpuMs(), process.cpuUsage()] as const;
    await Promise.all(students.map(async (s) => {
      for (let i = 0; Date.now() < deadline; i++) await cycle(s, i);
    }));
    const elapsed = (performance.now() - started) / 1000;
    const serverCpuMs = server.cpuMs() - cpuBefore[0];
    const own = process.cpuUsage(cpuBefore[1]);
    const generatorCpuMs = (own.user + own.system) / 1000;

    const privacy = (await http('POST', '/auth/login', undefined, { username: 'privacy.smith', password: PASSWORD })).body.accessToken as string;
    const verify = (await http('GET', '/audit/verify', privacy)).body;
    const peak = server.peakRssMb();
    await server.stop();

    const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
    const rows = [...latencies].map(([group, xs]) => {
      xs.sort((a, b) => a - b);
      return { group, requests: xs.length, 'p50 ms': +pct(xs, 50).toFixed(1), 'p95 ms': +pct(xs, 95).toFixed(1), 'p99 ms': +pct(xs, 99).toFixed(1) };
    });
    const all = [...latencies.values()].flat().sort((a, b) => a - b);
    console.log(`\nclassroom: ${students.length} students, ${elapsed.toFixed(0)} s, ${PATIENTS} patients, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, peak RSS ${Math.round(peak)} MB`);
    console.table(rows);
    console.log(`total ${total} requests, ${(total / elapsed).toFixed(0)} requests/s; overall p50 ${pct(all, 50).toFixed(1)} ms, p95 ${pct(all, 95).toFixed(1)} ms, p99 ${pct(all, 99).toFixed(1)} ms`);
    console.log(`CPU: the service ${((serverCpuMs * 1000) / total).toFixed(0)} µs per request (${(serverCpuMs / 1000 / elapsed).toFixed(2)} cores), the load generator ${(generatorCpuMs / 1000 / elapsed).toFixed(2)} cores`);
    console.log(`unexpected answers: ${errors.length}${errors.length ? `\n  ${errors.slice(0, 10).join('\n  ')}` : ''}`);
    console.log(`audit chain after the class: valid ${verify.valid}, ${verify.checked} events checked`);
    const checks: [string, boolean][] = [
      ['no unexpected answer (expected 403s aside)', errors.length === 0],
      [`p99 ${pct(all, 99).toFixed(1)} ms < 100 ms`, pct(all, 99) < 100],
      [`peak RSS ${Math.round(peak)} MB < 300 MB`, peak < 300],
      ['audit chain valid', verify.valid === true],
    ];
    for (const [label, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${label}`);
    process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
