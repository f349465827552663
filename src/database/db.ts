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

interface Compiled {
  sql: string;
  order: number[];
}

/**
 * Explicit SQL over the TypeORM DataSource. Why not the repository API: every query here is visible to a student
 * reading the code, runs unchanged on both databases, and the hot paths (audit append, record read) stay close
 * to the driver. On SQLite the statements go straight to better-sqlite3's prepared-statement cache.
 *
 * SQLite has one connection per process, so transactions are serialized here by an async queue: two
 * interleaved BEGINs on one connection would otherwise fail or, worse, merge.
 */
export class Db implements Queryable {
  readonly dialect: Dialect;
  private readonly compiled = new Map<string, Compiled>();
  private readonly statements = new Map<string, Statement>();
  private sqliteQueue: Promise<unknown> = Promise.resolve();

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
    const run = async (): Promise<T> => {
      const db = this.sqlite;
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this);
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    };
    const next = this.sqliteQueue.then(run, run);
    this.sqliteQueue = next.catch(() => undefined);
    return next;
  }

  private statement(sql: string): { stmt: Statement; order: number[] } {
    let c = this.compiled.get(sql);
    if (!c) {
      c = compileForSqlite(sql);
      this.compiled.set(sql, c);
    }
    let stmt = this.statements.get(c.sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(c.sql);
      this.statements.set(c.sql, stmt);
    }
    return { stmt, order: c.order };
  }

  private sqliteAll<T>(sql: string, params: SqlParam[]): T[] {
    const { stmt, order } = this.statement(sql);
    const args = order.map((i) => sqliteParam(params[i]));
    if (stmt.reader) return stmt.all(...args) as T[];
    stmt.run(...args);
    return [];
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
