import { appendOnly } from '../src/database/append-only';
import { createTestApp, rawSql, TestApp } from './helpers/test-app';

describe('audit chain: append-only, verify, tamper detection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ patients: 5 });
    // Some activity: logins, reads of the matrix, a denial.
    for (const u of ['nurse.patel', 'dr.chen', 'coder.kim']) await (await t.as(u)).get('/auth/me').expect(200);
    await (await t.as('coder.kim')).get('/users').expect(403);
  });
  afterAll(() => t.close());

  const verify = async () => (await (await t.as('privacy.smith')).get('/audit/verify').expect(200)).body;
  /** Runs SQL on the audit table with the append-only triggers dropped, as an attacker with file access would. */
  const bypass = async (sql: string) => {
    if (t.dialect === 'sqlite') {
      await rawSql(t, `DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; ${sql};`);
      for (const s of appendOnly('sqlite', 'audit_events')) await rawSql(t, s);
    } else {
      await rawSql(t, `ALTER TABLE audit_events DISABLE TRIGGER USER; ${sql}; ALTER TABLE audit_events ENABLE TRIGGER USER`);
    }
  };

  it('is valid after activity', async () => {
    const res = await verify();
    expect(res).toMatchObject({ valid: true, headSequence: expect.any(Number), headHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(res.checked).toBe(res.headSequence);
    expect(res.checked).toBeGreaterThanOrEqual(5);
  });

  it('refuses UPDATE and DELETE on the audit table', async () => {
    expect(await t.db.one('SELECT seq FROM audit_events WHERE seq = 1')).toBeDefined();
    if (t.dialect === 'sqlite') {
      const triggers = t.db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events' ORDER BY name").all();
      expect(triggers).toEqual([{ name: 'audit_events_no_delete' }, { name: 'audit_events_no_update' }]);
    }
    await expect(rawSql(t, "UPDATE audit_events SET reason = 'x' WHERE seq = 1")).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
    await expect(rawSql(t, 'DELETE FROM audit_events WHERE seq = 1')).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
  });

  it('names a changed row', async () => {
    await bypass("UPDATE audit_events SET actor_username = 'someone-else' WHERE seq = 3");
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSequence: 3, problem: 'row-altered' });
  });
});

describe('audit chain: deleted rows and a cut tail', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ patients: 3 });
    for (const u of ['nurse.patel', 'dr.chen', 'coder.kim', 'him.jones']) await (await t.as(u)).get('/auth/me').expect(200);
  });
  afterEach(() => t.close());

  const verify = async () => (await (await t.as('privacy.smith')).get('/audit/verify').expect(200)).body;
  const bypass = async (sql: string) => {
    if (t.dialect === 'sqlite') {
      await rawSql(t, `DROP TRIGGER audit_events_no_delete; ${sql};`);
      await rawSql(t, appendOnly('sqlite', 'audit_events')[1]);
    } else {
      await rawSql(t, `ALTER TABLE audit_events DISABLE TRIGGER USER; ${sql}; ALTER TABLE audit_events ENABLE TRIGGER USER`);
    }
  };

  it('names a deleted row as the gap', async () => {
    await bypass('DELETE FROM audit_events WHERE seq = 2');
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSequence: 2, problem: 'row-missing' });
  });

  it('catches a truncated tail against the stored head', async () => {
    const head = await verify();
    const cut = head.headSequence - 1;
    await bypass(`DELETE FROM audit_events WHERE seq >= ${cut}`);
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSequence: cut, problem: 'tail-truncated' });
  });

  it('catches a truncated tail against a checkpoint even when the head is rewound too', async () => {
    const privacy = await t.as('privacy.smith');
    const cp = (await privacy.post('/audit/checkpoints').expect(201)).body;
    await bypass(`DELETE FROM audit_events WHERE seq > ${cp.seq - 2}`);
    await rawSql(t, `DELETE FROM audit_head`);
    const res = await verify();
    expect(res.valid).toBe(false);
    expect(['tail-truncated', 'head-altered']).toContain(res.problem);
  });
});

describe('audit chain: checkpoints and verify from a checkpoint', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ patients: 3 });
    for (const u of ['nurse.patel', 'dr.chen', 'coder.kim']) await (await t.as(u)).get('/auth/me').expect(200);
  });
  afterAll(() => t.close());

  const verify = async (query = '') => (await (await t.as('privacy.smith')).get(`/audit/verify${query}`).expect(200)).body;
  const bypass = async (table: string, sql: string) => {
    if (t.dialect === 'sqlite') {
      await rawSql(t, `DROP TRIGGER ${table}_no_update; ${sql};`);
      await rawSql(t, appendOnly('sqlite', table)[0]);
    } else {
      await rawSql(t, `ALTER TABLE ${table} DISABLE TRIGGER USER; ${sql}; ALTER TABLE ${table} ENABLE TRIGGER USER`);
    }
  };

  it('?from=N starts at the checkpoint at or before N and checks only the rows after it', async () => {
    const cp = (await (await t.as('privacy.smith')).post('/audit/checkpoints').expect(201)).body;
    await (await t.as('dr.chen')).get('/patients/1/record').expect(200);
    const full = await verify();
    const partial = await verify(`?from=${cp.seq + 1}`);
    expect(partial).toMatchObject({ valid: true, fromSequence: cp.seq });
    expect(partial.checked).toBe(partial.headSequence - cp.seq);
    expect(partial.checked).toBeLessThan(full.checked);
    // Before any checkpoint: from the start.
    expect(await verify('?from=1')).toMatchObject({ valid: true, fromSequence: 0 });
  });

  it('a change before the checkpoint is outside ?from=N but caught by a full verify', async () => {
    const cp = await t.db.one<{ seq: number }>('SELECT MAX(seq) AS seq FROM audit_checkpoints');
    await bypass('audit_events', "UPDATE audit_events SET outcome = 'denied' WHERE seq = 2");
    expect(await verify(`?from=${cp!.seq}`)).toMatchObject({ valid: true });
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSequence: 2, problem: 'row-altered' });
  });

  it('a checkpoint rewritten without the key is named', async () => {
    const cp = await t.db.one<{ seq: number }>('SELECT MAX(seq) AS seq FROM audit_checkpoints');
    await bypass('audit_checkpoints', `UPDATE audit_checkpoints SET hash = '${'0'.repeat(64)}' WHERE seq = ${cp!.seq}`);
    expect(await verify(`?from=${cp!.seq}`)).toMatchObject({ valid: false, problem: 'checkpoint-mismatch', firstBrokenSequence: Number(cp!.seq) });
  });
});

