import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { statSync, truncateSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Db, Queryable, SqlParam } from '../src/database/db';
import { Lookups, noteText } from './lookups';

/**
 * Bulk writing for the seed.
 *
 * The generator appends compact rows (numbers and short strings; codes and note bodies by index into the
 * Lookups) per table to one flat array, no object per row. A Layout says how a compact row becomes a table row,
 * twice: as SQL over temporary lookup tables (the SQLite fast path: binding 6 values instead of 14 per row, and
 * building note text in C, is most of the speed), and as JavaScript (the portable path, used on PostgreSQL).
 * The unit test checks that both paths write the same rows.
 *
 * Patients and encounters carry explicit ids (children refer to them); the leaf tables take their ids from the
 * database in insertion order, which on a freshly emptied table is 1, 2, 3, ... on both databases.
 */
export type Value = string | number | null;

interface Layout {
  /** What the generator appends per row, in order. */
  compact: readonly string[];
  /** The table columns written. */
  columns: readonly string[];
  /** SQLite: one expression per column over v.column1..N (the compact row) and the joined lookups. */
  select: string;
  joins: string;
  /** The same expansion in JavaScript. Flags are 1/0 in compact rows and booleans here. */
  expand(v: readonly Value[], i: number, l: Lookups): SqlParam[];
}

const restricted = (category: string | null) => (category ? 'restricted' : 'normal');
const flag = (v: Value) => v === 1;

const PATIENT_COLUMNS = ['id', 'mrn', 'given_name', 'family_name', 'birth_date', 'sex', 'address_line', 'city', 'state', 'postal_code', 'phone', 'vip', 'user_id', 'deceased_at', 'created_at', 'updated_at'];
const VIP = PATIENT_COLUMNS.indexOf('vip');
const CARE_TEAM_COLUMNS = ['patient_id', 'user_id', 'team_role', 'added_at', 'added_by'];
const CLINICAL_TAIL = ['sensitivity', 'sensitivity_category', 'created_at', 'created_by', 'updated_at', 'updated_by'];

