import { createSecretKey } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { JoinedChain, joinRange, RangeResult, verifyRange } from './chain-range';
import { CHAIN_COLUMNS } from './hash-chain';
import type { RangeTask, VerifyWorkerData } from './verify-worker';
import { nextTurn } from '../common/next-turn';
import { startWorker } from '../common/start-worker';

/** Sequences per range: small enough for progress and for stopping soon after a break, large enough to be cheap. */
export const RANGE_SIZE = 20_000;
/** Below this many sequences a verify stays on the calling thread (starting workers costs more than it saves). */
export const PARALLEL_MIN_ROWS = 4 * RANGE_SIZE;

export interface BulkVerifyOptions {
  /** The SQLite handle (rows are read through it on the calling thread) and its file (opened by each worker). */
  sqlite: SqliteDatabase;
  key: string;
  /** Verify the rows after `start` (a checkpoint or genesis), up to `upper` (the head read when the verify began). */
  start: { seq: number; hash: string };
  upper: number;
  checkpoints: ReadonlyMap<number, string>;
  /** 0 = one per core; 1 = no worker threads. */
  threads: number;
  rangeSize?: number;
  /** Fewer sequences than this stay on the calling thread (default PARALLEL_MIN_ROWS). */
  minParallelRows?: number;
  onProgress?: (checked: number, total: number) => void;
}

/** How many worker threads a verify of `rows` sequences uses (1 = none: the calling thread does it). */
export function threadsFor(opts: Pick<BulkVerifyOptions, 'sqlite' | 'threads' | 'rangeSize' | 'minParallelRows'>, rows: number): number {
  const wanted = opts.threads > 0 ? opts.threads : availableParallelism();
  if (wanted <= 1 || opts.sqlite.memory || rows < (opts.minParallelRows ?? PARALLEL_MIN_ROWS)) return 1;
  return Math.min(wanted, Math.ceil(rows / (opts.rangeSize ?? RANGE_SIZE)));
}

/**
 * Recomputes the chain from `start` to `upper` in ranges: on worker threads for a long trail in a SQLite file, else
 * range by range on this thread (yielding between ranges so the service keeps answering). Same findings either way.
 */
export async function verifyBulk(opts: BulkVerifyOptions): Promise<JoinedChain> {
  const size = opts.rangeSize ?? RANGE_SIZE;
  const tasks: RangeTask[] = [];
  for (let from = opts.start.seq, index = 0; from < opts.upper; from += size, index++) {
    tasks.push({ index, from, to: Math.min(opts.upper, from + size) });
  }
  const joined: JoinedChain = { checked: 0, lastSeq: opts.start.seq, lastHash: opts.start.hash, finding: null };
  const total = opts.upper - opts.start.seq;
  const threads = threadsFor(opts, total);
  if (threads <= 1) {
    const key = createSecretKey(Buffer.from(opts.key, 'utf8'));
    const stmt = opts.sqlite.prepare(`SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq`).raw();
    for (const t of tasks) {
      if (!joinRange(joined, verifyRange(key, stmt.iterate(t.from, t.to) as Iterable<unknown[]>, opts.checkpoints))) break;
      opts.onProgress?.(t.to - opts.start.seq, total);
      await nextTurn();
    }
    return joined;
  }
  const results = await runOnWorkers(opts, tasks, threads, total);
  for (const r of results) {
    if (!r || !joinRange(joined, r)) break;
  }
  return joined;
}

function runOnWorkers(opts: BulkVerifyOptions, tasks: RangeTask[], threads: number, total: number): Promise<(RangeResult | undefined)[]> {
  const results: (RangeResult | undefined)[] = new Array(tasks.length);
  const data: VerifyWorkerData = { file: opts.sqlite.name, key: opts.key, checkpoints: [...opts.checkpoints] };
  let next = 0;
  let firstFinding = Number.MAX_SAFE_INTEGER;
  let done = 0;
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let running = threads;
    const finish = (w: Worker) => {
      w.postMessage(null);
      if (--running === 0) resolve(results);
    };
    // A range after one with a finding cannot change the answer: it is not handed out.
    const feed = (w: Worker) => (next < tasks.length && next <= firstFinding ? w.postMessage(tasks[next++]) : finish(w));
    for (let i = 0; i < threads; i++) {
      const w = startWorker(__dirname, 'verify-worker', data);
      workers.push(w);
      w.on('message', (m: { index: number; result: RangeResult }) => {
        results[m.index] = m.result;
        if (m.result.finding) firstFinding = Math.min(firstFinding, m.index);
        done += tasks[m.index].to - tasks[m.index].from;
        opts.onProgress?.(done, total);
        feed(w);
      });
      w.once('error', (err) => {
        for (const other of workers) void other.terminate();
        reject(err);
      });
      feed(w);
    }
  });
}
