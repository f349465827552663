import type { Worker } from 'node:worker_threads';
import { startWorker } from '../src/common/start-worker';
import type { DemoUsername } from './demo-users';
import { buildLookups } from './lookups';
import { GeneratedCounts, PatientGenerator } from './patient-generator';
import { buildPools, FAKER_SEED } from './pools';
import { Batch, emptyBatch } from './writer';

/**
 * Where batches of generated patients come from: generated inline, or (for large seeds) in a worker thread so
 * that generating the next batch overlaps writing the previous one. Both run the same PatientGenerator over the
 * same patient ids in the same order, so they produce the same rows.
 */
export interface GeneratorSettings {
  seed: number;
  nowMs: number;
  users: Record<DemoUsername, number>;
  /** Patients 1..total, in batches of batchSize. */
  total: number;
  batchSize: number;
}

export interface BatchMessage {
  batch: Batch;
  /** The id of the last patient in the batch. */
  last: number;
}

export interface BatchSource {
  /** The next batch, or null after the last one. */
  next(): Promise<BatchMessage | null>;
  /** Counts of everything generated (after next() answered null). */
  counts(): GeneratedCounts;
  close(): Promise<void>;
}

export function createGenerator(s: GeneratorSettings): PatientGenerator {
  const pools = buildPools(FAKER_SEED);
  return new PatientGenerator({ seed: s.seed, nowMs: s.nowMs, pools, lookups: buildLookups(pools), users: s.users });
}

/** Generates each batch on demand, on this thread. */
export class InlineBatchSource implements BatchSource {
  private readonly generator: PatientGenerator;
  private first = 1;

  constructor(private readonly s: GeneratorSettings) {
    this.generator = createGenerator(s);
  }

  async next(): Promise<BatchMessage | null> {
    if (this.first > this.s.total) return null;
    const last = Math.min(this.s.total, this.first + this.s.batchSize - 1);
    const batch = emptyBatch();
    for (let id = this.first; id <= last; id++) this.generator.generate(id, batch);
    this.first = last + 1;
    return { batch, last };
  }

  counts(): GeneratedCounts {
    return this.generator.counts;
  }

  async close(): Promise<void> {}
}

/** Messages from the worker (seed/generator-worker.ts). */
export type WorkerMessage =
  | { type: 'batch'; batch: Batch; last: number }
  | { type: 'done'; counts: GeneratedCounts };

/** How many batches the worker may generate ahead of the writer. */
export const WORKER_AHEAD = 3;

/**
 * Runs the generator in a worker thread with a larger young generation (the generator makes many short-lived
 * strings; a small young generation spends a third of the time collecting them). The worker stays at most
 * WORKER_AHEAD batches ahead; each next() call asks it for one more.
 */
export class WorkerBatchSource implements BatchSource {
  private readonly worker: Worker;
  private readonly queue: WorkerMessage[] = [];
  private waiting: ((m: WorkerMessage | Error) => void) | null = null;
  private failure: Error | null = null;
  private finalCounts: GeneratedCounts | null = null;

  constructor(s: GeneratorSettings) {
    this.worker = startWorker(__dirname, 'generator-worker', s, { resourceLimits: { maxYoungGenerationSizeMb: 192 } });
    this.worker.on('message', (m: WorkerMessage) => this.deliver(m));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (!this.finalCounts) this.fail(new Error(`seed generator worker exited early (code ${code})`));
    });
  }

  async next(): Promise<BatchMessage | null> {
    const m = await this.take();
    if (m.type === 'done') {
      this.finalCounts = m.counts;
      return null;
    }
    this.worker.postMessage('more');
    return { batch: m.batch, last: m.last };
  }

  counts(): GeneratedCounts {
    if (!this.finalCounts) throw new Error('the generator worker has not finished');
    return this.finalCounts;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private take(): Promise<WorkerMessage> {
    if (this.failure) return Promise.reject(this.failure);
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      this.waiting = (x) => (x instanceof Error ? reject(x) : resolve(x));
    });
  }

  private deliver(m: WorkerMessage): void {
    if (m.type === 'done') this.finalCounts = m.counts;
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting(m);
    else this.queue.push(m);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(err);
  }
}
