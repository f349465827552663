import 'reflect-metadata';
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { DataSource } from 'typeorm';
import { AuditArchive } from '../src/audit/audit-archive';
import { AuditVerifier } from '../src/audit/audit-verifier';
import type { AppConfig } from '../src/config/app-config';
import { EnvironmentVariables, validateEnvironment } from '../src/config/env.schema';
import { dataSourceOptions } from '../src/database/data-source';
import { Db } from '../src/database/db';

/**
 * npm run audit:verify -- [--from <seq>] [--threads <n>] [--json]
 *
 * The same verification as GET /audit/verify, from the command line, on the database named by the environment
 * (SQLITE_PATH, or DATABASE_URL). On SQLite a long trail is split across worker threads, one per core unless
 * --threads (or AUDIT_VERIFY_THREADS) says otherwise; a progress bar on a terminal. Reads only: it writes no audit row
 * (it reads no patient data). Exit status 0 when the trail and every closed epoch are intact, 1 otherwise.
 */
function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

async function main(): Promise<void> {
  const opts = new Command()
    .name('audit:verify')
    .description('Recompute the audit hash chain and check the head, checkpoints and closed epochs')
    .option('--from <seq>', 'start from the checkpoint at or before this sequence (0 = everything)', wholeNumber, 0)
    .option('-t, --threads <n>', 'worker threads on SQLite (0 = one per core, 1 = none)', wholeNumber)
    .option('--json', 'print the result as JSON', false)
    .parse(process.argv)
    .opts<{ from: number; threads?: number; json: boolean }>();

  const env = validateEnvironment(process.env);
  const settings = { ...env, ...(opts.threads === undefined ? {} : { AUDIT_VERIFY_THREADS: opts.threads }) } as EnvironmentVariables;
  const config = { get: (k: keyof EnvironmentVariables) => settings[k] } as unknown as AppConfig;
  const ds = new DataSource(dataSourceOptions(env));
  await ds.initialize();
  const progress = makeProgress();
  try {
    const db = new Db(ds);
    const started = performance.now();
    const result = await new AuditVerifier(db, config, new AuditArchive(db, config)).verify(opts.from, progress.update);
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    if (opts.json) process.stdout.write(`${JSON.stringify({ ...result, seconds })}\n`);
    else {
      const verdict = result.valid ? 'intact' : `BROKEN at sequence ${result.firstBrokenSequence} (${result.problem}): ${result.message}`;
      process.stdout.write(`audit trail ${verdict}\n  ${result.checked.toLocaleString('en-US')} rows checked from ${result.fromSequence} in ${seconds.toFixed(2)} s\n`);
      if (result.epochs) process.stdout.write(`  closed epochs: ${result.epochs.length}, ${result.historyValid ? 'all intact' : 'NOT all intact'}\n`);
    }
    process.exitCode = result.valid && result.historyValid !== false ? 0 : 1;
  } finally {
    await ds.destroy();
  }
}

/** A progress bar on a terminal (stderr); nothing otherwise, so piped output stays the result alone. */
function makeProgress(): { update: (done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: 'verify [{bar}] {percentage}% | {value}/{total} rows | {duration_formatted}', hideCursor: true, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else bar.update(Math.min(done, total));
    },
    stop: () => started && bar.stop(),
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`audit:verify failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
