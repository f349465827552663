import type { AuditRow } from './audit.types';
import { chainHash, checkLink, GENESIS_HASH } from './hash-chain';

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