export const LAYOUTS = {
  patients: {
    compact: PATIENT_COLUMNS,
    columns: PATIENT_COLUMNS,
    select: PATIENT_COLUMNS.map((_, i) => `v.column${i + 1}`).join(', '),
    joins: '',
    expand: (v, i) => PATIENT_COLUMNS.map((_, c) => (c === VIP ? flag(v[i + c]) : v[i + c])),
  },
  care_team_members: {
    compact: CARE_TEAM_COLUMNS,
    columns: CARE_TEAM_COLUMNS,
    select: CARE_TEAM_COLUMNS.map((_, i) => `v.column${i + 1}`).join(', '),
    joins: '',
    expand: (v, i) => v.slice(i, i + CARE_TEAM_COLUMNS.length),
  },
  encounters: {
    compact: ['id', 'patient_id', 'encounter_class', 'admitted_at', 'discharged_at', 'department', 'attending_user_id', 'disposition', 'planned_readmission', 'dx'],
    columns: ['id', 'patient_id', 'encounter_class', 'admitted_at', 'discharged_at', 'department', 'attending_user_id', 'disposition', 'planned_readmission', 'reason', ...CLINICAL_TAIL],
    select: `v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8, v.column9,
      d.description, d.sensitivity, d.category, v.column4, v.column7, COALESCE(v.column5, v.column4), v.column7`,
    joins: 'JOIN temp.seed_dx d ON d.idx = v.column10',
    expand: (v, i, l) => {
      const d = l.dx[v[i + 9] as number];
      return [v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4], v[i + 5], v[i + 6], v[i + 7], flag(v[i + 8]),
        d.description, restricted(d.sensitivity), d.sensitivity, v[i + 3], v[i + 6], v[i + 4] ?? v[i + 3], v[i + 6]];
    },
  },
  diagnoses: {
    compact: ['encounter_id', 'patient_id', 'dx', 'is_primary', 'recorded_at', 'by'],
    columns: ['encounter_id', 'patient_id', 'code', 'description', 'chapter', 'is_primary', 'recorded_at', ...CLINICAL_TAIL],
    select: `v.column1, v.column2, d.code, d.description, d.chapter, v.column4, v.column5,
      d.sensitivity, d.category, v.column5, v.column6, v.column5, v.column6`,
    joins: 'JOIN temp.seed_dx d ON d.idx = v.column3',
    expand: (v, i, l) => {
      const d = l.dx[v[i + 2] as number];
      return [v[i], v[i + 1], d.code, d.description, d.chapter, flag(v[i + 3]), v[i + 4],
        restricted(d.sensitivity), d.sensitivity, v[i + 4], v[i + 5], v[i + 4], v[i + 5]];
    },
  },
  procedures: {
    compact: ['encounter_id', 'patient_id', 'procedure', 'performed_at', 'by'],
    columns: ['encounter_id', 'patient_id', 'code_system', 'code', 'description', 'performed_at', ...CLINICAL_TAIL],
    select: `v.column1, v.column2, x.system, x.code, x.description, v.column4,
      x.sensitivity, x.category, v.column4, v.column5, v.column4, v.column5`,
    joins: 'JOIN temp.seed_procedure x ON x.idx = v.column3',
    expand: (v, i, l) => {
      const x = l.procedures[v[i + 2] as number];
      return [v[i], v[i + 1], x.system, x.code, x.description, v[i + 3],
        restricted(x.sensitivity), x.sensitivity, v[i + 3], v[i + 4], v[i + 3], v[i + 4]];
    },
  },
  observations: {
    // value: a number, or the text of a coded result
    compact: ['encounter_id', 'patient_id', 'loinc', 'value', 'observed_at', 'by'],
    columns: ['encounter_id', 'patient_id', 'loinc_code', 'display', 'value_num', 'value_text', 'unit', 'observed_at', ...CLINICAL_TAIL],
    select: `v.column1, v.column2, o.code, o.display,
      CASE WHEN typeof(v.column4) = 'text' THEN NULL ELSE v.column4 END, CASE WHEN typeof(v.column4) = 'text' THEN v.column4 END,
      o.unit, v.column5, o.sensitivity, o.category, v.column5, v.column6, v.column5, v.column6`,
    joins: 'JOIN temp.seed_loinc o ON o.idx = v.column3',
    expand: (v, i, l) => {
      const o = l.loinc[v[i + 2] as number];
      const value = v[i + 3];
      return [v[i], v[i + 1], o.code, o.display, typeof value === 'string' ? null : value, typeof value === 'string' ? value : null,
        o.unit, v[i + 4], restricted(o.sensitivity), o.sensitivity, v[i + 4], v[i + 5], v[i + 4], v[i + 5]];
    },
  },
  clinical_notes: {
    // body: index into Lookups.notes (which fixes the note type); dx: the encounter's primary diagnosis
    compact: ['encounter_id', 'patient_id', 'body', 'author', 'dx', 'authored_at'],
    // Seeded notes are signed by their author when written (seed/documentation-integrity.ts plants unsigned ones).
    columns: ['encounter_id', 'patient_id', 'note_type', 'author_user_id', 'text', 'authored_at', ...CLINICAL_TAIL, 'signed_at', 'signed_by'],
    select: `v.column1, v.column2, n.note_type, v.column4,
      n.title || char(10) || CASE WHEN n.note_type = 'psychotherapy' THEN '' ELSE 'Reason for visit: ' || d.description || '.' || char(10) END || n.body,
      v.column6,
      CASE WHEN n.note_type = 'psychotherapy' OR d.category IS NOT NULL THEN 'restricted' ELSE 'normal' END,
      CASE WHEN n.note_type = 'psychotherapy' THEN 'psychotherapy' ELSE d.category END,
      v.column6, v.column4, v.column6, v.column4, v.column6, v.column4`,
    joins: 'JOIN temp.seed_note n ON n.idx = v.column3 JOIN temp.seed_dx d ON d.idx = v.column5',
    expand: (v, i, l) => {
      const n = l.notes[v[i + 2] as number];
      const d = l.dx[v[i + 4] as number];
      const category = n.noteType === 'psychotherapy' ? 'psychotherapy' : d.sensitivity;
      return [v[i], v[i + 1], n.noteType, v[i + 3], noteText(n, d), v[i + 5],
        restricted(category), category, v[i + 5], v[i + 3], v[i + 5], v[i + 3], v[i + 5], v[i + 3]];
    },
  },
} satisfies Record<string, Layout>;

