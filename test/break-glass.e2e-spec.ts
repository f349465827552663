import request from 'supertest';
import { bool, num } from '../src/database/db';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Break-the-glass (45 CFR 164.312(a)(2)(ii)): a clinician outside the care relation opens a chart for a limited
 * time with a stated reason; every access on the grant is flagged in the trail; a privacy officer reviews it.
 */
describe('break-the-glass: grant, flagged use, expiry, review', () => {
  let t: TestApp;
  const MINUTES = 60;
  beforeAll(async () => {
    // Long-lived tokens: the expiry test moves the clock past the 15-minute default token lifetime.
    t = await createTestApp({ patients: 40, env: { JWT_TTL: String(24 * 3600), BREAK_GLASS_MINUTES: String(MINUTES) } });
  });
  afterAll(() => t.close());

  const REASON = 'Patient unresponsive in the ED, attending unreachable; need medication history';

  /** Non-VIP patients that are nobody's own record and not on this user's care team (distinct ones per test). */
  const outsidePatients = async (username: string) =>
    (await t.db.query<{ id: number }>(
      `SELECT p.id FROM patients p WHERE p.vip = FALSE AND p.user_id IS NULL AND NOT EXISTS (
         SELECT 1 FROM care_team_members c JOIN users u ON u.id = c.user_id WHERE c.patient_id = p.id AND u.username = $1)
       ORDER BY p.id`,
      [username],
    )).map((r) => Number(r.id));
  const careTeamPatient = async (username: string) =>
    Number((await t.db.one<{ patient_id: number }>(
      `SELECT c.patient_id FROM care_team_members c JOIN users u ON u.id = c.user_id WHERE u.username = $1 ORDER BY c.patient_id LIMIT 1`,
      [username],
    ))!.patient_id);
  const userId = async (username: string) => Number((await t.db.one<{ id: number }>('SELECT id FROM users WHERE username = $1', [username]))!.id);
  const grantsOf = async (username: string, patientId: number) =>
    num((await t.db.one<{ n: number }>(
      'SELECT COUNT(*) AS n FROM break_glass_grants g JOIN users u ON u.id = g.user_id WHERE u.username = $1 AND g.patient_id = $2',
      [username, patientId],
    ))?.n);
  const flaggedReads = async (username: string, patientId: number) =>
    t.db.query<{ action: string; break_glass: unknown; purpose_of_use: string | null; outcome: string }>(
      `SELECT action, break_glass, purpose_of_use, outcome FROM audit_events
        WHERE actor_username = $1 AND patient_id = $2 AND action = 'read' AND resource_type = 'record' ORDER BY seq`,
      [username, patientId],
    );

  let pool: number[] = [];
  const nextOutside = () => {
    const id = pool.shift();
    if (id === undefined) throw new Error('seed has too few patients outside nurse.patel\'s care team');
    return id;
  };
  beforeAll(async () => {
    pool = await outsidePatients('nurse.patel');
  });

  it('granted: a nurse off the care team is refused, breaks the glass (201, audited), then reads with a flagged, ETREAT row', async () => {
    const nurse = await t.as('nurse.patel');
    const patientId = nextOutside();
    await nurse.get(`/patients/${patientId}/record`).expect(403);
    expect(await grantsOf('nurse.patel', patientId)).toBe(0);

    const before = t.clock.now().getTime();
    const res = await nurse.post('/access/break-glass').send({ patientId, reason: REASON }).expect(201);
    expect(res.body).toMatchObject({ id: expect.any(Number), patientId, reason: REASON, expiresAt: expect.any(String) });
    const lifetime = new Date(res.body.expiresAt).getTime() - before;
    expect(lifetime).toBeGreaterThanOrEqual(MINUTES * 60_000);
    expect(lifetime).toBeLessThan(MINUTES * 60_000 + 30_000);

    // The grant and its audit row were written together.
    const audit = await t.db.one<{ break_glass: unknown; purpose_of_use: string; patient_id: number; outcome: string; details: string }>(
      `SELECT break_glass, purpose_of_use, patient_id, outcome, details FROM audit_events
        WHERE action = 'break-glass' AND actor_username = 'nurse.patel' ORDER BY seq DESC LIMIT 1`,
    );
    expect(bool(audit!.break_glass)).toBe(true);
    expect(audit!.purpose_of_use).toBe('ETREAT');
    expect(Number(audit!.patient_id)).toBe(patientId);
    expect(audit!.outcome).toBe('success');
    expect(JSON.parse(audit!.details)).toMatchObject({ grantId: res.body.id, expiresAt: res.body.expiresAt, reason: REASON });

    const record = await nurse.get(`/patients/${patientId}/record`).expect(200);
    expect(record.body.patientId).toBe(patientId);
    expect(record.body.access.breakGlass).toBe(true);
    const rows = await flaggedReads('nurse.patel', patientId);
    const ok = rows.filter((r) => r.outcome === 'success');
    expect(ok).toHaveLength(1);
    expect(bool(ok[0].break_glass)).toBe(true);
    expect(ok[0].purpose_of_use).toBe('ETREAT');

    // explain shows the same grant as the reason
    const explain = await nurse.get(`/access/explain?permission=clinical:read&patientId=${patientId}`).expect(200);
    expect(explain.body).toMatchObject({ decision: 'allow', breakGlass: true });
    expect(explain.body.reasons.at(-1)).toMatch(new RegExp(`break-the-glass grant ${res.body.id}`));

    // A second request while the grant is open is refused: it would neither extend it nor replace its reason.
    const again = await nurse.post('/access/break-glass').send({ patientId, reason: 'Another reason, still an emergency' }).expect(409);
    expect(again.body.context).toEqual({ grantId: res.body.id, expiresAt: res.body.expiresAt });
    expect(await grantsOf('nurse.patel', patientId)).toBe(1);
  });

  it('used: every read on the grant is flagged, and the review list counts them', async () => {
    const nurse = await t.as('nurse.patel');
    const patientId = nextOutside();
    const grant = (await nurse.post('/access/break-glass').send({ patientId, reason: REASON }).expect(201)).body;
    await nurse.get(`/patients/${patientId}/record`).expect(200);
    await nurse.get(`/patients/${patientId}/record`).set('X-Purpose-Of-Use', 'TREAT').expect(200);
    await nurse.get(`/patients/${patientId}/record`).expect(200);
    const rows = await flaggedReads('nurse.patel', patientId);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => bool(r.break_glass))).toBe(true);

    const list = (await (await t.as('privacy.smith')).get('/access/break-glass?reviewed=false&pageSize=200').expect(200)).body;
    const item = list.items.find((i: { id: number }) => i.id === grant.id);
    expect(item).toMatchObject({
      id: grant.id,
      user: { id: await userId('nurse.patel'), username: 'nurse.patel', role: 'nurse', displayName: expect.any(String) },
      patientId,
      reason: REASON,
      expiresAt: grant.expiresAt,
      active: true,
      accessCount: 3,
      reviewedAt: null,
      reviewedBy: null,
      outcome: null,
      note: null,
    });
  });

  it('no grant is needed, or given, on a care-team patient, on one\'s own record, or for an unknown patient', async () => {
    const nurse = await t.as('nurse.patel');
    const team = await careTeamPatient('nurse.patel');
    const refused = await nurse.post('/access/break-glass').send({ patientId: team, reason: REASON }).expect(409);
    expect(refused.body.message).toMatch(/care team/);
    expect(await grantsOf('nurse.patel', team)).toBe(0);

    const own = Number((await t.db.one<{ id: number }>(`SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.username = 'nurse.patel'`))!.id);
    const ownRes = await nurse.post('/access/break-glass').send({ patientId: own, reason: REASON }).expect(409);
    expect(ownRes.body.message).toMatch(/own record/);
    expect(await grantsOf('nurse.patel', own)).toBe(0);

    await nurse.post('/access/break-glass').send({ patientId: 999_999, reason: REASON }).expect(404);
  });

  it('a reason under 10 characters is refused with 400 naming reason, and nothing is written', async () => {
    const nurse = await t.as('nurse.patel');
    const patientId = nextOutside();
    const grantsBefore = num((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM break_glass_grants'))?.n);
    const auditBefore = num((await t.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'break-glass'`))?.n);
    for (const reason of ['too short', '        urgent!       ', '', 42]) {
      const res = await nurse.post('/access/break-glass').send({ patientId, reason }).expect(400);
      expect(res.body.details[0].field).toBe('reason');
    }
    const missing = await nurse.post('/access/break-glass').send({ patientId }).expect(400);
    expect(missing.body.details[0].field).toBe('reason');
    const badPatient = await nurse.post('/access/break-glass').send({ patientId: 'abc', reason: REASON }).expect(400);
    expect(badPatient.body.details[0].field).toBe('patientId');
    await nurse.post('/access/break-glass').send({ patientId, reason: REASON, minutes: 600 }).expect(400);
    expect(num((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM break_glass_grants'))?.n)).toBe(grantsBefore);
    expect(num((await t.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'break-glass'`))?.n)).toBe(auditBefore);
    await nurse.get(`/patients/${patientId}/record`).expect(403);
  });

  it('roles without break-glass:use get 403 (coder.kim), and only break-glass:review sees or decides grants', async () => {
    const patientId = nextOutside();
    const coder = await t.as('coder.kim');
    const res = await coder.post('/access/break-glass').send({ patientId, reason: REASON }).expect(403);
    expect(res.body.message).toMatch(/break-glass:use/);
    expect(await grantsOf('coder.kim', patientId)).toBe(0);
    const denied = await t.db.one<{ reason: string }>(
      `SELECT reason FROM audit_events WHERE action = 'access-denied' AND actor_username = 'coder.kim' ORDER BY seq DESC LIMIT 1`,
    );
    expect(denied!.reason).toMatch(/break-glass:use/);
    await coder.get('/access/break-glass?reviewed=false').expect(403);
    await (await t.as('nurse.patel')).get('/access/break-glass?reviewed=false').expect(403);
    await (await t.as('dr.chen')).post('/access/break-glass/1/review').send({ outcome: 'justified', note: 'fine' }).expect(403);
  });

  it('a VIP patient off every care team needs break-the-glass even for a physician', async () => {
    const vip = Number((await t.db.one<{ id: number }>(
      `SELECT p.id FROM patients p WHERE p.vip = TRUE AND p.user_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = p.id) ORDER BY p.id LIMIT 1`,
    ))!.id);
    const doctor = await t.as('dr.okafor');
    const refused = await doctor.get(`/patients/${vip}/record`).expect(403);
    expect(refused.body.message).toMatch(/VIP/);
    await doctor.post('/access/break-glass').send({ patientId: vip, reason: 'Trauma bay, VIP patient crashing, need allergies now' }).expect(201);
    const ok = await doctor.get(`/patients/${vip}/record`).expect(200);
    expect(ok.body.access.breakGlass).toBe(true);
    const rows = await flaggedReads('dr.okafor', vip);
    expect(rows.map((r) => [r.outcome, bool(r.break_glass)])).toEqual([['success', true]]);
  });

  it('reviewed: the queue lists oldest first; a review moves the grant to reviewed=true, once only', async () => {
    const privacy = await t.as('privacy.smith');
    // A grant written later but opened earlier (say, entered by a downtime procedure): it must head the queue.
    const earlier = new Date(t.clock.now().getTime() - 3 * 3600_000);
    const late = (await t.db.query<{ id: number }>(
      `INSERT INTO break_glass_grants (user_id, patient_id, reason, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [await userId('dr.chen'), nextOutside(), 'Downtime access recorded afterwards', earlier.toISOString(), new Date(earlier.getTime() + 3600_000).toISOString()],
    ))[0];
    const queue = (await privacy.get('/access/break-glass?reviewed=false').expect(200)).body;
    expect(queue.items[0]).toMatchObject({ id: Number(late.id), active: false, accessCount: 0, user: { username: 'dr.chen' } });
    expect(queue).toMatchObject({ page: 1, pageSize: 50, total: expect.any(Number) });
    expect(queue.total).toBeGreaterThanOrEqual(3);
    const keys = queue.items.map((i: { grantedAt: string; id: number }) => [i.grantedAt, i.id]);
    expect(keys).toEqual([...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])));
    expect(queue.items.every((i: { reviewedAt: string | null }) => i.reviewedAt === null)).toBe(true);
    const target = queue.items[0];

    // bad input
    const badOutcome = await privacy.post(`/access/break-glass/${target.id}/review`).send({ outcome: 'maybe', note: 'x' }).expect(400);
    expect(badOutcome.body.details[0].field).toBe('outcome');
    const emptyNote = await privacy.post(`/access/break-glass/${target.id}/review`).send({ outcome: 'justified', note: '  ' }).expect(400);
    expect(emptyNote.body.details[0].field).toBe('note');
    const longNote = await privacy.post(`/access/break-glass/${target.id}/review`).send({ outcome: 'justified', note: 'x'.repeat(2001) }).expect(400);
    expect(longNote.body.details[0].field).toBe('note');
    await privacy.post('/access/break-glass/999999/review').send({ outcome: 'justified', note: 'ok' }).expect(404);
    await privacy.post('/access/break-glass/abc/review').send({ outcome: 'justified', note: 'ok' }).expect(400);
    await privacy.get('/access/break-glass?reviewed=maybe').expect(400);

    const note = 'Confirmed with the ED charge nurse: the patient arrived unresponsive.';
    const reviewed = await privacy.post(`/access/break-glass/${target.id}/review`).send({ outcome: 'justified', note }).expect(200);
    expect(reviewed.body).toMatchObject({
      id: target.id,
      outcome: 'justified',
      note,
      reviewedAt: expect.any(String),
      reviewedBy: { id: await userId('privacy.smith'), username: 'privacy.smith' },
    });
    const audit = await t.db.one<{ actor_username: string; patient_id: number; details: string }>(
      `SELECT actor_username, patient_id, details FROM audit_events WHERE action = 'break-glass-review' ORDER BY seq DESC LIMIT 1`,
    );
    expect(audit!.actor_username).toBe('privacy.smith');
    expect(Number(audit!.patient_id)).toBe(target.patientId);
    expect(JSON.parse(audit!.details)).toMatchObject({ grantId: target.id, outcome: 'justified' });

    const unreviewed = (await privacy.get('/access/break-glass?reviewed=false&pageSize=200').expect(200)).body;
    expect(unreviewed.items.map((i: { id: number }) => i.id)).not.toContain(target.id);
    expect(unreviewed.total).toBe(queue.total - 1);
    const done = (await privacy.get('/access/break-glass?reviewed=true').expect(200)).body;
    expect(done.items.find((i: { id: number }) => i.id === target.id)).toMatchObject({ outcome: 'justified', note });

    const second = await privacy.post(`/access/break-glass/${target.id}/review`).send({ outcome: 'violation', note: 'changed my mind' }).expect(409);
    expect(second.body.message).toMatch(/already reviewed/);
    const stored = await t.db.one<{ review_outcome: string }>('SELECT review_outcome FROM break_glass_grants WHERE id = $1', [target.id]);
    expect(stored!.review_outcome).toBe('justified');

    // The instructor reviews too (same review permission).
    const next = unreviewed.items[0];
    await (await t.as('instructor')).post(`/access/break-glass/${next.id}/review`).send({ outcome: 'violation', note: 'No emergency documented' }).expect(200);
  });

  it('nobody reviews their own grant (403, audited)', async () => {
    // A reviewer who may also break the glass: the instructor gives the privacy officer's role break-glass:use
    // (the instructor may not change its own role, issue 11 finding 4).
    const instructor = await t.as('instructor');
    const roles = (await instructor.get('/access/roles').expect(200)).body;
    const before: string[] = roles.find((r: { name: string }) => r.name === 'privacy_officer').permissions;
    await instructor.put('/access/roles/privacy_officer/permissions').send({ permissions: [...before, 'break-glass:use'] }).expect(200);
    try {
      const officer = await t.as('privacy.smith');
      const patientId = nextOutside();
      const grant = (await officer.post('/access/break-glass').send({ patientId, reason: 'Demonstrating separation of duties' }).expect(201)).body;
      const res = await officer.post(`/access/break-glass/${grant.id}/review`).send({ outcome: 'justified', note: 'Looks fine to me' }).expect(403);
      expect(res.body.message).toMatch(/own break-the-glass grant/);
      const denied = await t.db.one<{ reason: string; resource_id: string }>(
        `SELECT reason, resource_id FROM audit_events WHERE action = 'access-denied' AND actor_username = 'privacy.smith' ORDER BY seq DESC LIMIT 1`,
      );
      expect(denied).toEqual({ reason: expect.stringMatching(/own break-the-glass grant/), resource_id: String(grant.id) });
      const stored = await t.db.one<{ reviewed_at: string | null }>('SELECT reviewed_at FROM break_glass_grants WHERE id = $1', [grant.id]);
      expect(stored!.reviewed_at).toBeNull();
      await instructor.post(`/access/break-glass/${grant.id}/review`).send({ outcome: 'violation', note: 'Not an emergency' }).expect(200);
    } finally {
      await instructor.put('/access/roles/privacy_officer/permissions').send({ permissions: before }).expect(200);
    }
  });

  it('expired: after the grant lifetime the same read is refused again, and the glass can be broken anew', async () => {
    const nurse = await t.as('nurse.patel');
    const patientId = nextOutside();
    const grant = (await nurse.post('/access/break-glass').send({ patientId, reason: REASON }).expect(201)).body;
    await nurse.get(`/patients/${patientId}/record`).expect(200);
    t.clock.advance(61 * 60_000);
    const refused = await nurse.get(`/patients/${patientId}/record`).expect(403);
    expect(refused.body.message).toMatch(/no active break-the-glass grant/);
    const explain = await nurse.get(`/access/explain?permission=clinical:read&patientId=${patientId}`).expect(200);
    expect(explain.body.decision).toBe('deny');

    const list = (await (await t.as('privacy.smith')).get('/access/break-glass?reviewed=false&pageSize=200').expect(200)).body;
    // Only the access during the grant counts; the refused read after it is not flagged.
    expect(list.items.find((i: { id: number }) => i.id === grant.id)).toMatchObject({ active: false, accessCount: 1 });

    const renewed = await nurse.post('/access/break-glass').send({ patientId, reason: 'Patient back in the ED, same emergency' }).expect(201);
    expect(renewed.body.id).not.toBe(grant.id);
    await nurse.get(`/patients/${patientId}/record`).expect(200);
  });

  it('concurrent requests open one grant and record one review', async () => {
    const doctor = await t.as('dr.chen');
    const patientId = Number((await t.db.one<{ id: number }>(
      `SELECT p.id FROM patients p WHERE p.vip = FALSE AND p.user_id IS NULL AND NOT EXISTS (
         SELECT 1 FROM care_team_members c JOIN users u ON u.id = c.user_id WHERE c.patient_id = p.id AND u.username = 'dr.chen')
         AND NOT EXISTS (SELECT 1 FROM break_glass_grants g JOIN users u ON u.id = g.user_id WHERE g.patient_id = p.id AND u.username = 'dr.chen')
       ORDER BY p.id LIMIT 1`,
    ))!.id);
    const results = await Promise.all([1, 2, 3, 4].map(() => doctor.post('/access/break-glass').send({ patientId, reason: REASON })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(await grantsOf('dr.chen', patientId)).toBe(1);
    const id = results.find((r) => r.status === 201)!.body.id;
    const [privacy, instructor] = [await t.as('privacy.smith'), await t.as('instructor')];
    const reviews = await Promise.all([
      privacy.post(`/access/break-glass/${id}/review`).send({ outcome: 'justified', note: 'Emergency confirmed' }),
      instructor.post(`/access/break-glass/${id}/review`).send({ outcome: 'violation', note: 'No emergency found' }),
    ]);
    expect(reviews.map((r) => r.status).sort()).toEqual([200, 409]);
    const rows = num((await t.db.one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM audit_events WHERE action = 'break-glass-review' AND resource_id = $1`, [String(id)],
    ))?.n);
    expect(rows).toBe(1);
  });

  it('documents the routes with their permissions in the OpenAPI document', async () => {
    const res = await request(t.http).get('/docs-json').expect(200);
    expect(res.body.paths['/access/break-glass'].post['x-permission']).toBe('break-glass:use');
    expect(res.body.paths['/access/break-glass'].get['x-permission']).toBe('break-glass:review');
    expect(res.body.paths['/access/break-glass/{id}/review'].post['x-permission']).toBe('break-glass:review');
    expect(res.body.components.schemas.CreateBreakGlassDto.properties.reason.minLength).toBe(10);
  });

  it('leaves a valid audit chain', async () => {
    const res = await (await t.as('privacy.smith')).get('/audit/verify').expect(200);
    expect(res.body.valid).toBe(true);
  });
});
