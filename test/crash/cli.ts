/** `npm run crash-test -- --cycles 20`: the long form of the crash-recovery test; prints the counts per cycle. */
import { KINDS, MIN_PER_KIND, runCrashCycles } from './crash-harness';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--cycles');
  const cycles = i > 0 ? Number(process.argv[i + 1]) : 20;
  const results = await runCrashCycles(cycles, { log: (line) => console.log(line) });
  const sum = (k: 'acknowledged' | 'found' | 'lost' | 'halfApplied' | 'unacknowledgedApplied') => results.reduce((n, r) => n + r[k], 0);
  const ok = results.every((r) => r.integrity === 'ok' && r.lost === 0 && r.halfApplied === 0 && r.chainValid && KINDS.every((k) => r.byKind[k] >= MIN_PER_KIND));
  console.log(`acknowledged per kind (all cycles): ${KINDS.map((k) => `${k} ${results.reduce((n, r) => n + r.byKind[k], 0)}`).join(', ')}; ` +
    `fewest in one cycle: ${Math.min(...results.flatMap((r) => KINDS.map((k) => r.byKind[k])))} (required ${MIN_PER_KIND})`);
  console.log(`\n${cycles} cycles: acknowledged ${sum('acknowledged')}, found ${sum('found')}, lost ${sum('lost')}, ` +
    `half-applied ${sum('halfApplied')}, applied without acknowledgement ${sum('unacknowledgedApplied')} (allowed: the kill came before the reply), ` +
    `integrity ${results.every((r) => r.integrity === 'ok') ? 'ok' : 'FAILED'}, chain ${results.every((r) => r.chainValid) ? 'valid' : 'BROKEN'}`);
  console.log(ok ? 'PASS' : 'FAIL');
  process.exitCode = ok ? 0 : 1;
}

void main();
