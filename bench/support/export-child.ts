/**
 * The export phase of bench/audit.ts, run as its own process from compiled JavaScript (as `npm start` runs the
 * service), so the memory measured is the service's and not the TypeScript compiler's. It boots the real app on the
 * trail file, and reads GET /audit/events/export?format=csv over HTTP as privacy.smith, keeping only counts.
 *
 *   node <build>/bench/support/export-child.js <sqlite file> <hmac key>     (sends the figures over IPC)
 */
import 'reflect-metadata';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ExportFigures {
  rows: number;
  lines: number;
  bytes: number;
  seconds: number;
  /** Maximum resident set size of this process over its life (boot included). */
  maxRssBytes: number;
  /** Highest RSS sampled every 20 ms during the export. */
  peakRssBytes: number;
  rssAfterBootBytes: number;
  peakHeapUsedBytes: number;
}

async function main(): Promise<void> {
  const [file, key] = process.argv.slice(2);
  Object.assign(process.env, {
    NODE_ENV: 'test', LOG_LEVEL: 'silent', SQLITE_PATH: file, SEED_ON_EMPTY: 'false', AUDIT_CHECKPOINT_SECONDS: '0',
    AUDIT_HMAC_KEY: key, AUDIT_EXPORT_PER_MINUTE: '100',
  });
  delete process.env.DATABASE_URL;
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('../../src/app.module');
  const { configureApp } = await import('../../src/bootstrap');
  const app = await NestFactory.create<import('@nestjs/platform-express').NestExpressApplication>(AppModule.forRoot(), { bodyParser: false, logger: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  let peak = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const sampler = setInterval(sample, 20);
  try {
    // A token straight from the service's TokenService: a login would run scrypt (N=2^17, r=8: 128 MiB of
    // working memory), which has nothing to do with the export but would set the process's maximum RSS.
    const { Db } = await import('../../src/database/db');
    const { TokenService } = await import('../../src/auth/token.service');
    const user = await app.get(Db).one<{ id: number }>("SELECT id FROM users WHERE username = 'privacy.smith'");
    const token = app.get(TokenService).sign({ id: Number(user!.id), role: 'privacy_officer' });
    await call(port, 'GET', '/auth/me', token);
    const rssAfterBoot = process.memoryUsage.rss();
    const t0 = process.hrtime.bigint();
    const res = await stream(port, '/audit/events/export?format=csv', token);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    sample();
    const figures: ExportFigures = {
      ...res, seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024, peakRssBytes: peak, rssAfterBootBytes: rssAfterBoot, peakHeapUsedBytes: heap,
    };
    await new Promise<void>((resolve) => process.send!(figures, () => resolve()));
  } finally {
    clearInterval(sampler);
    await app.close();
  }
}

function call(port: number, method: string, path: string, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`${path} answered ${res.statusCode}: ${data}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads the export as it streams, keeping nothing but counts. */
function stream(port: number, path: string, token: string): Promise<{ rows: number; lines: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`export answered ${res.statusCode}`));
      let bytes = 0;
      let lines = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
      });
      res.on('end', () => resolve({ rows: Number(res.headers['x-audit-export-rows']), lines, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
