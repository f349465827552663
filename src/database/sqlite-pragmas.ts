import type { Database } from 'better-sqlite3';

/**
 * WAL lets readers run beside the one writer; synchronous=FULL because NORMAL can lose the last
 * committed transactions on power loss, and an acknowledged audit row must survive (HIPAA 164.312(b)).
 *
 * A 16 MiB page cache: it holds the hot pages (the audit trail's tail, the indexes' upper levels) and the operating
 * system's file cache holds the rest. Charts are read at random, so a 64 MiB cache only made the process 60 MB larger
 * at the same CPU per chart read (docs/performance.md).
 */
export const SQLITE_CACHE_KIB = 16 * 1024;

export function applySqlitePragmas(db: Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
}
