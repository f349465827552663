/**
 * The worker thread of WalCheckpointer (wal-checkpointer.ts): its own connection to the SQLite file, a PASSIVE
 * checkpoint every `intervalMs`, each result posted back. Kept free of Nest and of the service: only the driver.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  file: string;
  intervalMs: number;
}

/** What SQLite answers to PRAGMA wal_checkpoint: frames in the log, and how many of them are now in the database. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

const data = workerData as CheckpointWorkerData;
const db = new Database(data.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');

const timer = setInterval(() => {
  // PASSIVE: copies what no reader still needs, never waits for readers or the writer; the writer restarts the log
  // from its beginning once everything in it is in the database, so the file stays small.
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
  parentPort!.postMessage(result);
}, data.intervalMs);

parentPort!.on('message', (message: 'stop') => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
