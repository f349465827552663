import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { AUDIT_TEST_KEY, chainRows, raw, tamper, tamperArb } from '../../test/helpers/audit-chain';
import type { AuditRow } from './audit.types';
import { GENESIS_HASH } from './hash-chain';
import { threadsFor, verifyBulk } from './parallel-verify';

const N = 3000;
const SIZE = 97;

function fileWith(dir: string, name: string, rows: AuditRow[]): Database.Database {
  const db = new Database(join(dir, name));
  db.exec(`CREATE TABLE audit_events (seq integer PRIMARY KEY, occurred_at text, actor_user_id integer, actor_username text,
    actor_role text, action text, resource_type text, resource_id text, patient_id integer, outcome text, reason text,
    purpose_of_use text, break_glass integer, request_id text, client_ip text, user_agent text, details text, prev_hash text, hash text)`);
  const insert = db.prepare(`INSERT INTO audit_events VALUES (${new Array(19).fill('?').join(', ')})`);
  db.transaction(() => rows.forEach((r) => insert.run(raw(r))))();
  return db;
}

describe('parallel verify on worker threads', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'parallel-verify-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (db: Database.Database, checkpoints: Map<number, string>, threads: number) => verifyBulk({
    sqlite: db, key: AUDIT_TEST_KEY, start: { seq: 0, hash: GENESIS_HASH }, upper: N, checkpoints, threads, rangeSize: SIZE, minParallelRows: 0,
  });

  it('uses workers only for a file database with enough rows', () => {
    const mem = new Database(':memory:');
    expect(threadsFor({ sqlite: mem, threads: 4 }, 1e6)).toBe(1);
    const db = fileWith(dir, 'plain.sqlite', []);
    expect(threadsFor({ sqlite: db, threads: 4 }, 1e6)).toBe(4);
    expect(threadsFor({ sqlite: db, threads: 4 }, 1000)).toBe(1);
    expect(threadsFor({ sqlite: db, threads: 1 }, 1e6)).toBe(1);
    mem.close();
    db.close();
  });

  it('an untouched trail: every row checked on 2 threads, progress up to the end', async () => {
    const rows = chainRows(N);
    const db = fileWith(dir, 'valid.sqlite', rows);
    const seen: number[] = [];
    const r = await verifyBulk({
      sqlite: db, key: AUDIT_TEST_KEY, start: { seq: 0, hash: GENESIS_HASH }, upper: N, checkpoints: new Map(), threads: 2, rangeSize: SIZE,
      minParallelRows: 0, onProgress: (done) => seen.push(done),
    });
    expect(r).toEqual({ checked: N, lastSeq: N, lastHash: rows[N - 1].hash, finding: null });
    expect(seen.at(-1)).toBe(N);
    db.close();
  });

  it('finds the same first break with 2 and 3 worker threads as on one thread, tampered anywhere (range boundaries included)', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(tamperArb(N, SIZE), { minLength: 1, maxLength: 2 }), async (tampers) => {
        const checkpoints = new Map<number, string>();
        let rows = chainRows(N);
        checkpoints.set(1500, rows[1499].hash);
        for (const t of tampers) rows = tamper(rows, checkpoints, t);
        const db = fileWith(dir, `t${k++}.sqlite`, rows);
        try {
          const one = await run(db, checkpoints, 1);
          expect(await run(db, checkpoints, 2)).toEqual(one);
          expect(await run(db, checkpoints, 3)).toEqual(one);
        } finally {
          db.close();
        }
      }),
      { numRuns: 6 },
    );
  }, 240_000);
});
