import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { DataSource, QueryRunner } from 'typeorm';
import { Dialect } from './dialect';

export type SqlParam = string | number | boolean | null | undefined | bigint;
export type Row = Record<string, unknown>;

/** The query surface shared by the database handle and an open transaction. SQL uses $1..$n placeholders. */
export interface Queryable {
  readonly dialect: Dialect;
  query<T = Row>(sql: string, params?: SqlParam[]): Promise<T[]>;
  one<T = Row>(sql: string, params?: SqlParam[]): Promise<T | undefined>;
  /** INSERT/UPDATE/DELETE; returns the number of rows changed. */
  execute(sql: string, params?: SqlParam[]): Promise<number>;
}

/** A transaction waiting for its group (SQLite). */
interface SqliteJob {
  fn: (tx: Queryable) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Transactions per group commit at most: a bound on how long the first caller of a group waits. */
const MAX_GROUP = 64;

interface Compiled {
  sql: string;
  order: number[];
}

/**
 * Explicit SQL over the TypeORM DataSource. Why not the repository API: every query here is visible to a student
 * reading the code, runs unchanged on both databases, and the hot paths (audit append, record read) stay close
 * to the driver. On SQLite the statements go straight to better-sqlite3's prepared-statement cache.
 *
 * SQLite has one connection per process, so transactions are serialized here: two interleaved BEGINs on one
 * connection would otherwise fail or, worse, merge. They are also group-committed (runSqliteGroup).
 */
export class Db implements Queryable {
  readonly dialect: Dialect;
  /** Prepared statements by the SQL as written ($n placeholders). */
  private readonly statements = new Map<string, Prepared>();
  /** Transactions waiting for the next group commit (runSqliteGroup). */
  private readonly sqliteJobs: SqliteJob[] = [];
  private sqliteGroupRunning = false;

  constructor(readonly dataSource: DataSource) {
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  /** The raw better-sqlite3 handle (SQLite only): for bulk work such as the seed. */
  get sqlite(): SqliteDatabase {
    if (this.dialect !== 'sqlite') throw new Error('not a SQLite database');
    return (this.dataSource.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
  }

  /**
   * For one long read-only scan (a whole-trail export): on a SQLite file, a read-only connection of its own with a
   * small page cache, so the scan neither fills the service's 64 MiB cache (the process's memory) nor evicts its hot
   * pages; on PostgreSQL or an in-memory SQLite database, this handle. Close it when the scan ends.
   */
  scanReader(cacheKib = 2048): Queryable & { close(): void } {
    if (this.dialect !== 'sqlite' || this.sqlite.memory) {
      return {
        dialect: this.dialect, query: (sql, params) => this.query(sql, params), one: (sql, params) => this.one(sql, params),
        execute: (sql, params) => this.execute(sql, params), close: () => undefined,
      };
    }
    const conn = new Database(this.sqlite.name, { readonly: true, fileMustExist: true });
    conn.pragma(`cache_size = -${cacheKib}`);
    const all = <T>(sql: string, params: SqlParam[] = []): T[] => {
      const c = compileForSqlite(sql);
      return conn.prepare(c.sql).all(...c.order.map((i) => sqliteParam(params[i]))) as T[];
    };
    return {
      dialect: 'sqlite',
      query: async <T>(sql: string, params?: SqlParam[]) => all<T>(sql, params),
      one: async <T>(sql: string, params?: SqlParam[]) => all<T>(sql, params)[0],
      execute: async () => {
        throw new Error('a scan reader is read-only');
      },
      close: () => conn.close(),
    };
  }

  async query<T = Row>(sql: string, params: SqlParam[] = []): Promise<T[]> {
    if (this.dialect === 'sqlite') return this.sqliteAll<T>(sql, params);
    return (await this.dataSource.query(sql, params.map(pgParam))) as T[];
  }

  async one<T = Row>(sql: string, params: SqlParam[] = []): Promise<T | undefined> {
    return (await this.query<T>(sql, params))[0];
  }

  async execute(sql: string, params: SqlParam[] = []): Promise<number> {
    if (this.dialect === 'sqlite') return this.sqliteRun(sql, params);
    const runner = this.dataSource.createQueryRunner();
    try {
      return await pgExecute(runner, sql, params);
    } finally {
      await runner.release();
    }
  }

  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite') return this.sqliteTransaction(fn);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const result = await fn(new PgTransaction(runner));
      await runner.commitTransaction();
      return result;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
  }

  private sqliteTransaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.sqliteJobs.push({ fn, resolve, reject } as SqliteJob);
      if (this.sqliteJobs.length === 1 && !this.sqliteGroupRunning) setImmediate(() => void this.runSqliteGroup());
    });
  }

  /**
   * Group commit: the transactions asked for during one turn of the event loop run one after another inside one
   * SQLite transaction, each in a savepoint of its own, and commit together: one fsync for all of them instead of
   * one each (a class of thirty wrote 200 transactions a second, and each commit held the event loop for its fsync,
   * 17% of the time; docs/performance.md). Each caller still gets its answer only once its work is durably committed;
   * a transaction that throws is rolled back to its savepoint alone. The audit writer's appends join the same group.
   */
  private async runSqliteGroup(): Promise<void> {
    const db = this.sqlite;
    this.sqliteGroupRunning = true;
    const done: { job: SqliteJob; result: unknown }[] = [];
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      this.sqliteGroupRunning = false;
      this.sqliteJobs.splice(0).forEach((job) => job.reject(err));
      return;
    }
    try {
      let job: SqliteJob | undefined;
      // Jobs that arrive while the group runs join it, up to a bound (their callers wait for this commit).
      while (done.length < MAX_GROUP && (job = this.sqliteJobs.shift())) {
        db.exec('SAVEPOINT job');
        try {
          const result = await job.fn(this);
          db.exec('RELEASE job');
          done.push({ job, result });
        } catch (err) {
          job.reject(err);
          // An I/O error or a full disk ends the whole transaction: then the group's earlier work is gone too.
          if (!db.inTransaction) throw err;
          db.exec('ROLLBACK TO job');
          db.exec('RELEASE job');
        }
      }
      db.exec('COMMIT');
      for (const d of done) d.job.resolve(d.result);
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const d of done) d.job.reject(err);
    } finally {
      this.sqliteGroupRunning = false;
      if (this.sqliteJobs.length > 0) setImmediate(() => void this.runSqliteGroup());
    }
  }

  private statement(sql: string): Prepared {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      const { sql: positional, order } = compileForSqlite(sql);
      const stmt = this.sqlite.prepare(positional);
      prepared = { stmt, order, toRow: stmt.reader ? rowBuilder(stmt.columns().map((col) => col.name)) : null };
      if (prepared.toRow) stmt.raw(true);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  private sqliteAll<T>(sql: string, params: SqlParam[]): T[] {
    const { stmt, toRow, order } = this.statement(sql);
    const args = order.map((i) => sqliteParam(params[i]));
    if (!toRow) {
      stmt.run(...args);
      return [];
    }
    const rows = stmt.all(...args) as unknown[][];
    const out = new Array<T>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = toRow(rows[i]) as T;
    return out;
  }

  private sqliteRun(sql: string, params: SqlParam[]): number {
    const { stmt, order } = this.statement(sql);
    const args = order.map((i) => sqliteParam(params[i]));
    if (stmt.reader) {
      stmt.all(...args);
      return 0;
    }
    return stmt.run(...args).changes;
  }

  /** Forget prepared statements (after the schema changed, e.g. a demo reset). */
  clearStatementCache(): void {
    this.statements.clear();
  }
}

