import { KINDS, MIN_PER_KIND, runCrashCycles } from './crash-harness';

/**
 * Short form of `npm run crash-test` (which runs 20 cycles): 3 SIGKILLs, each at a random moment of a sustained run
 * that has acknowledged at least 200 writes of every kind (records, amendments, ROI transitions, logins, grants).
 */
// SQLite-specific (a file, PRAGMA integrity_check): skipped in the PostgreSQL leg, which runs the same e2e suite again.
(process.env.E2E_DATABASE_URL ? describe.skip : describe)('crash recovery (SIGKILL under load, SQLite file)', () => {
  it('loses no acknowledged write, half-applies nothing, and keeps a valid chain', async () => {
    const results = await runCrashCycles(3, { log: (line) => process.stdout.write(`${line}\n`) });
    for (const r of results) {
      expect(r).toMatchObject({ integrity: 'ok', lost: 0, halfApplied: 0, chainValid: true });
      for (const kind of KINDS) expect({ cycle: r.cycle, kind, atLeast: r.byKind[kind] >= MIN_PER_KIND }).toEqual({ cycle: r.cycle, kind, atLeast: true });
    }
    expect(results.reduce((n, r) => n + r.acknowledged, 0)).toBeGreaterThan(0);
  }, 240_000);
});