export type SeedTable = keyof typeof LAYOUTS;
/** Parents before children. */
export const SEED_TABLE_ORDER = Object.keys(LAYOUTS) as SeedTable[];

/** One batch of generated rows: per table, the compact values of all rows one after another. */
export type Batch = Record<SeedTable, Value[]>;

export function emptyBatch(): Batch {
  return { patients: [], care_team_members: [], encounters: [], diagnoses: [], procedures: [], observations: [], clinical_notes: [] };
}

export interface BatchWriter {
  /** Before the first batch (e.g. lookup tables, bulk-load settings). */
  open(): Promise<void>;
  write(batch: Batch): Promise<void>;
  /** After the last batch, also when the load failed. */
  close(): Promise<void>;
  /** After close(): resolves when what was written is on disk. */
  durable(): Promise<void>;
}

/**
 * SQLite fast path, on the raw better-sqlite3 handle: one transaction per batch, prepared multi-row
 * INSERT ... SELECT over the compact rows joined to temporary lookup tables. For the load, the secondary indexes
 * of the seeded tables are dropped and rebuilt at the end (faster than maintaining them row by row), foreign key
 * checks are off (the generator only writes ids it made; the unit test runs foreign_key_check), commits do not
 * wait for the disk, and a WAL database uses an in-memory rollback journal (each page written once, not to the
 * log and again to the file). All of it is restored in close(), and the file is flushed to disk once, while the
 * seed finishes its last steps (durable()). A crash mid-load can leave the file damaged: it is a seed, run it
 * again with --reset (or delete the file).
 */
export class SqliteBatchWriter implements BatchWriter {
  private static readonly ROWS_PER_STATEMENT = 64;
  private readonly statements = new Map<string, Statement>();
  private readonly sqlite: SqliteDatabase;
  private indexes: { name: string; sql: string }[] = [];
  private restore: { synchronous: number; foreignKeys: number; journalMode: string; journalChanged: boolean } | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** A flush started after a batch, still running. */
  private background: Promise<void> | null = null;

  /** `expectedBytes`: about how much the load adds to the file (see preallocate). */
  constructor(private readonly db: Db, private readonly lookups: Lookups, private readonly expectedBytes = 0) {
    this.sqlite = db.sqlite;
  }

