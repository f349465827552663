import type { Db } from '../src/database/db';

/**
 * Emptying the database for a reseed (npm run seed -- --reset, and the demo reset). Every table is emptied except
 * TypeORM's migration bookkeeping, found from the schema itself so that tables added by later migrations are
 * not forgotten. The append-only audit tables refuse DELETE by trigger (HIPAA 164.312(b)); a reset is the one
 * operation that wipes the trail, chain and all, so their triggers are lifted for it and put back as they were.
 */
// The closed audit epochs survive every reset: a reset never destroys audit history (HIPAA 164.316(b)(2)(i): six years).
const KEEP = `('migrations', 'typeorm_metadata', 'audit_epochs', 'audit_events_archive')`;

export async function deleteAllData(db: Db): Promise<void> {
  if (db.dialect === 'postgres') return deleteAllPostgres(db);
  const sqlite = db.sqlite;
  const tables = sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ${KEEP} ORDER BY name`)
    .pluck()
    .all() as string[];
  const triggers = sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`).all() as { name: string; sql: string }[];
  // With foreign keys off (possible only outside a transaction) the order of the deletes does not matter and
  // SQLite empties each table in one step.
  const foreignKeys = sqlite.pragma('foreign_keys', { simple: true }) as number;
  sqlite.pragma('foreign_keys = OFF');
  try {
    await db.transaction(async () => {
      for (const t of triggers) sqlite.exec(`DROP TRIGGER ${t.name}`);
      for (const table of tables) sqlite.exec(`DELETE FROM ${table}`);
      // AUTOINCREMENT counters restart, so a reset database gets the same ids as a fresh one.
      if (sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'`).get()) sqlite.exec('DELETE FROM sqlite_sequence');
      for (const t of triggers) sqlite.exec(t.sql);
    });
  } finally {
    sqlite.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  db.clearStatementCache();
}

/** PostgreSQL: user triggers disabled around one TRUNCATE of every table, which also restarts the identities. */
async function deleteAllPostgres(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT IN ${KEEP}
        ORDER BY table_name`,
    );
    const tables = rows.map((r) => r.table_name);
    if (tables.length === 0) return;
    for (const t of tables) await tx.execute(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
    await tx.execute(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY`);
    for (const t of tables) await tx.execute(`ALTER TABLE ${t} ENABLE TRIGGER USER`);
  });
}

/** PostgreSQL: after explicit ids were inserted, each identity continues after the largest id of its table. */
export async function resetIdentitySequences(db: Db): Promise<void> {
  if (db.dialect !== 'postgres') return;
  const rows = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES' ORDER BY table_name`,
  );
  for (const { table_name: t } of rows) {
    await db.query(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM ${t}), false)`);
  }
}
