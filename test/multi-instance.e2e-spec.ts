import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { Db } from '../src/database/db';
import { seedDatabase } from '../seed/generator';
import { useSharedDemoPasswordHashes } from './helpers/shared-hashes';
import { ChildServer, startChild } from '../bench/support/child-server';

const PG = process.env.E2E_DATABASE_URL;
const PASSWORD = 'hit-demo-2026';

/**
 * Three service processes on different ports over one PostgreSQL database, concurrent traffic to all three:
 * one valid audit chain with no gap (appends serialized by pg_advisory_xact_lock), no lost update (optimistic
 * versions), every acknowledged write audited exactly once. Runs in the PostgreSQL leg (E2E_DATABASE_URL).
 */
(PG ? describe : describe.skip)('several instances on one PostgreSQL database', () => {
  const schema = `multi_${randomBytes(4).toString('hex')}`;
  const servers: ChildServer[] = [];
  const env = { DATABASE_URL: PG!, DATABASE_SCHEMA: schema, NODE_ENV: 'test', LOGIN_MAX_FAILURES_PER_ADDRESS: '100000' };

  beforeAll(async () => {
    const c = new Client({ connectionString: PG });
    await c.connect();
    await c.query(`CREATE SCHEMA ${schema}`);
    await c.end();
    const ds = new DataSource(dataSourceOptions({ DATABASE_URL: PG, DATABASE_SCHEMA: schema, SQLITE_PATH: ':memory:' }));
    await ds.initialize();
    await ds.runMigrations();
    useSharedDemoPasswordHashes();
    await seedDatabase(new Db(ds), { patients: 30 });
    await ds.destroy();
    for (let i = 0; i < 3; i++) servers.push(await startChild('bench/support/serve-app.ts', env));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    const c = new Client({ connectionString: PG });
    await c.connect();
    await c.query(`DROP SCHEMA ${schema} CASCADE`);
    await c.end();
  });

  const call = async (port: number, method: string, path: string, token?: string, body?: object) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { version?: number; valid?: boolean } };
  };
  const login = async (port: number, username: string) => (await call(port, 'POST', '/auth/login', undefined, { username, password: PASSWORD })).body.accessToken as string;

  it('concurrent reads, writes and read-modify-write updates on three instances: one chain, no lost update', async () => {
    const ports = servers.map((s) => s.port);
    const registrars = await Promise.all(ports.map((p) => login(p, 'reg.lopez')));
    const chens = await Promise.all(ports.map((p) => login(p, 'dr.chen')));
    const encounter = ((await call(ports[0], 'GET', '/patients/11/encounters', chens[0])).body as unknown as { id: number }[])[0].id;

    let updates = 0;
    let conflicts = 0;
    let observations = 0;
    const updater = async (i: number) => {
      for (let k = 0; k < 15; k++) {
        const port = ports[(i + k) % 3];
        const token = registrars[(i + k) % 3];
        const current = await call(port, 'GET', '/patients/12', token);
        const res = await call(port, 'PATCH', '/patients/12', token, { phone: `555-${String(i * 100 + k).padStart(4, "0")}`, version: current.body.version });
        if (res.status === 200) updates += 1;
        else if (res.status === 409) conflicts += 1;
        else throw new Error(`unexpected ${res.status} ${JSON.stringify(res.body)} after GET ${current.status} ${JSON.stringify(current.body).slice(0, 300)}`);
      }
    };
    const writer = async (i: number) => {
      for (let k = 0; k < 15; k++) {
        const port = ports[(i + k) % 3];
        const res = await call(port, 'POST', `/encounters/${encounter}/observations`, chens[(i + k) % 3], {
          loincCode: '8867-4', display: 'Heart rate', value: 70 + k, unit: '/min', observedAt: '2026-11-20T10:00:00Z',
        });
        expect(res.status).toBe(201);
        observations += 1;
      }
    };
    const reader = async (i: number) => {
      for (let k = 0; k < 20; k++) expect((await call(ports[(i + k) % 3], 'GET', '/patients/11/record', chens[(i + k) % 3])).status).toBe(200);
    };
    await Promise.all([0, 1, 2, 3, 4, 5].flatMap((i) => [updater(i), writer(i), reader(i)]));

    const privacy = await login(ports[2], 'privacy.smith');
    const final = await call(ports[1], 'GET', '/patients/12', registrars[1]);
    // No lost update: every acknowledged update moved the version by exactly one.
    expect(final.body.version).toBe(1 + updates);
    expect(updates + conflicts).toBe(90);
    const c = new Client({ connectionString: PG });
    await c.connect();
    await c.query(`SET search_path TO ${schema}`);
    const audited = await c.query(`SELECT COUNT(*)::int AS n FROM audit_events WHERE action = 'update' AND resource_type = 'patient' AND resource_id = '12'`);
    const created = await c.query(`SELECT COUNT(*)::int AS n FROM audit_events WHERE action = 'create' AND resource_type = 'observations'`);
    const gaps = await c.query(`SELECT COUNT(*)::int AS n, MIN(seq)::int AS lo, MAX(seq)::int AS hi FROM audit_events`);
    await c.end();
    expect(audited.rows[0].n).toBe(updates);
    expect(created.rows[0].n).toBe(observations);
    expect(gaps.rows[0].hi - gaps.rows[0].lo + 1).toBe(gaps.rows[0].n);
    const verify = await call(ports[0], 'GET', '/audit/verify', privacy);
    expect(verify.body).toMatchObject({ valid: true });
  }, 180_000);

  it('the same ROI transition sent to all three instances at once happens exactly once', async () => {
    const ports = servers.map((s) => s.port);
    // roi.garcia logs each request; roi.nguyen works it on every instance (separation of duties).
    const loggers = await Promise.all(ports.map((p) => login(p, 'roi.garcia')));
    const rois = await Promise.all(ports.map((p) => login(p, 'roi.nguyen')));
    for (let round = 0; round < 5; round++) {
      const created = await call(ports[round % 3], 'POST', '/roi/requests', loggers[round % 3], {
        patientId: 10 + round, requesterType: 'provider', requesterName: 'Springfield Clinic', purpose: 'Continuing care',
        recordTypes: ['encounters'], format: 'electronic',
      });
      expect(created.status).toBe(201);
      let version = created.body.version as number;
      for (const action of ['verify-identity', 'validate-authorization', 'begin-review']) {
        const answers = await Promise.all(ports.map((p, i) => call(p, 'POST', `/roi/requests/${created.body.id}/transitions`, rois[i], { action, version })));
        const statuses = answers.map((a) => a.status).sort();
        expect(statuses).toEqual([200, 409, 409]);
        version = answers.find((a) => a.status === 200)!.body.version as number;
      }
      const detail = await call(ports[0], 'GET', `/roi/requests/${created.body.id}`, rois[0]);
      const history = (detail.body as unknown as { history: { action: string }[] }).history.map((h) => h.action);
      expect(history.filter((a) => a === 'verify-identity')).toHaveLength(1);
      expect(history.filter((a) => a === 'begin-review')).toHaveLength(1);
      expect(detail.body.status).toBe('in-review');
    }
  }, 120_000);
});
