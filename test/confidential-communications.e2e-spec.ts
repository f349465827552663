import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Confidential communications (45 CFR 164.522(b)), end to end: the patient (or staff for them) records an alternative
 * address or channel, no explanation asked; a request that does not fit is refused and changes nothing; the copy of
 * the patient's own record, the notices of their request and their accounting go there; a third party's copy does not.
 */
describe('confidential communications', () => {
  let t: TestApp;
  let demoId: number;
  const as = (username: string) => t.as(username);
  const box = { channel: 'mail', address: 'PO Box 4411, Springfield 62704' };
  const rows = async () => Number((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM confidential_communications'))!.n);
  const step = async (id: number, action: string, extra: Record<string, unknown> = {}) => {
    const roi = await as('roi.nguyen');
    const current = (await roi.get(`/roi/requests/${id}`).expect(200)).body;
    return roi.post(`/roi/requests/${id}/transitions`).send({ action, version: current.version, ...extra }).expect(200);
  };

  beforeAll(async () => {
    t = await createTestApp({ patients: 12 });
    demoId = Number((await t.db.one<{ id: number }>(`SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.username = 'patient.demo'`))!.id);
  });
  afterAll(() => t.close());

  it('the patient records an alternative address; no explanation is asked; an unusable one is refused and changes nothing', async () => {
    const patient = await as('patient.demo');
    const seeded = await rows(); // the seed's example belongs to another patient
    expect((await patient.get('/me/confidential-communications').expect(200)).body).toMatchObject({ current: null, history: [], citation: '45 CFR 164.522(b)' });
    const bad = await patient.put('/me/confidential-communications').send({ channel: 'email', address: 'not-an-email' }).expect(400);
    expect(bad.body.details).toEqual([{ field: 'address', problems: [expect.stringMatching(/email/)] }]);
    await patient.put('/me/confidential-communications').send({ channel: 'pigeon', address: 'x' }).expect(400);
    await patient.put('/me/confidential-communications').send({ channel: 'phone', address: 'call me' }).expect(400);
    await patient.put('/me/confidential-communications').send({ channel: 'mail', address: 'home' }).expect(400);
    await patient.put('/me/confidential-communications').send({ ...box, reason: 'why' }).expect(400); // there is no reason field to fill
    expect(await rows()).toBe(seeded);

    const set = await patient.put('/me/confidential-communications').send(box).expect(200);
    expect(set.body.current).toMatchObject({ ...box, requestedBy: 'patient', endedAt: null, patientId: demoId });
    const audit = await t.db.one<{ actor_username: string; patient_id: number }>(
      `SELECT actor_username, patient_id FROM audit_events WHERE resource_type = 'confidential-communication' AND action = 'create' ORDER BY seq DESC LIMIT 1`,
    );
    expect(audit).toMatchObject({ actor_username: 'patient.demo', patient_id: demoId });
    await (await as('roi.garcia')).put('/me/confidential-communications').send(box).expect(403);
  });

  it('staff record a request for the patient; the newer one replaces the older, which stays in the history', async () => {
    await (await as('coder.kim')).put(`/patients/${demoId}/confidential-communications`).send(box).expect(403);
    await (await as('reg.lopez')).put('/patients/999999/confidential-communications').send(box).expect(404);
    const email = { channel: 'email', address: 'jordan.private@example.org' };
    const res = await (await as('reg.lopez')).put(`/patients/${demoId}/confidential-communications`).send(email).expect(200);
    expect(res.body.current).toMatchObject({ ...email, requestedBy: 'staff' });
    expect(res.body.history).toHaveLength(2);
    expect(res.body.history[1]).toMatchObject({ ...box, endedAt: expect.any(String) });
    const read = await (await as('roi.garcia')).get(`/patients/${demoId}/confidential-communications`).expect(200);
    expect(read.body.current.address).toBe(email.address);
    // Back to the PO box for the rest of the suite.
    await (await as('patient.demo')).put('/me/confidential-communications').send(box).expect(200);
  });

  it('the patient\'s own copy, the notices of the request and the accounting go to the alternative address; a third party\'s copy does not', async () => {
    const own = await (await as('patient.demo')).post('/roi/requests')
      .send({ patientId: demoId, requesterType: 'self', requesterAddress: '12 Home Street, Springfield', purpose: 'My copy', recordTypes: ['diagnoses'], format: 'paper' })
      .expect(201);
    for (const a of ['verify-identity', 'confirm-right-of-access', 'begin-review', 'approve']) await step(own.body.id, a);
    const fulfilled = await step(own.body.id, 'fulfil');
    expect(fulfilled.body.delivery).toMatchObject({ ...box, confidentialCommunication: true, citation: '45 CFR 164.522(b)' });
    const pkg = JSON.parse((await (await as('patient.demo')).get(`/roi/requests/${own.body.id}/package`).expect(200)).text);
    expect(pkg.delivery).toMatchObject({ ...box, confidentialCommunication: true });

    const denied = await (await as('patient.demo')).post('/roi/requests')
      .send({ patientId: demoId, requesterType: 'self', purpose: 'My notes', recordTypes: ['notes'], format: 'paper' }).expect(201);
    await step(denied.body.id, 'verify-identity');
    const notice = await step(denied.body.id, 'deny', { denialCode: 'litigation-compilation', reason: 'Compiled for the lawsuit.' });
    expect(notice.body).toMatchObject({ status: 'denied', delivery: { address: box.address, confidentialCommunication: true } });

    const third = await (await as('roi.garcia')).post('/roi/requests')
      .send({ patientId: demoId, requesterType: 'law_enforcement', requesterName: 'County Sheriff', requesterAddress: '5 Court St', purpose: 'Investigation', recordTypes: ['diagnoses'], format: 'paper' })
      .expect(201);
    expect((await (await as('roi.nguyen')).get(`/roi/requests/${third.body.id}`).expect(200)).body.delivery)
      .toMatchObject({ to: 'County Sheriff', address: '5 Court St', confidentialCommunication: false });

    const accounting = await (await as('patient.demo')).post('/me/accounting-requests').expect(201);
    expect(accounting.body.deliverTo).toMatchObject({ ...box, confidentialCommunication: true });
  });

  it('the patient withdraws it: copies go to the address of record again; nothing to withdraw is a 409', async () => {
    const patient = await as('patient.demo');
    const res = await patient.delete('/me/confidential-communications').expect(200);
    expect(res.body.current).toBeNull();
    await patient.delete('/me/confidential-communications').expect(409);
    const own = await patient.post('/roi/requests')
      .send({ patientId: demoId, requesterType: 'self', requesterAddress: '12 Home Street, Springfield', purpose: 'My copy', recordTypes: ['diagnoses'], format: 'paper' })
      .expect(201);
    expect((await patient.get(`/roi/requests/${own.body.id}`).expect(200)).body.delivery)
      .toMatchObject({ address: '12 Home Street, Springfield', confidentialCommunication: false });
    const accounting = await patient.get('/me/accounting-requests').expect(200);
    const one = await patient.get(`/accounting-requests/${accounting.body.items[0].id}`).expect(200);
    expect(one.body.deliverTo).toBeNull();
  });
});
