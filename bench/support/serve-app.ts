/**
 * Runs the real service (NestJS, guards, policy, views, group-committed audit) on the SQLite file named by
 * SQLITE_PATH, for benchmarks that drive it over HTTP from another process. Prints "listening <port>" when ready.
 */
import 'reflect-metadata';
import { createApp } from '../../src/bootstrap';

async function main(): Promise<void> {
  process.env.LOG_LEVEL = 'silent';
  process.env.SEED_ON_EMPTY = 'false';
  process.env.AUDIT_CHECKPOINT_SECONDS = '0';
  const app = await createApp();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const address = app.getHttpServer().address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : process.env.PORT}\n`);
}

void main();