/**
 * Issue 11, finding 1: with write access to the database but not the key, cut the trail back to a checkpoint and
 * copy that checkpoint into the head. Head and checkpoint MACs are domain-separated, so the copy is caught, and a
 * checkpoint receipt kept outside the database proves what was cut.
 */
describe('audit chain: cut back to a checkpoint, the checkpoint copied into the head', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ patients: 3 });
  });
  afterEach(() => t.close());

  const officer = () => t.as('privacy.smith');
  const verify = async () => (await (await officer()).get('/audit/verify').expect(200)).body;
  const checkpoint = async () => (await (await officer()).post('/audit/checkpoints').expect(201)).body as { seq: number; hash: string; createdAt: string; mac: string };
  const activity = async () => {
    for (const u of ['nurse.patel', 'dr.chen', 'coder.kim', 'him.jones']) await (await t.as(u)).get('/auth/me').expect(200);
  };
  /** The attack, as an attacker with the file: triggers off, rows and checkpoints after `keep` deleted, head rewritten. */
  const cutBackTo = async (cp: { seq: number; hash: string; createdAt: string; mac: string }, opts: { deleteLaterCheckpoints: boolean }) => {
    const sql = [
      `DELETE FROM audit_events WHERE seq > ${cp.seq}`,
      ...(opts.deleteLaterCheckpoints ? [`DELETE FROM audit_checkpoints WHERE seq > ${cp.seq}`] : []),
      `UPDATE audit_head SET seq = ${cp.seq}, hash = '${cp.hash}', updated_at = '${cp.createdAt}', hmac = '${cp.mac}' WHERE id = 1`,
    ].join('; ');
    if (t.dialect === 'sqlite') {
      await rawSql(t, `DROP TRIGGER audit_events_no_delete; DROP TRIGGER audit_checkpoints_no_delete; ${sql};`);
    } else {
      await rawSql(t, `ALTER TABLE audit_events DISABLE TRIGGER USER; ALTER TABLE audit_checkpoints DISABLE TRIGGER USER; ${sql};`);
    }
  };

  it.each([
    ['deleting the later checkpoints too', true],
    ['leaving the later checkpoints', false],
  ])('is reported with the first missing sequence (%s)', async (_name, deleteLaterCheckpoints) => {
    await activity();
    const first = await checkpoint();
    await activity();
    const second = await checkpoint();
    await activity();
    expect(await verify()).toMatchObject({ valid: true });

    await cutBackTo(first, { deleteLaterCheckpoints });
    // The rows up to the checkpoint still chain; the head the attacker wrote is not a head this service wrote.
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSequence: first.seq + 1 });

    // The receipts kept outside the database: the first is still in the trail; the second's row was cut, and the
    // rows the service has appended since (these verifications) took its sequence number with other content.
    const check = async (r: typeof first) => (await (await officer()).post('/audit/receipts/verify').send(r).expect(200)).body;
    expect(await check(first)).toEqual({ contained: true, seq: first.seq });
    expect(await check(second)).toMatchObject({ contained: false, seq: second.seq, problem: expect.stringMatching(/^row-(missing|altered)$/) });
  });

  it('hands out receipts (also logged) and refuses a forged one', async () => {
    await activity();
    const cp = await checkpoint();
    expect(cp).toEqual({ seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/), createdAt: expect.any(String), mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const list = (await (await officer()).get('/audit/checkpoints').expect(200)).body;
    expect(list.items).toContainEqual(cp);
    const forged = { ...cp, mac: 'f'.repeat(64) };
    expect((await (await officer()).post('/audit/receipts/verify').send(forged).expect(200)).body).toMatchObject({ contained: false, problem: 'receipt-forged' });
    // The head's MAC is not a checkpoint's: a head copied into a receipt is forged too.
    const head = (await t.db.one<{ seq: number; hash: string; updated_at: string; hmac: string }>('SELECT seq, hash, updated_at, hmac FROM audit_head WHERE id = 1'))!;
    const asReceipt = { seq: Number(head.seq), hash: head.hash, createdAt: head.updated_at, mac: head.hmac };
    expect((await (await officer()).post('/audit/receipts/verify').send(asReceipt).expect(200)).body).toMatchObject({ contained: false, problem: 'receipt-forged' });
    const bad = await (await officer()).post('/audit/receipts/verify').send({ ...cp, hash: 'not-hex' }).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'hash' })]);
    await (await t.as('nurse.patel')).get('/audit/checkpoints').expect(403);
  });
});
