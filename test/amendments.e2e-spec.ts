import { DAY_MS } from '../src/common/clock';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * HIPAA amendment requests (45 CFR 164.526): patient.demo asks, him.jones (HIM) coordinates and routes, dr.chen (who
 * recorded the items and attends the patient) decides; an accepted amendment corrects the item and is told to the
 * individual, the persons they named and earlier recipients; a denial travels with later disclosures.
 */
describe('amendments (45 CFR 164.526)', () => {
  let t: TestApp;
  let demoId: number;
  let otherId: number;
  let diag: number[];
  let otherDiag: number;
  let psychNote: number;

  /** Tokens expire by the app's clock, which this suite moves by weeks: log in again once the clock has moved. */
  const as = (username: string) => t.as(username);
  const amendment = (id: number) =>
    t.db.one<{ status: string; version: number; due_at: string; applied_item_id: number | null; disagreement_statement: string | null; extension_reason: string | null }>(
      'SELECT status, version, due_at, applied_item_id, disagreement_statement, extension_reason FROM amendments WHERE id = $1',
      [id],
    );
  const auditRows = (id: number) =>
    t.db.query<{ action: string; actor_username: string; patient_id: number; details: string; request_id: string }>(
      `SELECT action, actor_username, patient_id, details, request_id FROM audit_events
        WHERE resource_type = 'amendment' AND resource_id = $1 AND action <> 'access-denied' ORDER BY seq`,
      [String(id)],
    );
  const ms = (iso: string) => new Date(iso).getTime();
  /** HIM routes a request to a clinician with the version it has now. */
  const route = async (id: number, username: string, status = 200) => {
    const him = await as('him.jones');
    const current = await him.get(`/amendments/${id}`).expect(200);
    const userId = Number((await t.db.one<{ id: number }>('SELECT id FROM users WHERE username = $1', [username]))!.id);
    return him.post(`/amendments/${id}/route`).send({ deciderUserId: userId, version: current.body.version }).expect(status);
  };
  /** A release of information walked to fulfilment by roi.nguyen (roi.garcia logs it): the package as JSON and FHIR. */
  const disclose = async (requesterName: string, recordTypes: string[]) => {
    const created = await (await as('roi.garcia')).post('/roi/requests')
      .send({ patientId: demoId, requesterType: 'provider', requesterName, requesterAddress: '1 Main St, Springfield', purpose: 'Continuing care', recordTypes, format: 'electronic' })
      .expect(201);
    const roi = await as('roi.nguyen');
    for (const action of ['verify-identity', 'validate-authorization', 'begin-review', 'approve', 'fulfil']) {
      const current = await roi.get(`/roi/requests/${created.body.id}`).expect(200);
      await roi.post(`/roi/requests/${created.body.id}/transitions`).send({ action, version: current.body.version }).expect(200);
    }
    const json = JSON.parse((await roi.get(`/roi/requests/${created.body.id}/package?format=json`).expect(200)).text);
    const fhir = JSON.parse((await roi.get(`/roi/requests/${created.body.id}/package?format=fhir`).expect(200)).text);
    return { id: Number(created.body.id), json, fhir };
  };

  beforeAll(async () => {
    t = await createTestApp({ patients: 12 });
    demoId = (await t.db.one<{ id: number }>(
      `SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.username = 'patient.demo'`,
    ))!.id;
    demoId = Number(demoId);
    diag = (await t.db.query<{ id: number }>(
      `SELECT id FROM diagnoses WHERE patient_id = $1 AND status = 'active' AND sensitivity = 'normal' ORDER BY id LIMIT 4`,
      [demoId],
    )).map((r) => Number(r.id));
    const other = (await t.db.one<{ id: number; patient_id: number }>(
      `SELECT d.id, d.patient_id FROM diagnoses d JOIN patients p ON p.id = d.patient_id
        WHERE d.patient_id <> $1 AND p.vip = FALSE AND d.status = 'active' ORDER BY d.id LIMIT 1`,
      [demoId],
    ))!;
    otherDiag = Number(other.id);
    otherId = Number(other.patient_id);
    const note = await t.db.one<{ id: number }>(`SELECT id FROM clinical_notes WHERE patient_id = $1 AND note_type = 'psychotherapy' LIMIT 1`, [demoId]);
    psychNote = Number(note?.id);
  });
  afterAll(() => t.close());

  let denied: number; // A1: asked by the patient, denied, then disagreed with
  let accepted: number; // A2: asked by HIM on the patient's behalf, accepted
  let extended: number; // A3: extended once
  let late: number; // A4: left to go overdue

  it('has the seeded patient.demo with items to amend, and the seed\'s denied example that travels (patient 6)', async () => {
    const example = (await (await as('him.jones')).get('/amendments?status=denied').expect(200)).body.items[0];
    expect(example).toMatchObject({ patientId: 6, status: 'denied', denialGround: 'accurate-and-complete', decider: { basis: 'encounter-attending' }, rebuttal: { statement: expect.any(String) } });
    expect(example.disagreementStatement).toMatch(/I disagree/);
    expect(diag).toHaveLength(4);
    expect(psychNote).toBeGreaterThan(0);
    expect(otherId).not.toBe(demoId);
  });

  it('a patient requests an amendment of their own item: due exactly 60 days after receipt, audited', async () => {
    const patient = await as('patient.demo');
    const res = await patient.post(`/patients/${demoId}/amendments`)
      .send({ itemType: 'diagnoses', itemId: diag[0], requestedChange: 'This diagnosis was ruled out at follow-up.', justification: 'See my follow-up visit.' })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'received', patientId: demoId, itemType: 'diagnoses', itemId: diag[0], daysLeft: 60, overdue: false, version: 1, extensionDays: 0 });
    expect(ms(res.body.dueAt) - ms(res.body.receivedAt)).toBe(60 * DAY_MS);
    expect(Math.abs(ms(res.body.receivedAt) - t.clock.now().getTime())).toBeLessThan(60_000);
    denied = res.body.id;
    const rows = await auditRows(denied);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'amendment', actor_username: 'patient.demo', patient_id: demoId });
    expect(JSON.parse(rows[0].details)).toMatchObject({ event: 'request', before: null, after: { status: 'received' } });
    // The request text is PHI and stays out of the audit trail.
    expect(rows[0].details).not.toContain('ruled out');
  });

  it('a patient cannot request an amendment on another patient\'s record (403, audited)', async () => {
    const patient = await as('patient.demo');
    const res = await patient.post(`/patients/${otherId}/amendments`)
      .send({ itemType: 'diagnoses', itemId: otherDiag, requestedChange: 'x', justification: 'y' })
      .expect(403);
    expect(res.body.message).toMatch(/only their own record/);
    const row = await t.db.one<{ reason: string; resource_type: string; patient_id: number; outcome: string }>(
      `SELECT reason, resource_type, patient_id, outcome FROM audit_events WHERE action = 'access-denied' AND actor_username = 'patient.demo' ORDER BY seq DESC LIMIT 1`,
    );
    expect(row).toMatchObject({ resource_type: 'amendment', outcome: 'denied' });
    expect(Number(row!.patient_id)).toBe(otherId);
    expect(await t.db.one(`SELECT id FROM amendments WHERE patient_id = $1`, [otherId])).toBeUndefined();
  });

  it('the item must be one of the patient\'s own (400 naming itemId), and the body is validated', async () => {
    const patient = await as('patient.demo');
    const foreign = await patient.post(`/patients/${demoId}/amendments`)
      .send({ itemType: 'diagnoses', itemId: otherDiag, requestedChange: 'x', justification: 'y' })
      .expect(400);
    expect(foreign.body.details).toEqual([expect.objectContaining({ field: 'itemId' })]);
    const missing = await patient.post(`/patients/${demoId}/amendments`)
      .send({ itemType: 'procedures', itemId: 2_000_000_000, requestedChange: 'x', justification: 'y' })
      .expect(400);
    expect(missing.body.details[0].field).toBe('itemId');
    // Psychotherapy notes are outside the patient's right of access: answered like someone else's item.
    const psych = await patient.post(`/patients/${demoId}/amendments`)
      .send({ itemType: 'notes', itemId: psychNote, requestedChange: 'x', justification: 'y' })
      .expect(400);
    expect(psych.body.details).toEqual([{ field: 'itemId', problems: [`must name one of the notes of patient ${demoId}'s record`] }]);
    const bad = await patient.post(`/patients/${demoId}/amendments`)
      .send({ itemType: 'allergies', itemId: diag[0], requestedChange: '', justification: 'y'.repeat(5001) })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['itemType', 'justification', 'requestedChange']);
    expect(Number((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM amendments WHERE patient_id = $1', [demoId]))!.n)).toBe(1);
  });

  it('an HIM technician requests on the patient\'s behalf; other workforce roles cannot', async () => {
    const him = await as('him.jones');
    const res = await him.post(`/patients/${demoId}/amendments`)
      .send({
        itemType: 'diagnoses', itemId: diag[1], requestedChange: 'Wrong laterality.', justification: 'Patient letter received by mail.',
        notifyPersons: [{ name: 'Dr. Alice Moreno', address: '12 Lake St, Springfield' }],
      })
      .expect(201);
    expect(res.body.notifyPersons).toEqual([{ name: 'Dr. Alice Moreno', address: '12 Lake St, Springfield' }]);
    accepted = res.body.id;
    expect(res.body.requestedBy).not.toBe(res.body.patientId);
    const rows = await auditRows(accepted);
    expect(JSON.parse(rows[0].details)).toMatchObject({ event: 'request', onBehalf: true });
    await (await as('nurse.patel')).post(`/patients/${demoId}/amendments`)
      .send({ itemType: 'diagnoses', itemId: diag[1], requestedChange: 'x', justification: 'y' })
      .expect(403);
  });

  it('a denial needs one of the four grounds and a reason (400 listing them), then is final', async () => {
    const patient = await as('patient.demo');
    const him = await as('him.jones');
    // The patient cannot decide.
    await patient.post(`/amendments/${denied}/decision`).send({ decision: 'accept', version: 1 }).expect(403);

    const noGround = await him.post(`/amendments/${denied}/decision`).send({ decision: 'deny', reason: 'Verified.', version: 1 }).expect(400);
    expect(noGround.body.details).toEqual([expect.objectContaining({ field: 'denialGround' })]);
    expect(noGround.body.details[0].problems[0]).toContain(
      'not-created-by-covered-entity, not-part-of-designated-record-set, not-available-for-inspection, accurate-and-complete',
    );
    const badGround = await him.post(`/amendments/${denied}/decision`).send({ decision: 'deny', denialGround: 'too-busy', reason: 'x', version: 1 }).expect(400);
    expect(badGround.body.details[0]).toMatchObject({ field: 'denialGround', problems: [expect.stringContaining('accurate-and-complete')] });
    const noReason = await him.post(`/amendments/${denied}/decision`).send({ decision: 'deny', denialGround: 'accurate-and-complete', version: 1 }).expect(400);
    expect(noReason.body.details[0].field).toBe('reason');
    expect(await amendment(denied)).toMatchObject({ status: 'received' });

    // The HIM technician no longer decides alone: 403 before routing, 403 after (audited), and nothing changes.
    const denyBody = { decision: 'deny', denialGround: 'accurate-and-complete', reason: 'The follow-up note confirms the diagnosis.' };
    const alone = await him.post(`/amendments/${denied}/decision`).send({ ...denyBody, version: 1 }).expect(403);
    expect(alone.body.message).toMatch(/author of the item or a clinician responsible/);
    // HIM sees whom to route to: dr.chen recorded the item and attends the patient; dr.okafor does neither (400).
    const detail = await him.get(`/amendments/${denied}`).expect(200);
    expect(detail.body.eligibleDeciders.map((d: { username: string }) => d.username)).toEqual(['dr.chen']);
    expect((await route(denied, 'dr.okafor', 400)).body.details[0].field).toBe('deciderUserId');
    expect((await route(denied, 'dr.chen')).body).toMatchObject({ version: 2, decider: { basis: 'recorded-by' } });
    await him.post(`/amendments/${denied}/decision`).send({ ...denyBody, version: 2 }).expect(403);
    const outsider = await (await as('dr.okafor')).post(`/amendments/${denied}/decision`).send({ ...denyBody, version: 2 }).expect(403);
    expect(outsider.body.message).toMatch(/routed to another clinician/);
    await (await as('nurse.patel')).post(`/amendments/${denied}/decision`).send({ ...denyBody, version: 2 }).expect(403);
    const refusals = await t.db.query<{ actor_username: string }>(
      `SELECT actor_username FROM audit_events WHERE action = 'access-denied' AND resource_type = 'amendment' AND resource_id = $1 ORDER BY seq`, [String(denied)],
    );
    expect(refusals.map((r) => r.actor_username)).toEqual(expect.arrayContaining(['him.jones', 'dr.okafor', 'nurse.patel']));
    expect(await amendment(denied)).toMatchObject({ status: 'received', version: 2 });
    // The clinician it is routed to sees it in their queue, and only theirs.
    const chen = await as('dr.chen');
    expect((await chen.get('/amendments').expect(200)).body.items.map((a: { id: number }) => a.id)).toEqual([denied]);
    expect((await (await as('dr.okafor')).get('/amendments?status=open').expect(200)).body.total).toBe(0);

    const res = await chen.post(`/amendments/${denied}/decision`).send({ ...denyBody, version: 2 }).expect(200);
    expect(res.body).toMatchObject({ status: 'denied', denialGround: 'accurate-and-complete', version: 3, daysLeft: null, overdue: false });
    expect(res.body.denialNotice.basis).toMatch(/accurate and complete.*164\.526\(a\)\(2\)\(iv\)/);
    expect(res.body.denialNotice.disagreement).toMatch(/disagreement/);
    const rows = await auditRows(denied);
    expect(JSON.parse(rows.at(-1)!.details)).toMatchObject({ event: 'deny', before: { status: 'received' }, after: { status: 'denied' }, denialGround: 'accurate-and-complete' });
    expect(rows.at(-1)).toMatchObject({ action: 'amendment', actor_username: 'dr.chen', patient_id: demoId });

    // Closed: any further decision is a conflict and changes nothing.
    await chen.post(`/amendments/${denied}/decision`).send({ decision: 'accept', correction: { description: 'x' }, version: 3 }).expect(409);
    await him.post(`/amendments/${denied}/decision`).send({ decision: 'extend', extensionDays: 5, reason: 'x', version: 3 }).expect(409);
    await route(denied, 'dr.chen', 409);
    expect(await amendment(denied)).toMatchObject({ status: 'denied', version: 3 });
  });

  it('the patient files one statement of disagreement after the denial', async () => {
    const patient = await as('patient.demo');
    const him = await as('him.jones');
    await patient.post(`/amendments/${accepted}/disagreement`).send({ statement: 'Not denied yet.' }).expect(409);
    await him.post(`/amendments/${denied}/disagreement`).send({ statement: 'On their behalf.' }).expect(403);
    await patient.post(`/amendments/${denied}/disagreement`).send({ statement: '' }).expect(400);
    const res = await patient.post(`/amendments/${denied}/disagreement`).send({ statement: 'My cardiologist disagrees; see the letter.' }).expect(201);
    expect(res.body).toMatchObject({ status: 'denied', disagreementStatement: 'My cardiologist disagrees; see the letter.', version: 4 });
    expect(res.body.denialNotice.disagreement).toMatch(/on file/);
    await patient.post(`/amendments/${denied}/disagreement`).send({ statement: 'Again.' }).expect(409);
    expect((await amendment(denied))!.disagreement_statement).toBe('My cardiologist disagrees; see the letter.');
    const rows = await auditRows(denied);
    expect(JSON.parse(rows.at(-1)!.details)).toMatchObject({ event: 'disagreement', before: { status: 'denied' }, after: { status: 'denied' } });
    expect(rows.at(-1)!.details).not.toContain('cardiologist');
  });

  it('accepting corrects the item: a new version linked to the amendment, the old one kept; notices recorded (164.526(c))', async () => {
    // An earlier disclosure of the item: its recipient may have relied on it (164.526(c)(3)(ii)).
    const earlier = await disclose('Springfield Cardiology', ['diagnoses']);
    expect(earlier.json.records.diagnoses.map((d: { id: number }) => d.id)).toContain(diag[1]);
    await disclose('Lakeside Physical Therapy', ['observations']); // never held the item: not told

    const before = (await t.db.one<{ status: string; version: number; code: string }>('SELECT status, version, code FROM diagnoses WHERE id = $1', [diag[1]]))!;
    expect(before.status).toBe('active');
    await route(accepted, 'dr.chen');
    const him = await as('him.jones');
    const chen = await as('dr.chen');
    await him.post(`/amendments/${accepted}/decision`).send({ decision: 'accept', correction: { description: 'Left-sided' }, version: 2 }).expect(403);
    await (await as('dr.okafor')).post(`/amendments/${accepted}/decision`).send({ decision: 'accept', correction: { description: 'Left-sided' }, version: 2 }).expect(403);
    const noCorrection = await chen.post(`/amendments/${accepted}/decision`).send({ decision: 'accept', version: 2 }).expect(400);
    expect(noCorrection.body.details[0].field).toBe('correction');
    const badField = await chen.post(`/amendments/${accepted}/decision`).send({ decision: 'accept', correction: { text: 'x' }, version: 2 }).expect(400);
    expect(badField.body.details[0].field).toBe('correction.text');
    expect(await amendment(accepted)).toMatchObject({ status: 'received', version: 2 });

    // The patient asked for confidential communications (164.522(b)): their notice goes to the PO box, not the portal.
    await (await as('patient.demo')).put('/me/confidential-communications').send({ channel: 'mail', address: 'PO Box 4411, Springfield 62704' }).expect(200);
    const res = await chen.post(`/amendments/${accepted}/decision`)
      .send({ decision: 'accept', reason: 'Confirmed with the surgeon.', correction: { description: 'Left-sided, corrected per amendment' }, version: 2 })
      .expect(200);
    await (await as('patient.demo')).delete('/me/confidential-communications').expect(200);
    const newId = res.body.appliedItemId;
    expect(res.body).toMatchObject({ status: 'accepted', itemId: diag[1], decisionReason: 'Confirmed with the surgeon.', version: 3, correction: { description: 'Left-sided, corrected per amendment' } });
    expect(newId).not.toBe(diag[1]);
    // The old version is kept (amended, version + 1); the new one carries the correction and replaces it.
    const old = (await t.db.one<{ status: string; version: number; description: string }>('SELECT status, version, description FROM diagnoses WHERE id = $1', [diag[1]]))!;
    expect(old.status).toBe('amended');
    expect(Number(old.version)).toBe(Number(before.version) + 1);
    const corrected = (await t.db.one<{ status: string; replaces_id: number; code: string; description: string; created_by: number }>(
      'SELECT status, replaces_id, code, description, created_by FROM diagnoses WHERE id = $1', [newId],
    ))!;
    expect(corrected).toMatchObject({ status: 'active', code: before.code, description: 'Left-sided, corrected per amendment' });
    expect(Number(corrected.replaces_id)).toBe(diag[1]);
    expect(Number((await amendment(accepted))!.applied_item_id)).toBe(newId);

    // The individual, the person they named, and the earlier recipient of the item; not the one who never held it.
    expect(res.body.notifications.map((n: { recipientKind: string; recipient: { name: string }; channel: string }) => [n.recipientKind, n.recipient.name, n.channel])).toEqual([
      ['individual', expect.any(String), 'mail'],
      ['named-by-individual', 'Dr. Alice Moreno', 'mail'],
      ['prior-recipient', 'Springfield Cardiology', 'mail'],
    ]);
    expect(res.body.notifications[0].recipient.address).toBe('PO Box 4411, Springfield 62704');
    expect(res.body.notifications[2].disclosureId).toBe(Number((await t.db.one<{ id: number }>('SELECT id FROM disclosures WHERE roi_request_id = $1', [earlier.id]))!.id));
    await t.db.execute('UPDATE amendment_notifications SET channel = $1', ['x']).then(() => { throw new Error('append-only'); }, (e: Error) => expect(e.message).toMatch(/append-only/));

    const decision = (await auditRows(accepted)).at(-1)!;
    expect(JSON.parse(decision.details)).toMatchObject({ event: 'accept', before: { status: 'received' }, after: { status: 'accepted' }, appliedItemId: newId, notifications: 3 });
    expect(decision.actor_username).toBe('dr.chen');
    const itemRows = await t.db.query<{ action: string; resource_id: string; details: string; request_id: string }>(
      `SELECT action, resource_id, details, request_id FROM audit_events WHERE resource_type = 'diagnoses' AND request_id = $1 ORDER BY seq`,
      [decision.request_id],
    );
    expect(itemRows.map((r) => [r.action, Number(r.resource_id)])).toEqual([['update', diag[1]], ['create', newId]]);
    expect(JSON.parse(itemRows[0].details)).toMatchObject({ amendmentId: accepted, before: { status: 'active' }, after: { status: 'amended' }, replacedBy: newId });
  });

  it('the patient\'s record shows the amended item and the amendment linked to it', async () => {
    const patient = await as('patient.demo');
    const record = await patient.get('/me/record').expect(200);
    expect(record.body.diagnoses.find((d: { id: number }) => d.id === diag[1])).toMatchObject({ status: 'amended' });
    // The corrected version is in the record too, pointing at the old one it replaces (the history stays readable).
    expect(record.body.diagnoses.find((d: { replacesId: number | null }) => d.replacesId === diag[1])).toMatchObject({ status: 'active', description: 'Left-sided, corrected per amendment' });
    const linked = await patient.get(`/patients/${demoId}/amendments?itemType=diagnoses&itemId=${diag[1]}`).expect(200);
    expect(linked.body).toMatchObject({ total: 1, withheld: expect.any(Array), items: [{ id: accepted, status: 'accepted', itemId: diag[1], appliedItemId: expect.any(Number) }] });
    const all = await patient.get(`/patients/${demoId}/amendments`).expect(200);
    expect(all.body.items.map((a: { id: number }) => a.id).sort()).toEqual([denied, accepted].sort());
    // A record reader on the care team sees them too; someone else's record stays closed to the patient.
    await (await as('dr.chen')).get(`/patients/${demoId}/amendments`).expect(200);
    await patient.get(`/patients/${otherId}/amendments`).expect(403);
    await patient.get(`/patients/${demoId}/amendments?itemId=3`).expect(400);
    const read = await t.db.one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM audit_events WHERE action = 'read' AND resource_type = 'amendment' AND actor_username = 'patient.demo' AND patient_id = $1`,
      [demoId],
    );
    expect(Number(read!.n)).toBeGreaterThanOrEqual(2);
  });

  it('GET /amendments/:id: HIM and the individual, audited; no one else', async () => {
    const mine = await (await as('patient.demo')).get(`/amendments/${denied}`).expect(200);
    expect(mine.body).toMatchObject({ id: denied, status: 'denied', item: { id: diag[0] } });
    const him = await (await as('him.jones')).get(`/amendments/${accepted}`).expect(200);
    expect(him.body.item).toMatchObject({ id: diag[1], status: 'amended' });
    expect(him.body.notifications).toHaveLength(3);
    // The clinician it was routed to reads it; another clinician does not.
    await (await as('dr.chen')).get(`/amendments/${accepted}`).expect(200);
    await (await as('dr.okafor')).get(`/amendments/${accepted}`).expect(403);
    await (await as('nurse.patel')).get(`/amendments/${denied}`).expect(403);
    await (await as('him.jones')).get('/amendments/999999').expect(404);
    const rows = await auditRows(denied);
    // Every read is in the trail: HIM's while routing, the deciding clinician's, the individual's; nobody else's.
    expect(new Set(rows.filter((r) => r.action === 'read').map((r) => r.actor_username))).toEqual(new Set(['him.jones', 'dr.chen', 'patient.demo']));
  });

  it('extends once, by at most 30 days, with a reason; a stale version is 409 and changes nothing', async () => {
    const patient = await as('patient.demo');
    let him = await as('him.jones');
    const created = await patient.post(`/patients/${demoId}/amendments`)
      .send({ itemType: 'diagnoses', itemId: diag[2], requestedChange: 'Wrong onset date.', justification: 'I was abroad then.' })
      .expect(201);
    extended = created.body.id;
    await him.post(`/amendments/${extended}/decision`).send({ decision: 'extend', extensionDays: 31, reason: 'Waiting for records.', version: 1 }).expect(400);
    await him.post(`/amendments/${extended}/decision`).send({ decision: 'extend', extensionDays: 10, version: 1 }).expect(400);
    await him.post(`/amendments/${extended}/decision`).send({ decision: 'extend', reason: 'x', version: 1 }).expect(400);

    t.clock.advance(20 * DAY_MS);
    him = await as('him.jones');
    const res = await him.post(`/amendments/${extended}/decision`)
      .send({ decision: 'extend', extensionDays: 30, reason: 'Waiting for the outside hospital\'s records.', version: 1 })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'extended', extensionDays: 30, extensionReason: 'Waiting for the outside hospital\'s records.', version: 2, daysLeft: 70 });
    expect(ms(res.body.dueAt) - ms(created.body.receivedAt)).toBe(90 * DAY_MS);
    expect(res.body.extensionNotice).toMatchObject({ completeBy: res.body.dueAt });

    const second = await him.post(`/amendments/${extended}/decision`).send({ decision: 'extend', extensionDays: 1, reason: 'More time.', version: 2 }).expect(409);
    expect(second.body.message).toMatch(/only one extension/);

    // Stale version: 409, no change to the amendment or the item, no audit row.
    const auditBefore = (await auditRows(extended)).length;
    const stale = await him.post(`/amendments/${extended}/decision`).send({ decision: 'extend', extensionDays: 1, reason: 'More time.', version: 1 }).expect(409);
    expect(stale.body.message).toMatch(/version 2, you sent 1/);
    expect(await amendment(extended)).toMatchObject({ status: 'extended', version: 2, applied_item_id: null });
    expect((await t.db.one<{ status: string }>('SELECT status FROM diagnoses WHERE id = $1', [diag[2]]))!.status).toBe('active');
    expect((await auditRows(extended)).length).toBe(auditBefore);
  });

  it('lists the queue by due date with days left; after 61 days the open request is overdue and can no longer be extended', async () => {
    const created = await (await as('patient.demo')).post(`/patients/${demoId}/amendments`)
      .send({ itemType: 'diagnoses', itemId: diag[3], requestedChange: 'Duplicate entry.', justification: 'Listed twice.' })
      .expect(201);
    late = created.body.id;

    const queue = await (await as('him.jones')).get('/amendments?status=open').expect(200);
    expect(queue.body).toMatchObject({ page: 1, pageSize: 50, total: 2 });
    expect(queue.body.items.map((a: { id: number }) => a.id)).toEqual([late, extended]);
    expect(queue.body.items.map((a: { daysLeft: number }) => a.daysLeft)).toEqual([60, 70]);
    const all = await (await as('him.jones')).get('/amendments').expect(200);
    const dues = all.body.items.map((a: { dueAt: string }) => a.dueAt);
    expect(dues).toEqual([...dues].sort());
    // The seed's closed example (patient 6, seed/amendment-examples.ts) is listed too.
    expect(all.body.items.filter((a: { patientId: number }) => a.patientId === demoId)).toHaveLength(4);
    await (await as('him.jones')).get('/amendments?status=denied').expect(200)
      .expect((r) => expect(r.body.items.filter((a: { patientId: number }) => a.patientId === demoId).map((a: { id: number }) => a.id)).toEqual([denied]));
    await (await as('him.jones')).get('/amendments?status=closed').expect(400);
    await (await as('patient.demo')).get('/amendments').expect(403);
    expect((await (await as('him.jones')).get('/amendments?overdue=true').expect(200)).body.total).toBe(0);

    t.clock.advance(61 * DAY_MS);
    const him = await as('him.jones');
    const overdue = await him.get('/amendments?overdue=true').expect(200);
    expect(overdue.body.total).toBe(1);
    expect(overdue.body.items[0]).toMatchObject({ id: late, status: 'received', overdue: true, daysLeft: -1 });
    // The extended one is still in time (due 90 days after its receipt, 81 days ago).
    const notOverdue = await him.get('/amendments?overdue=false&status=open').expect(200);
    expect(notOverdue.body.items).toEqual([expect.objectContaining({ id: extended, overdue: false, daysLeft: 9 })]);

    const tooLate = await him.post(`/amendments/${late}/decision`).send({ decision: 'extend', extensionDays: 10, reason: 'Backlog.', version: 1 }).expect(409);
    expect(tooLate.body.message).toMatch(/before the due date/);
    expect(await amendment(late)).toMatchObject({ status: 'received', version: 1, extension_reason: null });

    // Still must act: a late decision is recorded as late.
    await route(late, 'dr.chen');
    await (await as('dr.chen')).post(`/amendments/${late}/decision`).send({ decision: 'deny', denialGround: 'not-part-of-designated-record-set', reason: 'Billing copy only.', version: 2 }).expect(200);
    expect(JSON.parse((await auditRows(late)).at(-1)!.details)).toMatchObject({ event: 'deny', late: true });
    expect((await him.get('/amendments?overdue=true').expect(200)).body.total).toBe(0);
  });

  it('the rebuttal: HIM, once, only after a statement of disagreement; a copy goes to the individual (164.526(d)(3))', async () => {
    const him = await as('him.jones');
    await (await as('patient.demo')).post(`/amendments/${denied}/rebuttal`).send({ statement: 'x' }).expect(403);
    await him.post(`/amendments/${late}/rebuttal`).send({ statement: 'No statement to answer.' }).expect(409);
    await him.post(`/amendments/${denied}/rebuttal`).send({ statement: '' }).expect(400);
    const res = await him.post(`/amendments/${denied}/rebuttal`).send({ statement: 'The echocardiogram of 2026-02-03 supports the diagnosis.' }).expect(201);
    expect(res.body.rebuttal).toMatchObject({ statement: 'The echocardiogram of 2026-02-03 supports the diagnosis.', copySentToIndividualAt: expect.any(String) });
    await him.post(`/amendments/${denied}/rebuttal`).send({ statement: 'Again.' }).expect(409);
    expect(JSON.parse((await auditRows(denied)).at(-1)!.details)).toMatchObject({ event: 'rebuttal', copyToIndividual: true });
    const mine = await (await as('patient.demo')).get(`/amendments/${denied}`).expect(200);
    expect(mine.body.rebuttal.statement).toMatch(/echocardiogram/);
  });

  it('later disclosures of the disputed item carry the request, denial, disagreement and rebuttal; other packages do not (164.526(d)(5))', async () => {
    const dx = await disclose('Riverside Clinic', ['diagnoses']);
    expect(dx.json.amendments).toEqual([
      expect.objectContaining({
        amendmentId: denied, itemType: 'diagnoses', itemId: diag[0], citation: '45 CFR 164.526(d)(5)(i)',
        request: expect.objectContaining({ requestedChange: 'This diagnosis was ruled out at follow-up.' }),
        denial: expect.objectContaining({ ground: 'accurate-and-complete', groundCitation: '45 CFR 164.526(a)(2)(iv)' }),
        disagreement: 'My cardiologist disagrees; see the letter.', rebuttal: 'The echocardiogram of 2026-02-03 supports the diagnosis.',
      }),
    ]);
    expect(dx.json.notices.map((n: { code: string }) => n.code)).toContain('amendment-dispute');
    const doc = dx.fhir.entry.find((e: { resource: { id: string } }) => e.resource.id === `amendment-${denied}`).resource;
    expect(doc).toMatchObject({ resourceType: 'DocumentReference', context: { related: [{ reference: `Condition/${diag[0]}` }] } });
    expect(dx.fhir.entry.some((e: { resource: { resourceType: string; id: string } }) => e.resource.resourceType === 'Condition' && e.resource.id === String(diag[0]))).toBe(true);
    // The late denial had no statement of disagreement and the individual did not ask: it does not travel.
    expect(dx.json.amendments.map((a: { amendmentId: number }) => a.amendmentId)).not.toContain(late);
    const obs = await disclose('Lakeside Physical Therapy', ['observations']);
    expect(obs.json.amendments).toEqual([]);
    expect(obs.fhir.entry.some((e: { resource: { id: string } }) => String(e.resource.id).startsWith('amendment-'))).toBe(false);
  });

  it('without a disagreement, the request and denial travel only if the individual asks (164.526(d)(5)(ii))', async () => {
    const patient = await as('patient.demo');
    await (await as('him.jones')).post(`/amendments/${late}/include-with-disclosures`).expect(403);
    await patient.post(`/amendments/${denied}/include-with-disclosures`).expect(409); // a statement is on file: it travels already
    await patient.post(`/amendments/${extended}/include-with-disclosures`).expect(409); // not denied
    const res = await patient.post(`/amendments/${late}/include-with-disclosures`).expect(200);
    expect(res.body.includeWithDisclosures).toBe(true);
    await patient.post(`/amendments/${late}/include-with-disclosures`).expect(409);
    const dx = await disclose('Hillside Urgent Care', ['diagnoses']);
    expect(dx.json.amendments.find((a: { amendmentId: number }) => a.amendmentId === late)).toMatchObject({
      citation: '45 CFR 164.526(d)(5)(ii)', itemId: diag[3], disagreement: null, rebuttal: null, denial: expect.objectContaining({ ground: 'not-part-of-designated-record-set' }),
    });
  });
});
