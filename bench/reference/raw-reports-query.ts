import Database from 'better-sqlite3';
import { compileForSqlite } from '../../src/database/db';
import { applySqlitePragmas } from '../../src/database/sqlite-pragmas';
import { OutcomesQueryInput, outcomesQuery } from '../../src/reporting/outcomes/outcomes-query';
import { reportSql } from '../../src/reporting/sql-dialect';

/**
 * The reference for bench/reports.ts: the outcomes report's own SQL (outcomesQuery, the exact text the service
 * sends for SQLite), run directly with a better-sqlite3 prepared statement on its own connection with the
 * service's pragmas. No HTTP, no NestJS, no post-processing, no JSON: what is left between the two timings is the
 * cost of the service's code path around the query.
 */
export class RawOutcomesQuery {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    applySqlitePragmas(this.db);
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Runs the query once (prepared once per SQL text, as the service's Db does); milliseconds and rows (groups + total). */
  run(input: OutcomesQueryInput): { ms: number; rows: number } {
    const q = outcomesQuery(reportSql('sqlite'), input);
    const compiled = compileForSqlite(q.text);
    let stmt = this.statements.get(compiled.sql);
    if (!stmt) {
      stmt = this.db.prepare(compiled.sql);
      this.statements.set(compiled.sql, stmt);
    }
    const args = compiled.order.map((i) => q.params[i] as string);
    const t0 = process.hrtime.bigint();
    const rows = stmt.all(...args);
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, rows: rows.length };
  }

  close(): void {
    this.db.close();
  }
}
