import { createSecretKey } from 'node:crypto';
import fc from 'fast-check';
import { AUDIT_TEST_KEY as KEY, chainRows, raw, tamper, tamperArb } from '../../test/helpers/audit-chain';
import type { AuditRow } from './audit.types';
import { JoinedChain, joinRanges, verifyRange } from './chain-range';
import { canonical, canonicalRaw, checkLink, checkpointMismatch, GENESIS_HASH, sameHex } from './hash-chain';

const KEY_OBJECT = createSecretKey(Buffer.from(KEY, 'utf8'));

/** One pass from genesis with checkLink: the verifier's rule before the chain was split. */
function serial(rows: AuditRow[], checkpoints: Map<number, string>): JoinedChain {
  const out: JoinedChain = { checked: 0, lastSeq: 0, lastHash: GENESIS_HASH, finding: null };
  for (const row of rows) {
    out.finding = checkLink(KEY, out.lastSeq, out.lastHash, row);
    if (out.finding) return out;
    out.lastSeq = row.seq;
    out.lastHash = row.hash;
    out.checked += 1;
    const cp = checkpoints.get(row.seq);
    if (cp !== undefined && !sameHex(cp, row.hash)) {
      out.finding = checkpointMismatch(row.seq);
      return out;
    }
  }
  return out;
}

/** The same rows cut into ranges of `size` sequences, each checked on its own, then joined. */
function split(rows: AuditRow[], size: number, upper: number, checkpoints: Map<number, string>): JoinedChain {
  const ranges = [];
  for (let from = 0; from < upper; from += size) {
    const part = rows.filter((r) => r.seq > from && r.seq <= from + size).map(raw);
    ranges.push(verifyRange(KEY_OBJECT, part, checkpoints));
  }
  return joinRanges({ seq: 0, hash: GENESIS_HASH }, ranges);
}

describe('chain ranges (parallel verify)', () => {
  it('canonicalRaw is canonical() of the same row', () => {
    for (const r of chainRows(30)) expect(canonicalRaw(raw(r))).toBe(canonical(r));
  });

  it('an untouched chain joins to its last row, whatever the range size', () => {
    const rows = chainRows(50);
    for (const size of [1, 7, 49, 50, 100]) {
      expect(split(rows, size, 50, new Map())).toEqual({ checked: 50, lastSeq: 50, lastHash: rows[49].hash, finding: null });
    }
  });

  it('split and joined, the same first finding and count as one pass, for tampering anywhere (range boundaries included)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 120 }).chain((n) => fc.integer({ min: 1, max: 40 }).chain((size) => fc.tuple(fc.constant(n), fc.constant(size), fc.array(tamperArb(n, size), { minLength: 1, maxLength: 3 })))),
        ([n, size, tampers]) => {
          const checkpoints = new Map<number, string>();
          let rows = chainRows(n);
          for (const cp of [Math.floor(n / 2), n]) checkpoints.set(cp, rows[cp - 1].hash);
          for (const t of tampers) rows = tamper(rows, checkpoints, t);
          const expected = serial(rows, checkpoints);
          expect(split(rows, size, n, checkpoints)).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });
});
