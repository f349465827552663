import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../common/start-worker';
import { Db } from './db';
import type { CheckpointResult, CheckpointWorkerData } from './wal-checkpoint-worker';

/** How often the worker checkpoints: a quarter of a second of appends is a few hundred pages to copy. */
export const CHECKPOINT_INTERVAL_MS = 250;
/**
 * The service's own connection checkpoints only past this many pages (64 MiB of log): a safety net should the
 * worker stop. SQLite's default is 1,000 pages, reached every few seconds under a class's load.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;

/**
 * SQLite's WAL checkpoints on a worker thread of their own. By default the connection that commits copies the log
 * into the database file (and fsyncs it) whenever the log passes 1,000 pages: on the service's only connection, so
 * every request waited 5-15 ms each time, and the copying cost 14% of the CPU per request of a classroom run
 * (docs/performance.md). The worker's PASSIVE checkpoints take no lock the service's reads or writes wait for.
 * Durability is unchanged: a commit is durable once its log frames are synced (synchronous=FULL), checkpoint or
 * not. Only for a SQLite file in WAL mode; PostgreSQL and in-memory databases have nothing to do here.
 */
@Injectable()
export class WalCheckpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | null = null;
  private readonly waiting: ((r: CheckpointResult) => void)[] = [];

  constructor(private readonly db: Db) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Whether checkpoints run on the worker. */
  get running(): boolean {
    return this.worker !== null;
  }

  start(intervalMs = CHECKPOINT_INTERVAL_MS): void {
    if (this.worker || this.db.dialect !== 'sqlite' || this.db.sqlite.memory) return;
    if (this.db.sqlite.pragma('journal_mode', { simple: true }) !== 'wal') return;
    const data: CheckpointWorkerData = { file: this.db.sqlite.name, intervalMs };
    const worker = startWorker(__dirname, 'wal-checkpoint-worker', data);
    worker.unref();
    worker.on('message', (r: CheckpointResult) => this.waiting.splice(0).forEach((resolve) => resolve(r)));
    // A worker that fails leaves the checkpoints to the connection again, at SQLite's default.
    worker.on('error', () => this.fallBack());
    worker.on('exit', () => this.fallBack());
    this.db.sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    this.worker = worker;
  }

  /** The next checkpoint's result (for tests and diagnostics). */
  nextCheckpoint(): Promise<CheckpointResult> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    await exited;
    this.fallBack();
  }

  private fallBack(): void {
    this.worker = null;
    if (this.db.sqlite.open) this.db.sqlite.pragma('wal_autocheckpoint = 1000');
  }
}