/** A Queryable over one PostgreSQL connection (a transaction's, or one a caller holds for a session lock). */
export class PgTransaction implements Queryable {
  readonly dialect: Dialect = 'postgres';
  constructor(private readonly runner: QueryRunner) {}
  async query<T = Row>(sql: string, params: SqlParam[] = []): Promise<T[]> {
    return (await this.runner.query(sql, params.map(pgParam))) as T[];
  }
  async one<T = Row>(sql: string, params: SqlParam[] = []): Promise<T | undefined> {
    return (await this.query<T>(sql, params))[0];
  }
  execute(sql: string, params: SqlParam[] = []): Promise<number> {
    return pgExecute(this.runner, sql, params);
  }
}

async function pgExecute(runner: QueryRunner, sql: string, params: SqlParam[]): Promise<number> {
  const result = await runner.query(sql, params.map(pgParam), true);
  return result.affected ?? 0;
}

interface Prepared {
  stmt: Statement;
  /** Which parameter each positional `?` takes. */
  order: number[];
  /** For a statement that returns rows: its row as an object (the statement itself answers arrays). */
  toRow: ((values: unknown[]) => Row) | null;
}

/**
 * A function that turns one row of values into an object with the statement's column names, as one object literal.
 * better-sqlite3 can build the objects itself, but adds the properties one by one in C++: a chart read (about 80
 * rows of 12-20 columns) spent 40% of its query time there (docs/performance.md). The names come from the
 * prepared SQL, never from input, and each is a JSON string literal in the generated code. A repeated name keeps its
 * last value, as better-sqlite3's own objects do.
 */
export function rowBuilder(columns: readonly string[]): (values: unknown[]) => Row {
  // A literal "__proto__" key would set the prototype; the computed form makes an own property, as better-sqlite3 does.
  const props = columns.map((name, i) => `${name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name)}: v[${i}]`);
  return new Function('v', `return { ${props.join(', ')} };`) as (values: unknown[]) => Row;
}

/** `$1`-style placeholders to SQLite's positional `?`, keeping the order (a placeholder may repeat). */
export function compileForSqlite(sql: string): Compiled {
  const order: number[] = [];
  const out = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  return { sql: out, order };
}

function sqliteParam(p: SqlParam): string | number | bigint | null {
  if (p === undefined || p === null) return null;
  if (typeof p === 'boolean') return p ? 1 : 0;
  return p;
}

function pgParam(p: SqlParam): unknown {
  if (p === undefined) return null;
  if (typeof p === 'bigint') return p.toString();
  return p;
}

/** SQLite answers 0/1 for booleans, PostgreSQL true/false. */
export function bool(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 't';
}

/** PostgreSQL answers bigint/count as strings. */
export function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}
