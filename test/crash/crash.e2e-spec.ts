import { runCrashCycles } from './crash-harness';

/** Short form of `npm run crash-test` (which runs 20 cycles): 3 SIGKILLs at random moments under concurrent writes. */
// SQLite-specific (a file, PRAGMA integrity_check): skipped in the PostgreSQL leg, which runs the same e2e suite again.
(process.env.E2E_DATABASE_URL ? describe.skip : describe)('crash recovery (SIGKILL under load, SQLite file)', () => {
  it('loses no acknowledged write, half-applies nothing, and keeps a valid chain', async () => {
    const results = await runCrashCycles(3);
    for (const r of results) {
      expect(r).toMatchObject({ integrity: 'ok', lost: 0, halfApplied: 0, chainValid: true });
    }
    expect(results.reduce((n, r) => n + r.acknowledged, 0)).toBeGreaterThan(0);
  }, 240_000);
});
