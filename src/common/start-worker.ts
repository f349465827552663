import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread from the module `name` in `dir`: the compiled `.js` next to the caller (the build, `npm start`), or
 * the TypeScript source through ts-node with SWC (tests, ts-node). `options`: the rest of Node's (resource limits).
 */
export function startWorker(dir: string, name: string, workerData: unknown, options: Omit<WorkerOptions, 'eval' | 'workerData'> = {}): Worker {
  const compiled = join(dir, `${name}.js`);
  if (existsSync(compiled)) return new Worker(compiled, { ...options, workerData });
  const source = join(dir, `${name}.ts`);
  const tsconfig = join(__dirname, '..', '..', 'tsconfig.json');
  const boot = `require('ts-node').register({ swc: true, transpileOnly: true, project: ${JSON.stringify(tsconfig)} }); require(${JSON.stringify(source)});`;
  return new Worker(boot, { ...options, eval: true, workerData });
}
