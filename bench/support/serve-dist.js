/**
 * serve-app.ts from the compiled build (dist/, `npm run build`): the service as `npm start` runs it, without ts-node
 * or SWC in the process. Prints "listening <port>" when ready.
 */
require('reflect-metadata');
const { join } = require('node:path');
const { createApp } = require(join(__dirname, '..', '..', 'dist', 'src', 'bootstrap'));

async function main() {
  process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'silent';
  process.env.SEED_ON_EMPTY = 'false';
  process.env.AUDIT_CHECKPOINT_SECONDS = '0';
  const app = await createApp();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const address = app.getHttpServer().address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : process.env.PORT}\n`);
}

void main();
