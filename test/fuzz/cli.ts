/** `npm run fuzz -- --runs 20000 [--seed N]`: the long form of the OpenAPI fuzzing test (FUZZ_TRACE=regex logs matching requests). */
import { runFuzz } from './openapi-fuzz';

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  process.env.NODE_ENV = 'test';
  const report = await runFuzz({ runs: arg('--runs', 5000), seed: arg('--seed', Date.now() % 2 ** 31), log: (s) => console.log(s) });
  const never2xx = Object.entries(report.byOperation).filter(([, st]) => !Object.keys(st).some((k) => k.startsWith('2'))).map(([op, st]) => `${op} ${JSON.stringify(st)}`);
  if (never2xx.length) console.log(`operations never answered 2xx in this run (${never2xx.length}):\n  ${never2xx.join('\n  ')}`);
  for (const f of report.failures) console.log(`FAILURE\n${f}`);
  if (report.undocumented.length) console.log(`2xx responses without a documented schema:\n  ${report.undocumented.join('\n  ')}`);
  const pass = report.failures.length === 0 && report.undocumented.length === 0;
  console.log(pass ? 'PASS' : 'FAIL');
  process.exitCode = pass ? 0 : 1;
}

void main();
