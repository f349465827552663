import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { appendOnly } from '../migrations/1764400000000-initial-schema';
import type { Db, Queryable, SqlParam } from '../src/database/db';

/**
 * Bulk writing for the seed. Rows are collected per table as one flat array of values (no object per row), then
 * written in FK order: on SQLite through prepared multi-row INSERTs on the raw better-sqlite3 handle, on
 * PostgreSQL as multi-row INSERTs of about 500 rows through Db.execute inside one transaction per batch.
 */
export const SEED_TABLES = {
  patients: ['id', 'mrn', 'given_name', 'family_name', 'birth_date', 'sex', 'address_line', 'city', 'state', 'postal_code', 'phone', 'vip', 'user_id', 'deceased_at', 'created_at', 'updated_at'],
  care_team_members: ['patient_id', 'user_id', 'team_role', 'added_at', 'added_by'],
  encounters: ['id', 'patient_id', 'encounter_class', 'admitted_at', 'discharged_at', 'department', 'attending_user_id', 'disposition', 'planned_readmission', 'reason', 'sensitivity', 'sensitivity_category', 'created_at', 'created_by', 'updated_at', 'updated_by'],
  diagnoses: ['id', 'encounter_id', 'patient_id', 'code', 'description', 'chapter', 'is_primary', 'recorded_at', 'sensitivity', 'sensitivity_category', 'created_at', 'created_by', 'updated_at', 'updated_by'],
  procedures: ['id', 'encounter_id', 'patient_id', 'code_system', 'code', 'description', 'performed_at', 'sensitivity', 'sensitivity_category', 'created_at', 'created_by', 'updated_at', 'updated_by'],
  observations: ['id', 'encounter_id', 'patient_id', 'loinc_code', 'display', 'value_num', 'value_text', 'unit', 'observed_at', 'sensitivity', 'sensitivity_category', 'created_at', 'created_by', 'updated_at', 'updated_by'],
  clinical_notes: ['id', 'encounter_id', 'patient_id', 'note_type', 'author_user_id', 'text', 'authored_at', 'sensitivity', 'sensitivity_category', 'created_at', 'created_by', 'updated_at', 'updated_by'],
} as const;
export type SeedTable = keyof typeof SEED_TABLES;
/** Parents before children. */
export const SEED_TABLE_ORDER = Object.keys(SEED_TABLES) as SeedTable[];

export type Value = string | number | boolean | null;

/** One batch of generated rows: per table, the values of all rows one after another. */
export type Batch = Record<SeedTable, Value[]>;

export function emptyBatch(): Batch {
  return { patients: [], care_team_members: [], encounters: [], diagnoses: [], procedures: [], observations: [], clinical_notes: [] };
}

export function rowCount(batch: Batch, table: SeedTable): number {
  return batch[table].length / SEED_TABLES[table].length;
}

export interface BatchWriter {
  write(batch: Batch): Promise<void>;
}

/** SQLite: one transaction per batch, multi-row prepared statements (fewer calls into the driver). */
export class SqliteBatchWriter implements BatchWriter {
  private static readonly ROWS_PER_STATEMENT = 64;
  private readonly statements = new Map<string, Statement>();
  private readonly sqlite: SqliteDatabase;

  constructor(private readonly db: Db) {
    this.sqlite = db.sqlite;
  }

  write(batch: Batch): Promise<void> {
    // Through Db.transaction, so the seed queues behind (and ahead of) the app's own transactions.
    return this.db.transaction(async () => {
      for (const table of SEED_TABLE_ORDER) this.insert(table, batch[table]);
    });
  }

  private insert(table: SeedTable, values: Value[]): void {
    const width = SEED_TABLES[table].length;
    const chunk = SqliteBatchWriter.ROWS_PER_STATEMENT * width;
    let i = 0;
    if (values.length >= chunk) {
      const stmt = this.statement(table, SqliteBatchWriter.ROWS_PER_STATEMENT);
      for (; i + chunk <= values.length; i += chunk) stmt.run(values.slice(i, i + chunk));
    }
    const rest = (values.length - i) / width;
    if (rest > 0) this.statement(table, rest).run(values.slice(i));
  }

  private statement(table: SeedTable, rows: number): Statement {
    const key = `${table}:${rows}`;
    let stmt = this.statements.get(key);
    if (!stmt) {
      const cols = SEED_TABLES[table];
      const tuple = `(${cols.map(() => '?').join(',')})`;
      stmt = this.sqlite.prepare(`INSERT INTO ${table} (${cols.join(',')}) VALUES ${Array(rows).fill(tuple).join(',')}`);
      this.statements.set(key, stmt);
    }
    return stmt;
  }
}

