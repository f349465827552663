/**
 * Outcomes report over a seeded 100,000-patient SQLite database (about a million encounters, two years): the time
 * of the endpoint, GET /reports/outcomes over HTTP against the real app (guard, validation, the SQL, suppression,
 * definitions, JSON, the audit row of the export), against the reference: the same SQL text run directly with
 * better-sqlite3 (bench/reference/raw-reports-query.ts). Grouped by month and by department.
 * Targets: the endpoint under 2 s, and at most 1.5 times the reference.
 *
 * Also measured: what the reporting indexes (migrations/1764700000000-reporting.ts) cost an encounter insert. They
 * are on encounters only: the audit trail's append path does not touch them.
 *
 *   npm run bench:reports -- --db /tmp/bench-100k.sqlite --rounds 5
 *
 * The database is built on first use (npm run seed's generator, ~1 minute) and reused while it has the patients.
 */
import './support/bench-env';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import Database from 'better-sqlite3';
import { Command, InvalidArgumentError } from 'commander';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DEFAULT_SEED_NOW, seedDatabase } from '../seed/generator';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/bootstrap';
import { dataSourceOptions } from '../src/database/data-source';
import { Db } from '../src/database/db';
import type { OutcomeGrouping } from '../src/reporting/outcomes/outcomes-query';
import { RawOutcomesQuery } from './reference/raw-reports-query';

const MAX_ENDPOINT_MS = 2000;
const MAX_RATIO = 1.5;
const PASSWORD = 'hit-demo-2026';

interface Options {
  db: string;
  patients: number;
  rounds: number;
  from: string;
  to: string;
  svgDir?: string;
  appendRows: number;
  strict: boolean;
  json: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function isoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError('expected YYYY-MM-DD');
  return value;
}

const seedEnd = DEFAULT_SEED_NOW.toISOString().slice(0, 10);
const seedStart = new Date(DEFAULT_SEED_NOW.getTime() - 730 * 86_400_000).toISOString().slice(0, 10);

function parseOptions(argv: string[]): Options {
  return new Command()
    .name('bench:reports')
    .description('GET /reports/outcomes (HTTP, real app) against the same SQL run directly with better-sqlite3, on a seeded database')
    .option('--db <file>', 'the seeded SQLite database (built if missing or smaller than --patients)', '/tmp/bench-100k.sqlite')
    .option('-p, --patients <n>', 'patients in the database', positiveInt, 100_000)
    .option('-r, --rounds <n>', 'timed rounds per grouping (endpoint and reference alternate); the verdict uses medians', positiveInt, 5)
    .option('--from <date>', 'first discharge date of the report', isoDate, seedStart)
    .option('--to <date>', 'last discharge date of the report', isoDate, new Date(DEFAULT_SEED_NOW.getTime() - 86_400_000).toISOString().slice(0, 10))
    .option('--svg-dir <dir>', 'also save the charts (format=svg) of each grouping there')
    .option('--append-rows <n>', 'encounters inserted to measure the indexes\' cost on inserts', positiveInt, 20_000)
    .option('--strict', 'exit with status 1 when a target is missed', false)
    .option('--json', 'also print the figures as one JSON line', false)
    .addHelpText('after', `\nTargets: endpoint < ${MAX_ENDPOINT_MS} ms and <= ${MAX_RATIO}x the reference (medians). Seed history: ${seedStart} to ${seedEnd}.`)
    .parse(argv)
    .opts<Options>();
}

/** Builds the database with the seed generator unless it already holds enough patients. */
async function ensureDatabase(file: string, patients: number): Promise<void> {
  if (existsSync(file)) {
    try {
      const db = new Database(file, { readonly: true });
      const n = (db.prepare('SELECT COUNT(*) AS n FROM patients').get() as { n: number }).n;
      db.close();
      if (n >= patients) {
        console.log(`database: ${file} (${n.toLocaleString('en-US')} patients, reused)`);
        return;
      }
    } catch {
      // not a usable database: rebuild it
    }
  }
  console.log(`database: building ${file} with ${patients.toLocaleString('en-US')} patients (the seed generator, about a minute)`);
  const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: file }));
  await ds.initialize();
  try {
    await ds.runMigrations();
    const totals = await seedDatabase(new Db(ds), { patients, reset: true });
    console.log(`  ${totals.encounters.toLocaleString('en-US')} encounters in ${totals.seconds.toFixed(1)} s`);
  } finally {
    await ds.destroy();
  }
}

