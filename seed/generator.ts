import { DEFAULT_ROLE_MATRIX, PERMISSIONS, ROLES } from '../src/access/catalogue';
import { hashPassword } from '../src/auth/password';
import { startWorker } from '../src/common/start-worker';
import type { Db } from '../src/database/db';
import { DEMO_PASSWORD, DEMO_USERS, DemoUsername, RECORD_ACCESS_ROLES } from './demo-users';
import { BatchSource, GeneratorSettings, InlineBatchSource, WorkerBatchSource } from './batch-source';
import { DEFAULT_SEED, DEFAULT_SEED_NOW } from './defaults';
import { plantDeficiencies } from './documentation-integrity';
import { buildLookups } from './lookups';
import { GeneratedCounts, HISTORY_DAYS } from './patient-generator';
import { buildPools, FAKER_SEED } from './pools';
import { seedLegalBasisExamples } from './legal-basis-examples';
import { plantRepresentatives } from './representatives';
import { deleteAllData, resetIdentitySequences } from './reset';
import { seedAmendmentExamples } from './amendment-examples';
import { seedRoiRightsExamples } from './roi-rights-examples';
import { BatchWriter, PortableBatchWriter, SEED_TABLE_ORDER, SqliteBatchWriter } from './writer';

export { careTeamOf, SPECIAL_PATIENTS } from './care-teams';
export { DEFAULT_SEED, DEFAULT_SEED_NOW, isDatabaseEmpty } from './defaults';
export { DEMO_PASSWORD, DEMO_USERS } from './demo-users';

/**
 * The deterministic demo data set: the access catalogue, the demo users, and synthetic patients with two years
 * of encounters. Same options, same rows (password hashes aside: each has its own random salt).
 *
 *   await seedDatabase(db, { patients: 200 });                 // an empty database
 *   await seedDatabase(db, { patients: 100_000, reset: true }); // wipe everything first
 */
export interface SeedOptions {
  /** Number of patients (at least 4: the planted scenario patients, see care-teams.ts). */
  patients: number;
  /** Delete all data first, the append-only audit tables included. Without it the database must be empty. */
  reset?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** The end of the two-year history. Default 2026-11-01T00:00:00Z, so that seeds are reproducible. */
  now?: Date;
  /** PRNG seed; change it for a different but equally reproducible population. */
  seed?: number;
  /** SQLite only: write through the portable path instead of the fast one (tests compare the two). */
  portableWriter?: boolean;
  /** Generate in a worker thread, overlapping generation and writing. Default: for 5000 patients or more. */
  worker?: boolean;
}

export interface SeedTotals extends GeneratedCounts {
  users: number;
  seconds: number;
}

/** Patients generated and written per transaction. */
const BATCH_PATIENTS = 1000;
const WORKER_FROM_PATIENTS = 5000;
/**
 * Less than a seeded patient takes in a SQLite file (21,500 bytes each for 100k patients, 4 KiB pages, indexes
 * included): the fast writer grows the file by this much before the load (SqliteBatchWriter.preallocate).
 */
const FILE_BYTES_PER_PATIENT = 18_000;

/** Copies the role matrix into roles, permissions and role_permissions. Idempotent: does nothing if roles exist. */
export async function seedAccessCatalogue(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    if (await tx.one('SELECT 1 AS present FROM roles LIMIT 1')) return;
    for (const [name, description] of Object.entries(PERMISSIONS)) {
      await tx.execute('INSERT INTO permissions (name, description) VALUES ($1, $2)', [name, description]);
    }
    for (const role of ROLES) {
      const def = DEFAULT_ROLE_MATRIX[role];
      await tx.execute('INSERT INTO roles (name, description, has_record_access) VALUES ($1, $2, $3)', [
        role, def.description, RECORD_ACCESS_ROLES.includes(role),
      ]);
      for (const permission of def.permissions) {
        await tx.execute('INSERT INTO role_permissions (role, permission) VALUES ($1, $2)', [role, permission]);
      }
    }
  });
}

