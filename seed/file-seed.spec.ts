import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { verifyPassword } from '../src/auth/password';
import { dataSourceOptions } from '../src/database/data-source';
import { Db } from '../src/database/db';
import { DEMO_PASSWORD, DEMO_USERS, seedDatabase } from './generator';
import { buildLookups } from './lookups';
import { buildPools, FAKER_SEED } from './pools';
import { SqliteBatchWriter } from './writer';

/**
 * The seed into a database file, as `npm run seed` does it (the other seed tests use in-memory databases): the file
 * grown before the load and no larger than its pages after, the pragmas and the WAL journal back, the demo password
 * hashes made on their background thread (this test file's module registry has no cached hashes).
 */
describe('seed into a SQLite file', () => {
  let dir: string;
  const open = async (name: string) => {
    const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: join(dir, name) }));
    await ds.initialize();
    await ds.runMigrations();
    return new Db(ds);
  };
  const pages = (db: Db) => (db.sqlite.pragma('page_count', { simple: true }) as number) * (db.sqlite.pragma('page_size', { simple: true }) as number);

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'seed-file-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads through the worker, leaves a sound WAL file exactly its pages long, and hashes every demo password', async () => {
    const db = await open('seed.sqlite');
    try {
      const totals = await seedDatabase(db, { patients: 300, worker: true });
      expect(totals.patients).toBe(300);
      expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.sqlite.pragma('temp_store', { simple: true })).toBe(2);
      db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      expect(statSync(db.sqlite.name).size).toBe(pages(db));
      const hashes = await db.query<{ password_hash: string }>('SELECT password_hash FROM users ORDER BY id');
      expect(hashes).toHaveLength(DEMO_USERS.length);
      expect(new Set(hashes.map((h) => h.password_hash)).size).toBe(DEMO_USERS.length);
      await expect(verifyPassword(DEMO_PASSWORD, hashes[0].password_hash)).resolves.toBe(true);
      await expect(verifyPassword(DEMO_PASSWORD, hashes[DEMO_USERS.length - 1].password_hash)).resolves.toBe(true);
    } finally {
      await db.dataSource.destroy();
    }
  }, 60_000);

  it('grows the file before the load by what it expects to write, and only ever grows it', async () => {
    const db = await open('grow.sqlite');
    try {
      const before = statSync(db.sqlite.name).size;
      const writer = new SqliteBatchWriter(db, buildLookups(buildPools(FAKER_SEED)), 1_000_000);
      await writer.open();
      const grown = statSync(db.sqlite.name).size;
      expect(grown).toBeGreaterThanOrEqual(pages(db) + 1_000_000 - 4096);
      expect(grown).toBeGreaterThan(before);
      await writer.close();
      await writer.durable();
      expect(db.sqlite.pragma('quick_check', { simple: true })).toBe('ok');
      const smaller = new SqliteBatchWriter(db, buildLookups(buildPools(FAKER_SEED)), 4096);
      await smaller.open();
      expect(statSync(db.sqlite.name).size).toBe(grown);
      await smaller.close();
    } finally {
      await db.dataSource.destroy();
    }
  });
});
