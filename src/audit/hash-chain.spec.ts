import type { AuditRow } from './audit.types';
import { chainHash, checkLink, checkpointGenuine, GENESIS_HASH, headGenuine, legacyPositionMac, positionMac } from './hash-chain';

const KEY = 'unit-test-audit-key';

function chain(n: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = {
      seq, occurred_at: `2026-11-29T10:00:0${seq % 10}.000Z`, actor_user_id: 3, actor_username: 'nurse.patel', actor_role: 'nurse',
      action: 'read', resource_type: 'record', resource_id: String(seq), patient_id: 12, outcome: 'success', reason: null,
      purpose_of_use: 'TREAT', break_glass: false, request_id: `r${seq}`, client_ip: '127.0.0.1', user_agent: 'jest', details: null,
    };
    const hash = chainHash(KEY, prev, base);
    rows.push({ ...base, prev_hash: prev, hash });
    prev = hash;
  }
  return rows;
}

function verify(rows: AuditRow[]) {
  let prevSeq = 0;
  let prevHash = GENESIS_HASH;
  for (const row of rows) {
    const f = checkLink(KEY, prevSeq, prevHash, row);
    if (f) return f;
    prevSeq = row.seq;
    prevHash = row.hash;
  }
  return null;
}

describe('audit hash chain', () => {
  it('an untouched chain verifies', () => {
    expect(verify(chain(20))).toBeNull();
  });

  it('a changed row is named by its sequence', () => {
    const rows = chain(20);
    rows[6] = { ...rows[6], patient_id: 13 };
    expect(verify(rows)).toMatchObject({ firstBrokenSequence: 7, problem: 'row-altered' });
  });

  it('a changed boolean is caught (break-glass flag cleared)', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], break_glass: true };
    expect(verify(rows)).toMatchObject({ firstBrokenSequence: 3, problem: 'row-altered' });
  });

  it('a deleted row is a gap named by the missing sequence', () => {
    const rows = chain(20);
    rows.splice(9, 1);
    expect(verify(rows)).toMatchObject({ firstBrokenSequence: 10, problem: 'row-missing' });
  });

  it('a re-hashed row without the key does not link', () => {
    const rows = chain(5);
    const forged = { ...rows[3], patient_id: 99 };
    forged.hash = chainHash('guessed-key', forged.prev_hash, forged);
    expect(verify([...rows.slice(0, 3), forged, rows[4]])).toMatchObject({ firstBrokenSequence: 4, problem: 'row-altered' });
  });

  it('the hash depends on the key', () => {
    const [row] = chain(1);
    expect(chainHash('other', GENESIS_HASH, row)).not.toBe(row.hash);
  });
});

describe('head and checkpoint MACs are domain-separated (a checkpoint cannot stand in as the head)', () => {
  const key = 'k'.repeat(32);
  const at = '2026-12-03T06:00:00.000Z';
  const hash = 'a'.repeat(64);
  const row = (hmac: string) => ({ seq: 7, hash, created_at: at, hmac });

  it('binds the kind, the sequence, the hash and the time', () => {
    const head = positionMac(key, 'head', 7, hash, at);
    expect(positionMac(key, 'checkpoint', 7, hash, at)).not.toBe(head);
    expect(positionMac(key, 'head', 8, hash, at)).not.toBe(head);
    expect(positionMac(key, 'head', 7, 'b'.repeat(64), at)).not.toBe(head);
    expect(positionMac(key, 'head', 7, hash, '2026-12-03T06:00:00.001Z')).not.toBe(head);
  });

  it('a head accepts only a head MAC; a checkpoint accepts a checkpoint MAC or a pre-upgrade one, never a head MAC', () => {
    expect(headGenuine(key, row(positionMac(key, 'head', 7, hash, at)))).toBe(true);
    expect(headGenuine(key, row(positionMac(key, 'checkpoint', 7, hash, at)))).toBe(false);
    expect(headGenuine(key, row(legacyPositionMac(key, 7, hash, at)))).toBe(false);
    expect(checkpointGenuine(key, row(positionMac(key, 'checkpoint', 7, hash, at)))).toBe(true);
    expect(checkpointGenuine(key, row(legacyPositionMac(key, 7, hash, at)))).toBe(true);
    expect(checkpointGenuine(key, row(positionMac(key, 'head', 7, hash, at)))).toBe(false);
    expect(checkpointGenuine(key, row('not hex'))).toBe(false);
  });
});
