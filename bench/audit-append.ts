/**
 * Audit append throughput: events per second appended through AuditWriter (durable: WAL + synchronous=FULL on a
 * real file; chained; group-committed exactly as the service does it, with C concurrent "requests" each awaiting
 * append()) against the reference, raw better-sqlite3 inserts of the same rows in the same transactions
 * (bench/reference/raw-audit-append.ts). Targets: >= 5,000 events/s and >= 50% of the reference.
 *
 * The disk is shared (fsync times swing with whatever else runs), so each round runs the writer and then the
 * reference right after it, on fresh files, and the verdict uses the medians over the rounds.
 *
 *   npm run bench:audit-append -- --events 50000 --concurrency 32 --rounds 3
 */
import './support/bench-env';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DataSource } from 'typeorm';
import { AuditArchive } from '../src/audit/audit-archive';
import { AuditVerifier } from '../src/audit/audit-verifier';
import type { AuditEventInput } from '../src/audit/audit.types';
import { AuditWriter } from '../src/audit/audit.writer';
import { Clock } from '../src/common/clock';
import type { AppConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source';
import { Db, Queryable } from '../src/database/db';
import { auditEvent } from './support/audit-workload';
import { prepareReferenceFile, RawAppendResult, runRawAuditAppend } from './reference/raw-audit-append';

const HMAC_KEY = 'bench-audit-hmac-key-0123456789abcdef0123456789';
const MIN_EVENTS_PER_SECOND = 5_000;
const MIN_RATIO = 0.5;

interface Options {
  events: number;
  concurrency: number;
  rounds: number;
  dir: string;
  keep: boolean;
  strict: boolean;
  json: boolean;
}

interface WriterResult {
  seconds: number;
  /** Rows committed per transaction, in commit order. */
  batchSizes: number[];
  journalMode: string;
  synchronous: number;
  chainValid: boolean;
  chainMessage: string;
}

interface Round {
  writer: WriterResult;
  reference: RawAppendResult & { chainValid: boolean };
  writerRate: number;
  referenceRate: number;
  ratio: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function parseOptions(argv: string[]): Options {
  const program = new Command()
    .name('bench:audit-append')
    .description(
      'Events/s appended through AuditWriter (durable, chained, group-committed under concurrent callers) ' +
        'against raw better-sqlite3 inserts of the same rows in the same transactions (bench/reference/).',
    )
    .option('-n, --events <n>', 'events appended per run', positiveInt, 50_000)
    .option('-c, --concurrency <n>', 'concurrent "requests", each looping await writer.append(event)', positiveInt, 32)
    .option('-r, --rounds <n>', 'writer + reference pairs to run; the verdict uses the medians', positiveInt, 3)
    .option('--dir <path>', 'where to create the temp database files (a real disk, or fsync costs nothing)', tmpdir())
    .option('--keep', 'keep the last round\'s database files and print their paths', false)
    .option('--strict', 'exit with status 1 when a target is missed', false)
    .option('--json', 'also print the figures as one JSON line', false)
    .addHelpText(
      'after',
      `\nTargets: >= ${MIN_EVENTS_PER_SECOND.toLocaleString('en-US')} events/s through AuditWriter and >= ${MIN_RATIO * 100}% of the reference.` +
        '\nThe exit status is 1 when a chain does not verify (and, with --strict, when a target is missed).',
    )
    .parse(argv);
  return program.opts<Options>();
}

/** The service's config, reduced to the one key the writer and the verifier read. */
const settings: Record<string, unknown> = { AUDIT_HMAC_KEY: HMAC_KEY };
const config = { get: (k: string) => settings[k] } as unknown as AppConfig;

async function openDb(file: string): Promise<{ ds: DataSource; db: Db }> {
  const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: file }));
  await ds.initialize();
  await ds.runMigrations();
  return { ds, db: new Db(ds) };
}

