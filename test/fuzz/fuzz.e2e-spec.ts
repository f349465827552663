import { runFuzz } from './openapi-fuzz';

/** Short form of `npm run fuzz -- --runs N`: a fixed seed, a few thousand requests. */
describe('API fuzzing from the OpenAPI document', () => {
  it('never a 5xx; 4xx change nothing but the trail; 2xx match their schema; 400 names the field', async () => {
    const runs = Number(process.env.FUZZ_RUNS ?? (process.env.E2E_DATABASE_URL ? 600 : 2500));
    const report = await runFuzz({ runs, seed: 20261129, log: (s) => process.stdout.write(`${s}\n`) });
    expect(report.failures).toEqual([]);
    expect(report.requests).toBe(runs);
    expect(report.undocumented).toEqual([]);
  }, 600_000);
});
