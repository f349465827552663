/**
 * How the demo reset seeds the database again. The seed generator is a tool beside the application (seed/), so the
 * demo module does not import it: the composition root (app.module.ts) provides it under this token.
 */
export interface DemoSeeder {
  /** Empties the database and seeds the demo with this many patients. */
  reseed(q: import('../database/db').Db, patients: number): Promise<void>;
  /** What the reset's audit row records about the seed. */
  readonly seed: number | string;
  readonly seedNow: Date;
}

export const DEMO_SEEDER = Symbol('DEMO_SEEDER');
