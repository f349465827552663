import 'reflect-metadata';
import { SingleBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { DataSource } from 'typeorm';
import { validateEnvironment } from '../src/config/env.schema';
import { dataSourceOptions } from '../src/database/data-source';
import { Db } from '../src/database/db';
import { DEFAULT_SEED_NOW, isDatabaseEmpty, seedDatabase, SeedTotals } from './generator';

/**
 * npm run seed -- --patients 100000 --reset
 *
 * Seeds the database named by the environment (SQLITE_PATH, or DATABASE_URL [+ DATABASE_SCHEMA] for PostgreSQL)
 * after running the migrations. Refuses a database that already has users unless --reset is given.
 */
function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function isoDate(value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected an ISO-8601 date, e.g. 2026-11-01T00:00:00Z');
  return d;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('seed')
    .description('Seed the HIT records database with deterministic synthetic demo data')
    .option('-p, --patients <n>', 'number of patients (about 10 encounters each)', positiveInt, 200)
    .option('--reset', 'delete all existing data first (audit trail included)', false)
    .option('--now <iso>', `end of the two-year history (default ${DEFAULT_SEED_NOW.toISOString()})`, isoDate)
    .parse(process.argv);
  const opts = program.opts<{ patients: number; reset: boolean; now?: Date }>();

  const ds = new DataSource(dataSourceOptions(validateEnvironment(process.env)));
  await ds.initialize();
  try {
    await ds.runMigrations();
    const db = new Db(ds);
    if (!opts.reset && !(await isDatabaseEmpty(db))) {
      process.stderr.write('The database already has data. Run again with --reset to delete it and seed afresh.\n');
      process.exitCode = 1;
      return;
    }
    const where = db.dialect === 'postgres' ? 'PostgreSQL' : `SQLite ${ds.options.database as string}`;
    process.stdout.write(`Seeding ${opts.patients} patients into ${where}${opts.reset ? ' (reset)' : ''}\n`);
    const progress = makeProgress();
    const totals = await seedDatabase(db, { patients: opts.patients, reset: opts.reset, now: opts.now, onProgress: progress.update });
    progress.stop();
    printTotals(totals);
  } finally {
    await ds.destroy();
  }
}

/** A progress bar on a terminal; a line every 10% otherwise (CI logs, pipes). */
function makeProgress(): { update: (done: number, total: number) => void; stop: () => void } {
  if (process.stdout.isTTY) {
    const bar = new SingleBar({ format: 'patients [{bar}] {percentage}% | {value}/{total} | {duration_formatted}', hideCursor: true }, Presets.shades_classic);
    let started = false;
    return {
      update: (done, total) => {
        if (!started) {
          bar.start(total, done);
          started = true;
        } else bar.update(done);
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    update: (done, total) => {
      const decile = Math.floor((done / total) * 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      process.stdout.write(`  ${done}/${total} patients\n`);
    },
    stop: () => undefined,
  };
}

function printTotals(t: SeedTotals): void {
  const rows: [string, number][] = [
    ['users', t.users], ['patients', t.patients], ['care team members', t.careTeamMembers], ['encounters', t.encounters],
    ['diagnoses', t.diagnoses], ['procedures', t.procedures], ['observations', t.observations], ['notes', t.notes],
  ];
  for (const [label, n] of rows) process.stdout.write(`${label.padEnd(18)} ${n.toLocaleString('en-US').padStart(12)}\n`);
  process.stdout.write(`${'seconds'.padEnd(18)} ${t.seconds.toFixed(1).padStart(12)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`seed failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