/** PostgreSQL: one transaction per batch, multi-row INSERTs of up to 500 rows. */
export class PgBatchWriter implements BatchWriter {
  private static readonly ROWS_PER_STATEMENT = 500;
  private readonly sql = new Map<string, string>();

  constructor(private readonly db: Db) {}

  write(batch: Batch): Promise<void> {
    return this.db.transaction(async (tx) => {
      for (const table of SEED_TABLE_ORDER) await this.insert(tx, table, batch[table]);
    });
  }

  private async insert(tx: Queryable, table: SeedTable, values: Value[]): Promise<void> {
    const width = SEED_TABLES[table].length;
    const chunk = PgBatchWriter.ROWS_PER_STATEMENT * width;
    for (let i = 0; i < values.length; i += chunk) {
      const part = values.slice(i, i + chunk) as SqlParam[];
      await tx.execute(this.statement(table, part.length / width), part);
    }
  }

  private statement(table: SeedTable, rows: number): string {
    const key = `${table}:${rows}`;
    let sql = this.sql.get(key);
    if (!sql) {
      const cols = SEED_TABLES[table];
      const tuples: string[] = [];
      for (let r = 0; r < rows; r++) tuples.push(`(${cols.map((_, c) => `$${r * cols.length + c + 1}`).join(',')})`);
      sql = `INSERT INTO ${table} (${cols.join(',')}) VALUES ${tuples.join(',')}`;
      this.sql.set(key, sql);
    }
    return sql;
  }
}

/** Every table of the schema, children before parents (FK-safe delete order). */
export const DELETE_ORDER = [
  'audit_checkpoints', 'audit_head', 'audit_events', 'report_runs', 'accounting_requests', 'disclosures',
  'roi_transitions', 'roi_requests', 'amendments', 'break_glass_grants', 'clinical_notes', 'observations',
  'procedures', 'diagnoses', 'encounters', 'care_team_members', 'patients', 'users', 'role_permissions',
  'permissions', 'roles',
] as const;

/** The tables whose triggers refuse UPDATE and DELETE (see appendOnly in the initial migration). */
export const APPEND_ONLY_TABLES = ['audit_events', 'audit_checkpoints', 'disclosures'] as const;

/** Tables with an identity id, whose sequences PostgreSQL must move past the seed's explicit ids. */
export const IDENTITY_TABLES = [
  'users', 'patients', 'encounters', 'diagnoses', 'procedures', 'observations', 'clinical_notes',
  'break_glass_grants', 'amendments', 'roi_requests', 'roi_transitions', 'disclosures', 'accounting_requests',
  'report_runs', 'audit_checkpoints',
] as const;

/**
 * Deletes all data, the append-only audit tables included: their refusing triggers are lifted for the delete
 * and put back (the one place allowed to do so: a demo reset wipes the whole database, chain and all).
 */
export async function deleteAllData(db: Db): Promise<void> {
  if (db.dialect === 'postgres') {
    await db.transaction(async (tx) => {
      for (const t of APPEND_ONLY_TABLES) await tx.execute(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
      for (const t of DELETE_ORDER) await tx.execute(`DELETE FROM ${t}`);
      for (const t of APPEND_ONLY_TABLES) await tx.execute(`ALTER TABLE ${t} ENABLE TRIGGER USER`);
    });
    return;
  }
  const sqlite = db.sqlite;
  // Foreign keys off (only possible outside a transaction) lets SQLite empty each table in one step.
  const foreignKeys = sqlite.pragma('foreign_keys', { simple: true });
  sqlite.pragma('foreign_keys = OFF');
  try {
    await db.transaction(async () => {
      for (const t of APPEND_ONLY_TABLES) {
        sqlite.exec(`DROP TRIGGER IF EXISTS ${t}_no_update`);
        sqlite.exec(`DROP TRIGGER IF EXISTS ${t}_no_delete`);
      }
      for (const t of DELETE_ORDER) sqlite.exec(`DELETE FROM ${t}`);
      sqlite.exec(`DELETE FROM sqlite_sequence`);
      for (const t of APPEND_ONLY_TABLES) for (const sql of appendOnly('sqlite', t)) sqlite.exec(sql);
    });
  } finally {
    sqlite.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  db.clearStatementCache();
}

/** PostgreSQL: the next generated id of each table follows the largest seeded one. */
export async function resetIdentitySequences(db: Db): Promise<void> {
  if (db.dialect !== 'postgres') return;
  for (const t of IDENTITY_TABLES) {
    await db.query(
      `SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM ${t}), false)`,
    );
  }
}
