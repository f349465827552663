/**
 * Boots the app in-process (an in-memory SQLite database, nothing listening) and writes the OpenAPI document it
 * serves at /docs-json to the given file: what `npm run lint:api` hands to Redocly CLI and Spectral.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/bootstrap';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: fetch-document <output.json>');
  Object.assign(process.env, { NODE_ENV: 'test', LOG_LEVEL: 'silent', SQLITE_PATH: ':memory:', AUDIT_CHECKPOINT_SECONDS: '0', SEED_ON_EMPTY: 'false' });
  delete process.env.DATABASE_URL;
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot()] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  configureApp(app);
  await app.init();
  try {
    const res = await request(app.getHttpServer()).get('/docs-json');
    if (res.status !== 200) throw new Error(`GET /docs-json answered ${res.status}`);
    writeFileSync(out, `${JSON.stringify(res.body, null, 2)}\n`);
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