  async open(): Promise<void> {
    const s = this.sqlite;
    this.restore = {
      synchronous: s.pragma('synchronous', { simple: true }) as number,
      foreignKeys: s.pragma('foreign_keys', { simple: true }) as number,
      journalMode: s.pragma('journal_mode', { simple: true }) as string,
      journalChanged: false,
    };
    s.pragma('synchronous = OFF');
    s.pragma('foreign_keys = OFF');
    // In WAL mode every page would be written twice (to the log, then checkpointed into the file). A rollback
    // journal in memory writes each page once; SQLite refuses the switch while another connection is open.
    if (this.restore.journalMode === 'wal') {
      this.restore.journalChanged = s.pragma('journal_mode = MEMORY', { simple: true }) === 'memory';
    }
    this.preallocate();
    this.createLookupTables();
    const tables = SEED_TABLE_ORDER.map((t) => `'${t}'`).join(', ');
    this.indexes = s
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables}) ORDER BY name`)
      .all() as { name: string; sql: string }[];
    // Rows arrive in patient order, encounters in id order: an index led by patient_id or encounter_id only ever
    // grows at its right edge, cheaper to keep than to rebuild (a 100k seed: 5.4 s less rebuilding, 1.7 s more
    // inserting). The others are rebuilt in close(), sorted once.
    this.indexes = this.indexes.filter((index) => !isInsertOrdered(index.sql));
    for (const index of this.indexes) s.exec(`DROP INDEX ${index.name}`);
  }

  async write(batch: Batch): Promise<void> {
    // Through Db.transaction, so the seed queues behind (and ahead of) the app's own transactions.
    await this.db.transaction(async () => {
      for (const table of SEED_TABLE_ORDER) this.insert(table, batch[table]);
    });
    // The disk is idle during the load: what the batches wrote goes to it in the background, one flush at a time,
    // so that little is left for the flush at the end (all of a 100k seed's 2 GB at once took 1.4 s and slowed the
    // seed's last steps; docs/performance.md).
    if (!this.background) {
      this.background = this.flushFile().finally(() => (this.background = null));
      this.background.catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const s = this.sqlite;
    s.exec('DROP TABLE IF EXISTS temp.seed_dx; DROP TABLE IF EXISTS temp.seed_procedure; DROP TABLE IF EXISTS temp.seed_loinc; DROP TABLE IF EXISTS temp.seed_note');
    // Index builds sort; SQLite may use helper threads for that, and spills the sort to temporary files: with
    // temp_store = MEMORY those are in-memory journals, which made the two large builds of a 100k seed take 3.4 and
    // 2.3 s instead of 1.1 and 0.8 s (docs/performance.md). Changing temp_store drops the connection's temporary
    // tables: ours are gone already, and the service keeps none.
    const threads = s.pragma('threads', { simple: true }) as number;
    const tempStore = s.pragma('temp_store', { simple: true }) as number;
    s.pragma('threads = 2');
    s.pragma('temp_store = FILE');
    try {
      for (const index of this.indexes) s.exec(index.sql);
    } finally {
      s.pragma(`threads = ${threads}`);
      s.pragma(`temp_store = ${tempStore}`);
    }
    this.indexes = [];
    if (this.restore) {
      const { synchronous, foreignKeys, journalMode, journalChanged } = this.restore;
      this.restore = null;
      s.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
      // Back to WAL while synchronous is still OFF, so that the switch does not wait for the whole file to reach the
      // disk (1.4 s for a 100k seed): the flush below does that on libuv's thread pool while the seed finishes.
      if (journalChanged) s.pragma(`journal_mode = ${journalMode}`);
      s.pragma(`synchronous = ${synchronous}`);
      if (!journalChanged && journalMode === 'wal') s.pragma('wal_checkpoint(TRUNCATE)');
      const previous = this.background ?? Promise.resolve();
      this.flushing = previous.then(() => this.flushFile());
      this.flushing.catch(() => undefined);
    }
    this.db.clearStatementCache();
  }

  /** Resolves when what the load wrote is on disk (after close()). */
  durable(): Promise<void> {
    return this.flushing;
  }

  /**
   * Grows the file once to about its final size before the load. SQLite appends a page at a time, and a write past
   * the end of the file costs the kernel more than one within it (ext4: 500,000 appended 4 KiB pages took 3.4-4.6 s,
   * the same pages written into a file already that long 2.3-2.4 s; docs/performance.md). The file is grown sparse
   * (no blocks written) and only up to what the load will certainly fill, so it ends no larger than without this:
   * SQLite counts its pages by its header, not by the file's size.
   */
  private preallocate(): void {
    const s = this.sqlite;
    if (s.memory || this.expectedBytes <= 0) return;
    const pageSize = s.pragma('page_size', { simple: true }) as number;
    const used = ((s.pragma('page_count', { simple: true }) as number) - (s.pragma('freelist_count', { simple: true }) as number)) * pageSize;
    const target = Math.floor((used + this.expectedBytes) / pageSize) * pageSize;
    if (target > statSync(s.name).size) truncateSync(s.name, target);
  }

  private async flushFile(): Promise<void> {
    if (this.sqlite.memory) return;
    const file = await open(this.sqlite.name, 'r+');
    try {
      await file.sync();
    } finally {
      await file.close();
    }
  }

  private createLookupTables(): void {
    const s = this.sqlite;
    const l = this.lookups;
    const load = (ddl: string, insert: string, rows: unknown[][]) => {
      s.exec(ddl);
      const stmt = s.prepare(insert);
      for (const row of rows) stmt.run(row);
    };
    const sens = (c: string | null) => [restricted(c), c];
    load('CREATE TEMP TABLE seed_dx (idx INTEGER PRIMARY KEY, code TEXT, description TEXT, chapter TEXT, sensitivity TEXT, category TEXT)',
      'INSERT INTO temp.seed_dx VALUES (?, ?, ?, ?, ?, ?)',
      l.dx.map((d, i) => [i, d.code, d.description, d.chapter, ...sens(d.sensitivity)]));
    load('CREATE TEMP TABLE seed_procedure (idx INTEGER PRIMARY KEY, system TEXT, code TEXT, description TEXT, sensitivity TEXT, category TEXT)',
      'INSERT INTO temp.seed_procedure VALUES (?, ?, ?, ?, ?, ?)',
      l.procedures.map((x, i) => [i, x.system, x.code, x.description, ...sens(x.sensitivity)]));
    load('CREATE TEMP TABLE seed_loinc (idx INTEGER PRIMARY KEY, code TEXT, display TEXT, unit TEXT, sensitivity TEXT, category TEXT)',
      'INSERT INTO temp.seed_loinc VALUES (?, ?, ?, ?, ?, ?)',
      l.loinc.map((o, i) => [i, o.code, o.display, o.unit, ...sens(o.sensitivity)]));
    load('CREATE TEMP TABLE seed_note (idx INTEGER PRIMARY KEY, note_type TEXT, title TEXT, body TEXT)',
      'INSERT INTO temp.seed_note VALUES (?, ?, ?, ?)',
      l.notes.map((n, i) => [i, n.noteType, n.title, n.body]));
  }

  private insert(table: SeedTable, values: Value[]): void {
    const width = LAYOUTS[table].compact.length;
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
      const layout: Layout = LAYOUTS[table];
      const tuple = `(${layout.compact.map(() => '?').join(',')})`;
      stmt = this.sqlite.prepare(
        `INSERT INTO ${table} (${layout.columns.join(', ')}) SELECT ${layout.select} FROM (VALUES ${Array(rows).fill(tuple).join(',')}) v ${layout.joins}`,
      );
      this.statements.set(key, stmt);
    }
    return stmt;
  }
}

/** A plain index whose first column is patient_id or encounter_id: the seed writes in that order. */
export function isInsertOrdered(indexSql: string): boolean {
  return /\(\s*(patient_id|encounter_id)\b/.test(indexSql);
}

/**
 * The portable path (PostgreSQL, and SQLite in tests): rows expanded in JavaScript, multi-row INSERTs of up to
 * 500 rows through Db.execute, one transaction per batch.
 */
export class PortableBatchWriter implements BatchWriter {
  private static readonly ROWS_PER_STATEMENT = 500;
  private readonly sql = new Map<string, string>();

  constructor(private readonly db: Db, private readonly lookups: Lookups) {}

  async open(): Promise<void> {}
  async close(): Promise<void> {}
  /** Every batch committed with the database's own durability. */
  async durable(): Promise<void> {}

  write(batch: Batch): Promise<void> {
    return this.db.transaction(async (tx) => {
      for (const table of SEED_TABLE_ORDER) await this.insert(tx, table, batch[table]);
    });
  }

  private async insert(tx: Queryable, table: SeedTable, values: Value[]): Promise<void> {
    const layout: Layout = LAYOUTS[table];
    const width = layout.compact.length;
    const rows = values.length / width;
    for (let first = 0; first < rows; first += PortableBatchWriter.ROWS_PER_STATEMENT) {
      const n = Math.min(PortableBatchWriter.ROWS_PER_STATEMENT, rows - first);
      const params: SqlParam[] = [];
      for (let r = first; r < first + n; r++) params.push(...layout.expand(values, r * width, this.lookups));
      await tx.execute(this.statement(table, n), params);
    }
  }

  private statement(table: SeedTable, rows: number): string {
    const key = `${table}:${rows}`;
    let sql = this.sql.get(key);
    if (!sql) {
      const cols = LAYOUTS[table].columns;
      const tuples: string[] = [];
      for (let r = 0; r < rows; r++) tuples.push(`(${cols.map((_, c) => `$${r * cols.length + c + 1}`).join(',')})`);
      sql = `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${tuples.join(',')}`;
      this.sql.set(key, sql);
    }
    return sql;
  }
}
