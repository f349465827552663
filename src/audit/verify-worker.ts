/**
 * A worker thread of the parallel audit verify (parallel-verify.ts): opens the SQLite file read-only and checks the
 * ranges it is sent, one message per range. Kept free of Nest and of the service: only the driver and the chain rule.
 */
import { createSecretKey } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { verifyRange } from './chain-range';
import { CHAIN_COLUMNS } from './hash-chain';

export interface VerifyWorkerData {
  file: string;
  key: string;
  checkpoints: [number, string][];
}

export interface RangeTask {
  index: number;
  from: number;
  to: number;
}

const data = workerData as VerifyWorkerData;
const db = new Database(data.file, { readonly: true, fileMustExist: true });
const key = createSecretKey(Buffer.from(data.key, 'utf8'));
const checkpoints = new Map(data.checkpoints);
const range = db.prepare(`SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq`).raw();

parentPort!.on('message', (task: RangeTask | null) => {
  if (task === null) {
    db.close();
    parentPort!.close();
    return;
  }
  const result = verifyRange(key, range.iterate(task.from, task.to) as Iterable<unknown[]>, checkpoints);
  parentPort!.postMessage({ index: task.index, result });
});