/** Records the rows of every transaction the writer commits (its flush returns the rows), without touching src/. */
function countTransactions(db: Db): number[] {
  const sizes: number[] = [];
  const original = db.transaction.bind(db);
  db.transaction = <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> =>
    original(async (tx) => {
      const result = await fn(tx);
      sizes.push(Array.isArray(result) ? result.length : 1);
      return result;
    });
  return sizes;
}

async function verifyChain(db: Db, events: number): Promise<{ valid: boolean; message: string }> {
  const v = await new AuditVerifier(db, config, new AuditArchive(db, config)).verify();
  if (!v.valid) return { valid: false, message: `${v.problem} at ${v.firstBrokenSequence}: ${v.message}` };
  if (v.checked !== events) return { valid: false, message: `checked ${v.checked} rows, expected ${events}` };
  return { valid: true, message: `${v.checked} rows, head ${v.headSequence}` };
}

async function runWriter(file: string, opts: Options, events: AuditEventInput[]): Promise<WriterResult> {
  const { ds, db } = await openDb(file);
  try {
    const journalMode = String(db.sqlite.pragma('journal_mode', { simple: true }));
    const synchronous = Number(db.sqlite.pragma('synchronous', { simple: true }));
    const writer = new AuditWriter(db, new Clock(), config);
    const batchSizes = countTransactions(db);

    // C requests share one counter; each awaits its append (the response waits for the audit row) and moves on.
    let next = 0;
    const request = async (): Promise<void> => {
      for (let i = next++; i < events.length; i = next++) await writer.append(events[i]);
    };
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: opts.concurrency }, request));
    await writer.drain();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

    const chain = await verifyChain(db, events.length);
    return { seconds, batchSizes, journalMode, synchronous, chainValid: chain.valid, chainMessage: chain.message };
  } finally {
    await ds.destroy();
  }
}

