/** `npm run crash-test -- --cycles 20`: the long form of the crash-recovery test; prints the counts per cycle. */
import { runCrashCycles } from './crash-harness';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--cycles');
  const cycles = i > 0 ? Number(process.argv[i + 1]) : 20;
  const results = await runCrashCycles(cycles, { log: (line) => console.log(line) });
  const sum = (k: 'acknowledged' | 'found' | 'lost' | 'halfApplied' | 'unacknowledgedApplied') => results.reduce((n, r) => n + r[k], 0);
  const ok = results.every((r) => r.integrity === 'ok' && r.lost === 0 && r.halfApplied === 0 && r.chainValid);
  console.log(`\n${cycles} cycles: acknowledged ${sum('acknowledged')}, found ${sum('found')}, lost ${sum('lost')}, ` +
    `half-applied ${sum('halfApplied')}, applied without acknowledgement ${sum('unacknowledgedApplied')} (allowed: the kill came before the reply), ` +
    `integrity ${results.every((r) => r.integrity === 'ok') ? 'ok' : 'FAILED'}, chain ${results.every((r) => r.chainValid) ? 'valid' : 'BROKEN'}`);
  console.log(ok ? 'PASS' : 'FAIL');
  process.exitCode = ok ? 0 : 1;
}

void main();
