/**
 * Audit investigations on a large trail (issue 4): 1,000,000 chained events in a temp SQLite file, then
 *
 *   1. verify: AuditVerifier.verify() (ranges, constant memory, checkpoints and head checked) on one thread
 *      (AUDIT_VERIFY_THREADS=1) and on worker threads (--threads, default one per core), against the reference: the
 *      straightforward loop (raw rows from better-sqlite3's .raw(), HMAC with a KeyObject;
 *      bench/reference/bare-verify-loop.ts). Targets: one thread at most 1.2x the loop; worker threads at most 4 s
 *      per 1M events.
 *   2. access log: one patient's access log (AuditQueryService.accessLog, first page) among them, 100 patients,
 *      median. Target: under 50 ms.
 *   3. export: all events as CSV through the real endpoint (GET /audit/events/export?format=csv, the Nest app booted on
 *      the file from compiled JavaScript, as privacy.smith), read by an HTTP client in the same process: rows/s and
 *      peak memory. Target: under 200 MB, judged on what the export adds to the booted server (its peak RSS minus its
 *      RSS after boot); the whole process's maximum RSS is printed and judged too.
 *
 * The trail is built by a bench-only bulk path (bench/support/audit-trail.ts) that computes the real chain with
 * chainHash; users and patients come from the seed. Each measured phase runs in a fresh child process, so the
 * memory of one (or of the build) does not count against another.
 *
 *   npm run bench:audit -- --events 1000000 --rounds 3
 */
import './support/bench-env';
import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DataSource } from 'typeorm';
import { seedDatabase } from '../seed/generator';
import { RolePermissionsRepository } from '../src/access/role-permissions.repository';
import { AuditEventsRepository } from '../src/audit/audit-events.repository';
import { AuditQueryService } from '../src/audit/audit-query.service';
import { AuditArchive } from '../src/audit/audit-archive';
import { AuditVerifier } from '../src/audit/audit-verifier';
import { UsersRepository } from '../src/auth/users.repository';
import type { AppConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source';
import { Db } from '../src/database/db';
import { PatientsRepository } from '../src/records/patients.repository';
import { applySqlitePragmas } from '../src/database/sqlite-pragmas';
import { startFlags } from './support/child-server';
import { bareVerifyLoop } from './reference/bare-verify-loop';
import { buildTrail } from './support/audit-trail';
import type { ExportFigures } from './support/export-child';

const HMAC_KEY = 'bench-audit-hmac-key-0123456789abcdef0123456789';
const TARGET_VERIFY_RATIO = 1.2;
const TARGET_VERIFY_SECONDS_PER_MILLION = 4;
const TARGET_ACCESS_LOG_MS = 50;
const TARGET_EXPORT_MB = 200;

interface Options {
  events: number;
  patients: number;
  rounds: number;
  threads: number;
  queries: number;
  dir: string;
  keep: boolean;
  strict: boolean;
  json: boolean;
  phase?: 'verify';
  file?: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function parseOptions(argv: string[]): Options {
  return new Command()
    .name('bench:audit')
    .description('Verify, access-log and CSV-export figures on a large audit trail, against their targets')
    .option('-n, --events <n>', 'events in the trail', positiveInt, 1_000_000)
    .option('--patients <n>', 'seeded patients (the workload reads patients 1..20,000)', positiveInt, 2_000)
    .option('-r, --rounds <n>', 'verify and bare-loop runs, alternated; the verdict uses the medians', positiveInt, 3)
    .option('-t, --threads <n>', 'worker threads of the parallel verify (0 = one per core)', (v) => Number(v), 0)
    .option('-q, --queries <n>', 'access-log queries (one patient each)', positiveInt, 100)
    .option('--dir <path>', 'where to create the temp database', tmpdir())
    .option('--file <path>', 'reuse a trail built by an earlier run with --keep (skips the build)')
    .option('--keep', 'keep the database file and print its path', false)
    .option('--strict', 'exit with status 1 when a target is missed', false)
    .option('--json', 'also print the figures as one JSON line', false)
    .addOption(new Option('--phase <name>', 'internal: run one measured phase in this (child) process').hideHelp())
    .parse(argv)
    .opts<Options>();
}

const settings: Record<string, unknown> = { AUDIT_HMAC_KEY: HMAC_KEY };
const config = { get: (k: string) => settings[k] } as unknown as AppConfig;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mb = (bytes: number) => bytes / 1024 / 1024;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function openDb(file: string): Promise<{ ds: DataSource; db: Db }> {
  const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: file }));
  await ds.initialize();
  await ds.runMigrations();
  return { ds, db: new Db(ds) };
}

