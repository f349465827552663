import type { Database } from 'better-sqlite3';

/**
 * WAL lets readers run beside the one writer; synchronous=FULL because NORMAL can lose the last
 * committed transactions on power loss, and an acknowledged audit row must survive (HIPAA 164.312(b)).
 */
export function applySqlitePragmas(db: Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -65536');
}
