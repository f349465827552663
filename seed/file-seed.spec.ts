import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { hashPassword, verifyPassword } from '../src/auth/password';
import { dataSourceOptions } from '../src/database/data-source';
import { Db } from '../src/database/db';
import { DEMO_PASSWORD, DEMO_USERS, hashInBackground, seedDatabase, useDemoPasswordHashes } from './generator';
import { buildLookups } from './lookups';
import { buildPools, FAKER_SEED } from './pools';
import { SqliteBatchWriter } from './writer';

/**
 * The seed into a database file, as `npm run seed` does it (the other seed tests use in-memory databases): the file
 * grown before the load and no larger than its pages after, the pragmas and the WAL journal back; and the demo
 * password hashed on its low-priority background thread.
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

  it('loads through the worker, and leaves a sound WAL file exactly its pages long', async () => {
    // One real hash for every demo user: the hashing has a test of its own below, and 16 full-cost ones would
    // lengthen the suite by seconds.
    const hash = await hashPassword(DEMO_PASSWORD);
    useDemoPasswordHashes(DEMO_USERS.map(() => hash));
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
      expect(await db.query('SELECT password_hash FROM users WHERE password_hash = $1', [hash])).toHaveLength(DEMO_USERS.length);
    } finally {
      await db.dataSource.destroy();
    }
  }, 60_000);

  it('hashes the demo password on its background thread, each hash with its own salt', async () => {
    const hashes = await hashInBackground(2);
    expect(hashes).toHaveLength(2);
    expect(hashes[0]).not.toEqual(hashes[1]);
    for (const h of hashes) await expect(verifyPassword(DEMO_PASSWORD, h)).resolves.toBe(true);
    await expect(verifyPassword(`${DEMO_PASSWORD}x`, hashes[0])).resolves.toBe(false);
  });

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