/** Seeded users and patients, then the trail through the bulk path. */
async function build(file: string, opts: Options): Promise<{ seconds: number; checkpoints: number }> {
  const t0 = performance.now();
  const { ds, db } = await openDb(file);
  try {
    const log = console.log;
    console.log = () => undefined; // the seed's own progress lines
    try {
      await seedDatabase(db, { patients: opts.patients });
    } finally {
      console.log = log;
    }
  } finally {
    await ds.destroy();
  }
  const raw = new Database(file);
  try {
    applySqlitePragmas(raw);
    let shown = 0;
    const { checkpoints } = buildTrail(raw, {
      key: HMAC_KEY, events: opts.events, startMs: Date.parse('2026-10-01T00:00:00.000Z'), spacingMs: 2_500, checkpointEvery: 100_000,
      onProgress: (done) => {
        if (done - shown >= opts.events / 5 || done === opts.events) {
          shown = done;
          process.stdout.write(`  built ${fmt(done)} events (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
        }
      },
    });
    return { seconds: (performance.now() - t0) / 1000, checkpoints };
  } finally {
    raw.close();
  }
}

interface VerifyPhase {
  verifySeconds: number[];
  oneThreadSeconds: number[];
  threads: number;
  bareSeconds: number[];
  checked: number;
  valid: boolean;
  bareValid: boolean;
  fromCheckpointSeconds: number;
  fromCheckpointChecked: number;
  accessLogMs: number[];
  accessLogRows: number;
}

/** Child process: verify against the bare loop (alternated), verify from the last checkpoint, access logs. */
async function verifyPhase(file: string, opts: Options): Promise<VerifyPhase> {
  const { ds, db } = await openDb(file);
  try {
    const threadsConfig = (n: number) => ({ get: (k: string) => (k === 'AUDIT_VERIFY_THREADS' ? n : settings[k]) }) as unknown as AppConfig;
    const verifier = new AuditVerifier(db, threadsConfig(opts.threads), new AuditArchive(db, config));
    const oneThread = new AuditVerifier(db, threadsConfig(1), new AuditArchive(db, config));
    const out: VerifyPhase = {
      verifySeconds: [], oneThreadSeconds: [], threads: opts.threads || availableParallelism(), bareSeconds: [], checked: 0, valid: true, bareValid: true, fromCheckpointSeconds: 0, fromCheckpointChecked: 0,
      accessLogMs: [], accessLogRows: 0,
    };
    for (let k = 0; k < opts.rounds; k++) {
      const bare = bareVerifyLoop(file, HMAC_KEY);
      out.bareSeconds.push(bare.seconds);
      out.bareValid &&= bare.valid && bare.rows === opts.events;
      const t1 = process.hrtime.bigint();
      const one = await oneThread.verify();
      out.oneThreadSeconds.push(Number(process.hrtime.bigint() - t1) / 1e9);
      out.valid &&= one.valid && one.checked === opts.events;
      const t0 = process.hrtime.bigint();
      const r = await verifier.verify();
      out.verifySeconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
      out.valid &&= r.valid && r.checked === opts.events;
      out.checked = r.checked;
    }
    const t1 = process.hrtime.bigint();
    // From the checkpoint at or before the last 5% of the trail: only the rows after it are recomputed.
    const fromCp = await verifier.verify(Math.floor(opts.events * 0.95));
    out.fromCheckpointSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    out.fromCheckpointChecked = fromCp.checked;
    out.valid &&= fromCp.valid;

    const query = new AuditQueryService(db, new UsersRepository(db, new PatientsRepository(db), new RolePermissionsRepository(db)), new AuditEventsRepository(db));
    for (let i = 0; i < opts.queries; i++) {
      const patientId = 1 + ((i * 7919) % 20_000);
      const t = process.hrtime.bigint();
      const page = await query.accessLog(patientId, { page: 1, pageSize: 50 });
      out.accessLogMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      out.accessLogRows += page.items.length;
    }
    return out;
  } finally {
    await ds.destroy();
  }
}

/** Runs the verify phase in a fresh child process, from the compiled build (its worker threads start from JavaScript). */
function verifyInChild(file: string, opts: Options, out: string): Promise<VerifyPhase> {
  const args = ['--phase', 'verify', '--file', file, '--events', String(opts.events), '--rounds', String(opts.rounds), '--queries', String(opts.queries),
    '--threads', String(opts.threads)];
  return childResult(fork(join(out, 'bench/audit.js'), args, { execArgv: [], env: childEnv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }), 'verify');
}

const childEnv = () => ({ ...process.env, NODE_PATH: join(resolve(__dirname, '..'), 'node_modules') });

/**
 * The measured phases run from compiled JavaScript, as the service runs in production (npm start): under ts-node the
 * TypeScript compiler alone holds more than 100 MB of the process. The sources are compiled once into the temp dir.
 */
function compile(buildDir: string): string {
  const root = resolve(__dirname, '..');
  const out = join(buildDir, 'out');
  const tsconfig = join(buildDir, 'tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({
    extends: join(root, 'tsconfig.json'),
    compilerOptions: { outDir: out, rootDir: root, sourceMap: false, incremental: false },
    include: ['src/**/*', 'migrations/**/*', 'seed/**/*', 'bench/audit.ts', 'bench/support/export-child.ts'].map((p) => join(root, p)),
    exclude: [join(root, 'node_modules'), join(root, '**/*.spec.ts')],
  }));
  const t0 = performance.now();
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { stdio: 'pipe' });
  } catch {
    // Type errors elsewhere in the tree still emit JavaScript; only a missing entry point stops the phase.
  }
  if (!existsSync(join(out, 'bench/support/export-child.js')) || !existsSync(join(out, 'bench/audit.js'))) throw new Error('compiling the service for the measured phases failed');
  console.log(`  compiled the service for the measured phases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

function exportInChild(file: string, out: string): Promise<ExportFigures> {
  return childResult(
    fork(join(out, 'bench/support/export-child.js'), [file, HMAC_KEY], { execArgv: startFlags(), env: childEnv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    'export',
  );
}

function childResult<T>(child: ChildProcess, phase: string): Promise<T> {
  return new Promise((done, fail) => {
    let result: T | undefined;
    child.on('message', (m) => (result = m as T));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 && result ? done(result) : fail(new Error(`${phase} phase exited with ${code}`))));
  });
}

async function child(opts: Options): Promise<void> {
  const result = await verifyPhase(opts.file!, opts);
  process.send!(result, () => process.exit(0));
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(`  ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}`);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv);
  if (opts.phase) return child(opts);

  const dir = opts.file ? null : mkdtempSync(join(opts.dir, 'audit-bench-'));
  const file = opts.file ?? join(dir!, 'trail.sqlite');
  const cleanup = () => {
    if (dir && !opts.keep) rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    console.log(`audit investigations: ${fmt(opts.events)} events, file ${file} (load average ${loadavg()[0].toFixed(2)})`);
    const built = opts.file ? null : await build(file, opts);
    if (built) console.log(`  trail built in ${built.seconds.toFixed(1)} s (${fmt(mb(statSync(file).size), 0)} MB, ${built.checkpoints} checkpoints)`);

    const buildDir = mkdtempSync(join(opts.dir, 'audit-bench-build-'));
    let v: VerifyPhase;
    let e: ExportFigures;
    try {
      const out = compile(buildDir);
      v = await verifyInChild(file, opts, out);
      e = await exportInChild(file, out);
    } finally {
      rmSync(buildDir, { recursive: true, force: true });
    }

    const verifyS = median(v.verifySeconds);
    const oneS = median(v.oneThreadSeconds);
    const bareS = median(v.bareSeconds);
    const ratio = oneS / bareS;
    const perMillion = verifyS / (opts.events / 1e6);
    const logMedian = median(v.accessLogMs);
    const exportRate = e.rows / e.seconds;
    const peakMb = mb(e.maxRssBytes);
    // What the export costs: the process's peak during the export over the same process just booted (dependencies,
    // Swagger document, migrations checked). The SQLite page cache the service configures (64 MiB) fills during it.
    const exportMb = mb(e.maxRssBytes - e.rssAfterBootBytes);
    const checks = [
      [`verify on one thread <= ${TARGET_VERIFY_RATIO}x the straightforward loop`, ratio <= TARGET_VERIFY_RATIO, `${ratio.toFixed(2)}x`],
      [`verify on ${v.threads} worker threads <= ${TARGET_VERIFY_SECONDS_PER_MILLION} s per 1M events`, perMillion <= TARGET_VERIFY_SECONDS_PER_MILLION, `${perMillion.toFixed(2)} s per 1M`],
      ['verify finds the chain valid', v.valid && v.bareValid && v.checked === opts.events, `${fmt(v.checked)} rows`],
      [`access log median < ${TARGET_ACCESS_LOG_MS} ms`, logMedian < TARGET_ACCESS_LOG_MS, `${logMedian.toFixed(2)} ms`],
      [`export memory (peak RSS - RSS after boot) < ${TARGET_EXPORT_MB} MB`, exportMb < TARGET_EXPORT_MB, `${exportMb.toFixed(0)} MB`],
      [`export process max RSS, boot included < ${TARGET_EXPORT_MB} MB`, peakMb < TARGET_EXPORT_MB, `${peakMb.toFixed(0)} MB, of which ${mb(e.rssAfterBootBytes).toFixed(0)} MB before the export`],
      // The trail, plus the rows appended before it started (its own export row comes after its end).
      ['export has every row', e.rows >= opts.events && e.lines === e.rows + 1, `${fmt(e.lines - 1)} of ${fmt(e.rows)}`],
    ] as const;

    console.log('');
    printTable([
      ['', 'service', 'reference'],
      [`verify on one thread, median of ${opts.rounds} (s)`, oneS.toFixed(2), `${bareS.toFixed(2)} (straightforward loop)`],
      [`verify on ${v.threads} worker threads, median (s)`, verifyS.toFixed(2), `${(bareS / verifyS).toFixed(2)}x faster than the loop`],
      ['verify on worker threads, rows/s', fmt(opts.events / verifyS), fmt(opts.events / bareS)],
      ['verify from the last checkpoint (s)', `${v.fromCheckpointSeconds.toFixed(3)} (${fmt(v.fromCheckpointChecked)} rows)`, '-'],
      [`access log, ${opts.queries} patients: median / p95 (ms)`, `${logMedian.toFixed(2)} / ${percentile(v.accessLogMs, 95).toFixed(2)}`, `avg ${(v.accessLogRows / opts.queries).toFixed(1)} rows`],
      ['export CSV over HTTP: rows/s', fmt(exportRate), `${fmt(e.rows)} rows, ${fmt(mb(e.bytes))} MB in ${e.seconds.toFixed(1)} s`],
      ['export: max RSS / sampled peak / after boot (MB)', `${peakMb.toFixed(0)} / ${mb(e.peakRssBytes).toFixed(0)} / ${mb(e.rssAfterBootBytes).toFixed(0)}`, `peak heap used ${mb(e.peakHeapUsedBytes).toFixed(0)} MB`],
    ]);
    console.log('');
    console.log(`  ratio one-thread verify / straightforward loop: ${ratio.toFixed(2)}x (per round: ${v.oneThreadSeconds.map((s, i) => (s / v.bareSeconds[i]).toFixed(2)).join(', ')}); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    for (const [label, ok, figure] of checks) console.log(`  ${label}: ${ok ? 'PASS' : 'FAIL'} (${figure})`);
    if (opts.keep && dir) console.log(`kept: ${file}`);
    if (opts.json) {
      console.log(JSON.stringify({
        events: opts.events, verifySeconds: verifyS, oneThreadSeconds: oneS, threads: v.threads, bareSeconds: bareS, ratio, verifyPerRound: v.verifySeconds, barePerRound: v.bareSeconds,
        fromCheckpointSeconds: v.fromCheckpointSeconds, accessLogMedianMs: logMedian, accessLogP95Ms: percentile(v.accessLogMs, 95),
        exportRowsPerSecond: exportRate, exportSeconds: e.seconds, exportMaxRssMb: peakMb, exportMb, exportRssAfterBootMb: mb(e.rssAfterBootBytes),
        exportPeakHeapUsedMb: mb(e.peakHeapUsedBytes),
        pass: checks.every(([, ok]) => ok),
      }));
    }
    if (!checks[2][1] || !checks[6][1]) process.exitCode = 1;
    else if (opts.strict && !checks.every(([, ok]) => ok)) process.exitCode = 1;
  } finally {
    cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
