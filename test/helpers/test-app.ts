import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/bootstrap';
import { Clock } from '../../src/common/clock';
import { seedDatabase } from '../../seed/generator';
import { DiscoveryModule } from '@nestjs/core';
import { Db } from '../../src/database/db';
import { useSharedDemoPasswordHashes } from './shared-hashes';

export const DEMO_PASSWORD = 'hit-demo-2026';

export interface TestApp {
  app: NestExpressApplication;
  http: App;
  db: Db;
  clock: Clock;
  dialect: 'sqlite' | 'postgres';
  /** A bearer token for a demo user (logged in once per suite). */
  token(username: string): Promise<string>;
  /** supertest agent helpers with the user's token set. */
  as(username: string): Promise<{ get: (url: string) => request.Test; post: (url: string) => request.Test; put: (url: string) => request.Test; patch: (url: string) => request.Test; delete: (url: string) => request.Test }>;
  close(): Promise<void>;
}

/**
 * Boots the real app on a fresh database: an in-memory SQLite database, or, when E2E_DATABASE_URL is set,
 * a fresh schema on that PostgreSQL server (dropped at close). Migrations run, then a small deterministic seed (with
 * the demo password hashes made once per test run, see global-setup.ts).
 */
export async function createTestApp(opts: { patients?: number; env?: Record<string, string> } = {}): Promise<TestApp> {
  const pgUrl = process.env.E2E_DATABASE_URL;
  let schema: string | undefined;
  if (pgUrl) {
    const dbName = new URL(pgUrl).pathname.slice(1);
    if (!/test/.test(dbName)) throw new Error(`Refusing to run e2e tests on database "${dbName}": its name must say "test"`);
    schema = `e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withPg(pgUrl, (c) => c.query(`CREATE SCHEMA ${schema}`));
  }
  // What this suite's env overrides replace, put back at close: later suites in the same worker start clean.
  const saved = Object.fromEntries(Object.keys(opts.env ?? {}).map((k) => [k, process.env[k]]));
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SQLITE_PATH: ':memory:',
    AUDIT_CHECKPOINT_SECONDS: '0',
    SEED_ON_EMPTY: 'false',
    ...(pgUrl ? { DATABASE_URL: pgUrl, DATABASE_SCHEMA: schema } : {}),
    ...opts.env,
  });
  if (!pgUrl) delete process.env.DATABASE_URL;

  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(), DiscoveryModule] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  configureApp(app);
  await app.init();
  const db = app.get(Db);
  useSharedDemoPasswordHashes();
  await seedDatabase(db, { patients: opts.patients ?? 40 });
  const http = app.getHttpServer();
  const tokens = new Map<string, { token: string; at: number }>();
  const clock = app.get(Clock);

  /** One login per user, again once the suite has moved the clock (tokens expire by the app's clock). */
  const token = async (username: string) => {
    const cached = tokens.get(username);
    if (!cached || Math.abs(clock.now().getTime() - cached.at) > 5 * 60_000) {
      const res = await request(http).post('/auth/login').send({ username, password: DEMO_PASSWORD });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(username, { token: res.body.accessToken, at: clock.now().getTime() });
    }
    return tokens.get(username)!.token;
  };

  return {
    app,
    http,
    db,
    clock,
    dialect: db.dialect,
    token,
    async as(username: string) {
      const auth = `Bearer ${await token(username)}`;
      return {
        get: (url: string) => request(http).get(url).set('Authorization', auth),
        post: (url: string) => request(http).post(url).set('Authorization', auth),
        put: (url: string) => request(http).put(url).set('Authorization', auth),
        patch: (url: string) => request(http).patch(url).set('Authorization', auth),
        delete: (url: string) => request(http).delete(url).set('Authorization', auth),
      };
    },
    async close() {
      await app.close();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      if (pgUrl && schema) await withPg(pgUrl, (c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
    },
  };
}

async function withPg<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A direct connection that bypasses the app (for tamper tests): SQLite handle or a pg client on the schema. */
export async function rawSql(t: TestApp, sql: string): Promise<void> {
  if (t.dialect === 'sqlite') {
    t.db.sqlite.exec(sql);
    return;
  }
  await t.db.dataSource.query(sql);
}
