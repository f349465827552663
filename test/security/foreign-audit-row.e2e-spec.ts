import request from 'supertest';
import { createTestApp, rawSql, TestApp } from '../helpers/test-app';

/**
 * Issue 11, finding 2: one row inserted into audit_events behind the service's back, right after the head
 * (seq = head + 1). Verify names it, /health says the trail needs attention, nothing answers 500, and no patient
 * data is served without its audit row (503 with a clear message).
 */
describe('a foreign audit row after the head', () => {
  let t: TestApp;
  let foreignSeq: number;
  beforeAll(async () => {
    t = await createTestApp({ patients: 4 });
    for (const u of ['nurse.patel', 'privacy.smith']) await t.token(u);
    await t.app.get((await import('../../src/audit/audit.writer')).AuditWriter).drain();
    const head = (await t.db.one<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1'))!;
    foreignSeq = Number(head.seq) + 1;
    await rawSql(t, `INSERT INTO audit_events (seq, occurred_at, actor_user_id, actor_username, actor_role, action, resource_type, resource_id,
        patient_id, outcome, reason, purpose_of_use, break_glass, request_id, client_ip, user_agent, details, prev_hash, hash)
      VALUES (${foreignSeq}, '2026-12-01T00:00:00.000Z', NULL, 'mallory', NULL, 'login', 'session', NULL, NULL, 'success', NULL, NULL,
        ${t.dialect === 'sqlite' ? 0 : 'FALSE'}, NULL, NULL, NULL, 'not json {', '${head.hash}', '${'e'.repeat(64)}')`);
  });
  afterAll(() => t.close());

  it('verify names the foreign row', async () => {
    const res = await (await t.as('privacy.smith')).get('/audit/verify').expect(200);
    expect(res.body).toMatchObject({ valid: false, firstBrokenSequence: foreignSeq, problem: 'foreign-row' });
  });

  it('/health says the trail needs attention', async () => {
    const res = await request(t.http).get('/health');
    expect(res.status).toBe(503);
    expect(JSON.stringify(res.body)).toMatch(/audit trail needs attention/);
  });

  it('a chart read answers 503 with a clear message and serves nothing; search and login answer without 500', async () => {
    const read = await (await t.as('nurse.patel')).get('/patients/1/record');
    expect(read.status).toBe(503);
    expect(read.body.message).toMatch(/audit trail cannot be written/);
    expect(read.body.demographics).toBeUndefined();
    const search = await (await t.as('privacy.smith')).get('/audit/events?pageSize=5');
    expect([200, 503]).toContain(search.status);
    const login = await request(t.http).post('/auth/login').send({ username: 'dr.chen', password: 'hit-demo-2026' });
    expect(login.status).toBe(503);
    expect(login.body.accessToken).toBeUndefined();
  });
});
