import { parentPort, workerData } from 'node:worker_threads';
import { createGenerator, GeneratorSettings, WORKER_AHEAD, WorkerMessage } from './batch-source';
import { emptyBatch } from './writer';

/**
 * The worker half of WorkerBatchSource: generates patients 1..total in batches and posts each one, staying at
 * most WORKER_AHEAD batches ahead of the writer (each 'more' message from the writer allows one more).
 */
const settings = workerData as GeneratorSettings;
const port = parentPort!;
let credits = WORKER_AHEAD;
let wake: (() => void) | null = null;
port.on('message', () => {
  credits++;
  wake?.();
  wake = null;
});

async function run(): Promise<void> {
  const generator = createGenerator(settings);
  for (let first = 1; first <= settings.total; first += settings.batchSize) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    const last = Math.min(settings.total, first + settings.batchSize - 1);
    const batch = emptyBatch();
    for (let id = first; id <= last; id++) generator.generate(id, batch);
    port.postMessage({ type: 'batch', batch, last } satisfies WorkerMessage);
  }
  port.postMessage({ type: 'done', counts: generator.counts } satisfies WorkerMessage);
  port.close();
}

void run();