export async function seedDatabase(db: Db, opts: SeedOptions): Promise<SeedTotals> {
  const started = performance.now();
  if (!Number.isFinite(opts.patients)) throw new Error('seed: `patients` must be a number');
  const total = Math.max(4, Math.floor(opts.patients));
  const nowMs = (opts.now ?? DEFAULT_SEED_NOW).getTime();
  if (!Number.isFinite(nowMs)) throw new Error('seed: invalid `now`');
  if (opts.reset) await deleteAllData(db);
  else await assertEmpty(db);
  await seedAccessCatalogue(db);
  const lookups = buildLookups(buildPools(FAKER_SEED));
  const users = await insertDemoUsers(db, new Date(nowMs - HISTORY_DAYS * 86_400_000).toISOString());

  const settings: GeneratorSettings = { seed: opts.seed ?? DEFAULT_SEED, nowMs, users, total, batchSize: BATCH_PATIENTS };
  const useWorker = opts.worker ?? total >= WORKER_FROM_PATIENTS;
  // Beside a large load (generated in a worker, written here) the demo password hashes, two at a time on libuv's
  // pool, took cores from both: a 100k seed took 30.4-33.9 s with them, 26.0-26.2 s without. At the lowest priority
  // they take only what the load leaves (26.4-27.0 s; docs/performance.md).
  const hashing = demoPasswordHashes(useWorker);
  const source: BatchSource = useWorker ? new WorkerBatchSource(settings) : new InlineBatchSource(settings);
  const writer: BatchWriter = db.dialect === 'sqlite' && !opts.portableWriter
    ? new SqliteBatchWriter(db, lookups, total * FILE_BYTES_PER_PATIENT)
    : new PortableBatchWriter(db, lookups);
  let counts: GeneratedCounts;
  try {
    await writer.open();
    try {
      opts.onProgress?.(0, total);
      for (let m = await source.next(); m; m = await source.next()) {
        await writer.write(m.batch);
        opts.onProgress?.(m.last, total);
        // Back to the event loop once per batch: when the worker is ahead, every await above resolves as a
        // microtask, and libuv's callbacks wait (the demo password hashes finished only after the load, 8.6 s of
        // a 100k seed; docs/performance.md).
        await new Promise<void>((resume) => setImmediate(resume));
      }
      counts = source.counts();
    } finally {
      await writer.close();
    }
  } finally {
    await source.close();
  }
  // Planted chart deficiencies: some discharge summaries are never written, so the note count drops by those.
  const deficiencies = await plantDeficiencies(db, users, nowMs);
  counts = { ...counts, notes: counts.notes - deficiencies.missingDischargeSummaries };
  await resetIdentitySequences(db);
  // The planted minor's own visit gains one diagnosis (seed/representatives.ts): the totals count it.
  const planted = await plantRepresentatives(db, users, nowMs);
  if (planted.minorConsentEncounter !== null) counts.diagnoses += 1;
  await seedRoiRightsExamples(db, users, nowMs);
  await seedLegalBasisExamples(db, users, nowMs);
  await seedAmendmentExamples(db, users, nowMs);
  await setPasswords(db, await hashing);
  await updateStatistics(db);
  // The load's pages on disk (SqliteBatchWriter flushes them beside the steps above).
  await writer.durable();
  return { users: DEMO_USERS.length, ...counts, seconds: (performance.now() - started) / 1000 };
}

async function assertEmpty(db: Db): Promise<void> {
  const users = await db.one('SELECT 1 AS present FROM users LIMIT 1');
  const patients = await db.one('SELECT 1 AS present FROM patients LIMIT 1');
  if (users || patients) {
    throw new Error('The database already holds users or patients: seed it with reset (npm run seed -- --reset) to replace them');
  }
}

let cachedHashes: Promise<string[]> | null = null;

/**
 * The demo password hashed once per user, each with its own salt (scrypt, about a quarter of a second each, on
 * purpose). Kept for the life of the process, so a demo reset or a test's reseed does not pay for them again.
 * `background`: on a low-priority thread of their own, one after the other (seed/hash-worker.ts); otherwise on
 * libuv's thread pool, two at a time.
 */
function demoPasswordHashes(background: boolean): Promise<string[]> {
  if (!cachedHashes) {
    cachedHashes = background ? hashInBackground(DEMO_USERS.length) : Promise.all(DEMO_USERS.map(() => hashPassword(DEMO_PASSWORD)));
    cachedHashes.catch(() => (cachedHashes = null));
  }
  return cachedHashes;
}

/** The demo password hashed `count` times, one after the other on a low-priority thread (seed/hash-worker.ts). */
export function hashInBackground(count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(__dirname, 'hash-worker', { password: DEMO_PASSWORD, count });
    worker.once('message', (hashes: string[]) => resolve(hashes));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the demo password hashing thread exited early (code ${code})`)));
  });
}

/**
 * Hashes of DEMO_PASSWORD made elsewhere, one per demo user in DEMO_USERS order, each with its own salt: later seeds
 * in this process use them instead of hashing again. The e2e test run hashes once for all its suites (see
 * test/helpers/global-setup.ts). verifyPassword reads the scrypt parameters from each hash.
 */
export function useDemoPasswordHashes(hashes: readonly string[]): void {
  if (hashes.length !== DEMO_USERS.length || !hashes.every((h) => h.startsWith('scrypt$'))) {
    throw new Error(`useDemoPasswordHashes: expected ${DEMO_USERS.length} scrypt hashes of the demo password`);
  }
  cachedHashes = Promise.resolve([...hashes]);
}

/** Until the hashes are ready (scrypt is slow on purpose): a value verifyPassword never accepts. */
const NO_PASSWORD_YET = '!pending';

/**
 * Inserts the demo users with ids 1..N in DEMO_USERS order, without a usable password yet (see setPasswords);
 * answers user id by username.
 */
async function insertDemoUsers(db: Db, createdAt: string): Promise<Record<DemoUsername, number>> {
  const ids = {} as Record<DemoUsername, number>;
  await db.transaction(async (tx) => {
    for (const [i, u] of DEMO_USERS.entries()) {
      const id = i + 1;
      await tx.execute(
        `INSERT INTO users (id, username, display_name, family_name, role, password_hash, disabled, department, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)`,
        [id, u.username, u.displayName, u.familyName, u.role, NO_PASSWORD_YET, false, u.department, createdAt],
      );
      ids[u.username as DemoUsername] = id;
    }
  });
  return ids;
}

/** The demo password, hashed with its own salt per user while the patients were being written. */
async function setPasswords(db: Db, hashes: string[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [i, u] of DEMO_USERS.entries()) {
      await tx.execute('UPDATE users SET password_hash = $1 WHERE username = $2', [hashes[i], u.username]);
    }
  });
}

/** Fresh planner statistics for the new data (a sample on SQLite, to stay fast on large seeds). */
async function updateStatistics(db: Db): Promise<void> {
  if (db.dialect === 'sqlite') {
    db.sqlite.pragma('analysis_limit = 1000');
    db.sqlite.exec('ANALYZE');
    return;
  }
  for (const t of SEED_TABLE_ORDER) await db.execute(`ANALYZE ${t}`);
}