/** The real app on the database file, listening on a free port. Migrations run at boot, as in production. */
async function startApp(file: string): Promise<{ app: NestExpressApplication; base: string }> {
  Object.assign(process.env, {
    NODE_ENV: 'test', LOG_LEVEL: 'silent', SQLITE_PATH: file, SEED_ON_EMPTY: 'false', AUDIT_CHECKPOINT_SECONDS: '0',
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(), { logger: false, bodyParser: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, base: `http://127.0.0.1:${address.port}` };
}

async function login(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** One GET, timed from the request to the last byte of the body. */
async function timedGet(url: string, token: string): Promise<{ ms: number; body: string }> {
  const t0 = process.hrtime.bigint();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.text();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 300)}`);
  return { ms, body };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

interface GroupResult {
  groupBy: OutcomeGrouping;
  endpointMs: number;
  referenceMs: number;
  ratio: number;
  deidentifiedMs: number;
  groups: number;
  discharges: number;
  endpointRounds: number[];
  referenceRounds: number[];
}

/**
 * Encounter inserts into a fresh database with the reporting indexes, then with them swapped back for the
 * initial schema's single encounters_discharge index: what the indexes cost an append, one transaction per insert
 * (like a write request). Durability is off here on purpose: on this shared disk one fsync (1-3 ms) varies more
 * than the whole index work, so the durable figures would measure the disk, not the indexes. Three alternating
 * rounds; medians.
 */
async function appendCost(rows: number): Promise<{ withMs: number; withoutMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'reports-append-'));
  const run = async (withIndexes: boolean, round: number): Promise<number> => {
    const file = join(dir, `${withIndexes ? 'with' : 'without'}-${round}.sqlite`);
    const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: file }));
    await ds.initialize();
    await ds.runMigrations();
    await ds.destroy();
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = OFF');
      if (!withIndexes) {
        db.exec('DROP INDEX encounters_discharge_report; DROP INDEX encounters_unplanned_inpatient');
        db.exec('CREATE INDEX encounters_discharge ON encounters (encounter_class, discharged_at)');
      }
      db.exec(`INSERT INTO patients (id, mrn, given_name, family_name, birth_date, sex, created_at, updated_at)
               VALUES (1, 'M1', 'A', 'B', '1970-01-01', 'female', 'x', 'x')`);
      const insert = db.prepare(
        `INSERT INTO encounters (patient_id, encounter_class, admitted_at, discharged_at, department, disposition, planned_readmission, created_at, updated_at)
         VALUES (1, ?, ?, ?, 'Medicine', 'home', 0, ?, ?)`,
      );
      const one = db.transaction((i: number) => {
        const at = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
        insert.run(i % 5 === 0 ? 'inpatient' : 'outpatient', at, at, at, at);
      });
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < rows; i++) one.immediate(i);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    } finally {
      db.close();
    }
  };
  try {
    const withMs: number[] = [];
    const withoutMs: number[] = [];
    for (let round = 0; round < 3; round++) {
      const order = round % 2 ? [true, false] : [false, true];
      for (const withIndexes of order) (withIndexes ? withMs : withoutMs).push(await run(withIndexes, round));
    }
    return { withMs: median(withMs), withoutMs: median(withoutMs) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv);
  await ensureDatabase(opts.db, opts.patients);
  const { app, base } = await startApp(opts.db);
  const reference = new RawOutcomesQuery(opts.db);
  const results: GroupResult[] = [];
  try {
    const officer = await login(base, 'privacy.smith');
    const analyst = await login(base, 'analyst.wong');
    console.log(`outcomes report ${opts.from} to ${opts.to}, ${opts.rounds} round(s) per grouping (load average ${loadavg()[0].toFixed(2)})`);
    for (const groupBy of ['month', 'department'] as const) {
      const url = `${base}/reports/outcomes?from=${opts.from}&to=${opts.to}&groupBy=${groupBy}`;
      const input = { from: opts.from, to: opts.to, groupBy, losConvention: 'midnights' as const };
      // Warm-up: page cache, prepared statements, JIT.
      const warm = JSON.parse((await timedGet(url, officer)).body);
      reference.run(input);
      const endpointRounds: number[] = [];
      const referenceRounds: number[] = [];
      for (let k = 0; k < opts.rounds; k++) {
        endpointRounds.push((await timedGet(url, officer)).ms);
        referenceRounds.push(reference.run(input).ms);
      }
      const deidentifiedRounds: number[] = [];
      for (let k = 0; k < 3; k++) deidentifiedRounds.push((await timedGet(url, analyst)).ms);
      const deidentifiedMs = median(deidentifiedRounds);
      const endpointMs = median(endpointRounds);
      const referenceMs = median(referenceRounds);
      results.push({
        groupBy, endpointMs, referenceMs, ratio: endpointMs / referenceMs, deidentifiedMs, groups: warm.groups.length,
        discharges: warm.total.discharges, endpointRounds, referenceRounds,
      });
      console.log(`  ${groupBy}: endpoint ${endpointRounds.map((x) => fmt(x)).join(', ')} ms; reference ${referenceRounds.map((x) => fmt(x)).join(', ')} ms`);
      if (opts.svgDir) {
        mkdirSync(opts.svgDir, { recursive: true });
        for (const [who, token] of [['identified', officer], ['deidentified', analyst]] as const) {
          const svg = await timedGet(`${url}&format=svg`, token);
          writeFileSync(join(opts.svgDir, `outcomes-${groupBy}-${who}.svg`), svg.body);
        }
      }
    }
  } finally {
    reference.close();
    await app.close();
  }
  const append = await appendCost(opts.appendRows);
  printVerdict(opts, results, append);
}

function printVerdict(opts: Options, results: GroupResult[], append: { withMs: number; withoutMs: number }): void {
  console.log('');
  const rows = [
    ['median', 'endpoint (HTTP)', 'reference (raw SQL)', 'ratio', 'de-identified', 'groups', 'discharges'],
    ...results.map((r) => [r.groupBy, `${fmt(r.endpointMs)} ms`, `${fmt(r.referenceMs)} ms`, `${r.ratio.toFixed(2)}x`, `${fmt(r.deidentifiedMs)} ms`, String(r.groups), fmt(r.discharges)]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(`  ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}`);
  console.log('');
  let pass = true;
  for (const r of results) {
    const fast = r.endpointMs < MAX_ENDPOINT_MS;
    const close = r.ratio <= MAX_RATIO;
    pass &&= fast && close;
    console.log(`  ${r.groupBy}: endpoint < ${fmt(MAX_ENDPOINT_MS)} ms: ${fast ? 'PASS' : 'FAIL'} (${fmt(r.endpointMs)} ms); <= ${MAX_RATIO}x reference: ${close ? 'PASS' : 'FAIL'} (${r.ratio.toFixed(2)}x)`);
  }
  const perInsert = (ms: number) => (ms * 1000) / opts.appendRows;
  console.log(
    `  encounter insert, index work (${fmt(opts.appendRows)} one-row transactions, fsync off): ${perInsert(append.withMs).toFixed(1)} us with the reporting ` +
      `indexes, ${perInsert(append.withoutMs).toFixed(1)} us without (${(perInsert(append.withMs - append.withoutMs)).toFixed(1)} us each; a durable commit's fsync ` +
      'is 1-3 ms here); audit appends: untouched (the indexes are on encounters, none on audit_events)',
  );
  if (opts.json) console.log(JSON.stringify({ from: opts.from, to: opts.to, rounds: opts.rounds, results, append, pass }));
  if (opts.strict && !pass) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
