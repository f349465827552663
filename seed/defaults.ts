import type { Db } from '../src/database/db';

/**
 * What the service needs of the seed at boot, without loading the generator: the data generator (@faker-js/faker,
 * the pools) is loaded only when a seed actually runs (docs/performance.md, "idle memory").
 */
export const DEFAULT_SEED_NOW = new Date('2026-11-01T00:00:00.000Z');
export const DEFAULT_SEED = 0x5eed2026;

/** True when the database has no users (the app seeds such a database at start when SEED_ON_EMPTY=true). */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  return (await db.one('SELECT 1 AS present FROM users LIMIT 1')) === undefined;
}
