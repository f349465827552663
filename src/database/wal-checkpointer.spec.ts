import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';
import { Db } from './db';
import { FALLBACK_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer';

describe('WalCheckpointer', () => {
  let dir: string;
  let ds: DataSource;
  let db: Db;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
    ds = new DataSource(dataSourceOptions({ SQLITE_PATH: join(dir, 'app.sqlite') }));
    await ds.initialize();
    db = new Db(ds);
    db.sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  });

  afterEach(async () => {
    await ds.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const insertPages = (rows: number) => {
    const insert = db.sqlite.prepare('INSERT INTO t (body) VALUES (?)');
    db.sqlite.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run('x'.repeat(2000));
    })();
  };

  it('copies the log into the database on its own thread, and the service connection no longer does below the fallback', async () => {
    const checkpointer = new WalCheckpointer(db);
    checkpointer.start(20);
    try {
      expect(checkpointer.running).toBe(true);
      expect(db.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
      // 3,000 rows of 2 KB: about 1,500 pages, past SQLite's default of 1,000, so the connection would have
      // checkpointed itself; the worker does it instead.
      insertPages(3000);
      let result = await checkpointer.nextCheckpoint();
      while (result.checkpointed < result.log) result = await checkpointer.nextCheckpoint();
      expect(result.log).toBeGreaterThan(1000);
      expect(result.checkpointed).toBe(result.log);
      // The rows are in the database file itself now, not only in the log.
      expect(statSync(join(dir, 'app.sqlite')).size).toBeGreaterThan(3000 * 2000);
      // The next transaction starts the log over: it does not grow without bound.
      insertPages(10);
      // (a checkpoint already under way when the rows went in may still report the old log)
      for (let i = 0; i < 50 && result.log >= 100; i++) result = await checkpointer.nextCheckpoint();
      expect(result.log).toBeLessThan(100);
    } finally {
      await checkpointer.stop();
    }
    expect(checkpointer.running).toBe(false);
    expect(db.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('does nothing for an in-memory database', async () => {
    const memory = new DataSource(dataSourceOptions({ SQLITE_PATH: ':memory:' }));
    await memory.initialize();
    const checkpointer = new WalCheckpointer(new Db(memory));
    checkpointer.start();
    expect(checkpointer.running).toBe(false);
    await memory.destroy();
  });
});
