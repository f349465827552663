import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';
import { Db, rowBuilder } from './db';
import { SQLITE_CACHE_KIB } from './sqlite-pragmas';

describe('Db on SQLite: rows built from the statement\'s values', () => {
  let ds: DataSource;
  let db: Db;

  beforeAll(async () => {
    ds = new DataSource(dataSourceOptions({ SQLITE_PATH: ':memory:' }));
    await ds.initialize();
    db = new Db(ds);
    db.sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, note TEXT)');
    db.sqlite.exec("INSERT INTO t VALUES (1, 'a', 1.5, NULL), (2, 'b', NULL, 'x')");
  });
  afterAll(() => ds.destroy());

  it('answers the same objects as better-sqlite3 builds itself, columns in order', async () => {
    const sql = 'SELECT id, name, score, note, id * 2 AS "double id", COUNT(*) OVER () AS n FROM t ORDER BY id';
    const expected = db.sqlite.prepare(sql).all();
    const rows = await db.query(sql);
    expect(rows).toEqual(expected);
    expect(rows.map((r) => Object.keys(r))).toEqual(expected.map((r) => Object.keys(r as object)));
    expect(rows[0]).toEqual({ id: 1, name: 'a', score: 1.5, note: null, 'double id': 2, n: 2 });
  });

  it('keeps the last of two columns with one name, as better-sqlite3 does', async () => {
    const sql = 'SELECT a.id, b.id FROM t a JOIN t b ON b.id = a.id + 1';
    expect(await db.query(sql)).toEqual(db.sqlite.prepare(sql).all());
  });

  it('answers no rows for a statement that returns none, and rows for INSERT ... RETURNING', async () => {
    expect(await db.query('UPDATE t SET note = $1 WHERE id = $2', ['y', 1])).toEqual([]);
    expect(await db.query('INSERT INTO t (name) VALUES ($1) RETURNING id, name', ['c'])).toEqual([{ id: 3, name: 'c' }]);
    expect(await db.execute('DELETE FROM t WHERE id = $1', [3])).toBe(1);
  });

  it('opens the connection with the project\'s pragmas (durable commits, foreign keys, a 16 MiB page cache)', () => {
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('cache_size', { simple: true })).toBe(-SQLITE_CACHE_KIB);
    expect(SQLITE_CACHE_KIB).toBe(16384);
  });

  it('treats a column name as data, never as code', () => {
    const names = ['x"; throw new Error("no"); "', '`${process.exit(1)}`', '__proto__x', 'a\nb'];
    const row = rowBuilder(names)([1, 2, 3, 4]);
    expect(Object.keys(row)).toEqual(names);
    expect(Object.values(row)).toEqual([1, 2, 3, 4]);
    const proto = rowBuilder(['__proto__', 'id'])([{ polluted: true }, 5]);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value).toEqual({ polluted: true });
  });
});

describe('Db on SQLite: group commit', () => {
  let ds: DataSource;
  let db: Db;
  let statements: string[];

  beforeEach(async () => {
    ds = new DataSource(dataSourceOptions({ SQLITE_PATH: ':memory:' }));
    await ds.initialize();
    db = new Db(ds);
    db.sqlite.exec('CREATE TABLE g (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
    statements = [];
    const exec = db.sqlite.exec.bind(db.sqlite);
    jest.spyOn(db.sqlite, 'exec').mockImplementation((sql: string) => {
      statements.push(sql);
      return exec(sql);
    });
  });
  afterEach(() => ds.destroy());

  const insert = (name: string) => db.transaction(async (tx) => {
    await tx.execute('INSERT INTO g (name) VALUES ($1)', [name]);
    return name;
  });
  const names = async () => (await db.query<{ name: string }>('SELECT name FROM g ORDER BY id')).map((r) => r.name);

  it('commits the transactions of one turn of the event loop together, each answered after the commit', async () => {
    const answered: string[] = [];
    const all = ['a', 'b', 'c', 'd'].map((n) => insert(n).then((r) => {
      answered.push(`${r} after ${statements.filter((s) => s === 'COMMIT').length} commit(s)`);
      return r;
    }));
    expect(await Promise.all(all)).toEqual(['a', 'b', 'c', 'd']);
    expect(statements.filter((s) => s === 'BEGIN IMMEDIATE')).toHaveLength(1);
    expect(statements.filter((s) => s === 'COMMIT')).toHaveLength(1);
    expect(answered).toEqual(['a after 1 commit(s)', 'b after 1 commit(s)', 'c after 1 commit(s)', 'd after 1 commit(s)']);
    expect(await names()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('rolls back a transaction that throws, alone: the others of its group commit', async () => {
    const results = await Promise.allSettled([
      insert('a'),
      db.transaction(async (tx) => {
        await tx.execute('INSERT INTO g (name) VALUES ($1)', ['half']);
        await tx.execute('INSERT INTO g (name) VALUES ($1)', ['a']); // unique: throws
      }),
      insert('c'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await names()).toEqual(['a', 'c']);
    expect(db.sqlite.inTransaction).toBe(false);
  });

  it('runs a transaction asked for by an answered one in a later group, and keeps their order', async () => {
    const second = await insert('first').then(() => insert('second'));
    expect(second).toBe('second');
    expect(statements.filter((s) => s === 'COMMIT')).toHaveLength(2);
    expect(await names()).toEqual(['first', 'second']);
  });

  it('fails every transaction of a group whose commit fails, and leaves nothing behind', async () => {
    // A deferred foreign key is checked at COMMIT: the whole group's commit fails.
    db.sqlite.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
    const results = await Promise.allSettled([insert('a'), db.transaction((tx) => tx.execute('INSERT INTO child VALUES (42)'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await names()).toEqual([]);
    expect(db.sqlite.inTransaction).toBe(false);
    expect(await insert('later')).toBe('later');
  });
});