async function runReference(file: string, batchSizes: number[], events: AuditEventInput[]): Promise<Round['reference']> {
  await prepareReferenceFile(file);
  const result = runRawAuditAppend({ file, key: HMAC_KEY, batchSizes, event: (i) => events[i] });
  const { ds, db } = await openDb(file);
  try {
    return { ...result, chainValid: (await verifyChain(db, events.length)).valid };
  } finally {
    await ds.destroy();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const pct = (r: number): string => `${(r * 100).toFixed(1)}%`;

function fileMb(path: string): string {
  try {
    return (statSync(path).size / 1e6).toFixed(1);
  } catch {
    return '?';
  }
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(`  ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}`);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv);
  const dir = mkdtempSync(join(opts.dir, 'audit-append-bench-'));
  const cleanup = (): void => {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // Built before the clocks start: the request handler builds its event, not the writer.
    const events = Array.from({ length: opts.events }, (_, i) => auditEvent(i));
    console.log(
      `audit append: ${fmt(opts.events)} events, ${opts.concurrency} concurrent requests, ${opts.rounds} round(s), ` +
        `files in ${dir} (load average ${loadavg()[0].toFixed(2)})`,
    );

    const rounds: Round[] = [];
    let files: string[] = [];
    for (let k = 1; k <= opts.rounds; k++) {
      const writerFile = join(dir, `writer-${k}.sqlite`);
      const referenceFile = join(dir, `reference-${k}.sqlite`);
      const writer = await runWriter(writerFile, opts, events);
      const reference = await runReference(referenceFile, writer.batchSizes, events);
      const writerRate = opts.events / writer.seconds;
      const referenceRate = reference.events / reference.seconds;
      rounds.push({ writer, reference, writerRate, referenceRate, ratio: writerRate / referenceRate });
      console.log(
        `  round ${k}: writer ${fmt(writerRate)} events/s (${fmt(writer.seconds, 3)} s), ` +
          `reference ${fmt(referenceRate)} events/s (${fmt(reference.seconds, 3)} s), ratio ${pct(writerRate / referenceRate)}`,
      );
      // Keep the disk small: only the last round's files stay, and only with --keep.
      files = [writerFile, referenceFile];
      if (!opts.keep || k < opts.rounds) {
        for (const f of files) for (const suffix of ['', '-wal', '-shm']) rmSync(f + suffix, { force: true });
      }
    }

    const last = rounds[rounds.length - 1];
    const transactions = last.writer.batchSizes.length;
    const sizes = [...last.writer.batchSizes].sort((a, b) => a - b);
    const writerRate = median(rounds.map((r) => r.writerRate));
    const referenceRate = median(rounds.map((r) => r.referenceRate));
    const ratio = median(rounds.map((r) => r.ratio));
    const writerSeconds = median(rounds.map((r) => r.writer.seconds));
    const referenceSeconds = median(rounds.map((r) => r.reference.seconds));
    const rateOk = writerRate >= MIN_EVENTS_PER_SECOND;
    const ratioOk = ratio >= MIN_RATIO;
    const chainValid = rounds.every((r) => r.writer.chainValid);
    const referenceValid = rounds.every((r) => r.reference.chainValid);
    const durable = (m: string, s: number): string => `${m.toUpperCase()} + synchronous=${s === 2 ? 'FULL' : s}`;

    console.log('');
    printTable([
      [`median of ${rounds.length}`, 'AuditWriter', 'reference (raw better-sqlite3)'],
      ['events/s', fmt(writerRate), fmt(referenceRate)],
      ['seconds', fmt(writerSeconds, 3), fmt(referenceSeconds, 3)],
      ['events', fmt(opts.events), fmt(last.reference.events)],
      ['transactions (commits)', fmt(transactions), fmt(last.reference.transactions)],
      ['avg batch (events/commit)', fmt(opts.events / transactions, 1), fmt(last.reference.events / last.reference.transactions, 1)],
      ['durability', durable(last.writer.journalMode, last.writer.synchronous), durable(last.reference.journalMode, last.reference.synchronous)],
      ['chain verifies', String(chainValid), String(referenceValid)],
    ]);
    console.log('');
    console.log(`  batch sizes: min ${sizes[0]}, median ${median(sizes)}, max ${sizes[sizes.length - 1]} (concurrency ${opts.concurrency})`);
    console.log(`  ratio (writer / reference, median of per-round ratios): ${pct(ratio)}`);
    console.log(`  writer >= ${fmt(MIN_EVENTS_PER_SECOND)} events/s:  ${rateOk ? 'PASS' : 'FAIL'} (${fmt(writerRate)})`);
    console.log(`  writer >= ${MIN_RATIO * 100}% of reference:  ${ratioOk ? 'PASS' : 'FAIL'} (${pct(ratio)})`);
    console.log(`chain valid: ${chainValid}${chainValid ? '' : ` (${rounds.map((r) => r.writer.chainMessage).join('; ')})`}`);
    if (opts.keep) console.log(`kept: ${files.map((f) => `${f} (${fileMb(f)} MB)`).join(', ')}`);
    if (opts.json) {
      console.log(
        JSON.stringify({
          events: opts.events, concurrency: opts.concurrency, rounds: rounds.length, transactions,
          avgBatch: opts.events / transactions,
          writer: { eventsPerSecond: writerRate, seconds: writerSeconds, chainValid, perRound: rounds.map((r) => r.writerRate) },
          reference: { eventsPerSecond: referenceRate, seconds: referenceSeconds, chainValid: referenceValid, perRound: rounds.map((r) => r.referenceRate) },
          ratio, perRoundRatio: rounds.map((r) => r.ratio), pass: rateOk && ratioOk && chainValid,
        }),
      );
    }
    if (!chainValid || !referenceValid) process.exitCode = 1;
    else if (opts.strict && !(rateOk && ratioOk)) process.exitCode = 1;
  } finally {
    cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
