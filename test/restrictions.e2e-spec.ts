import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Restriction requests (45 CFR 164.522(a)): the individual or their representative asks, the privacy officer agrees or
 * refuses, except the required restriction of (a)(1)(vi) (disclosures to a health plan of care paid out of pocket in
 * full), which the release of information then honours; termination per (a)(2). The seed plants a self-pay encounter
 * with an agreed restriction (seed/representatives.ts: poa.brooks's patient). The attack: a health plan's request for
 * the restricted self-pay items.
 */
describe('restriction requests (164.522(a))', () => {
  let t: TestApp;
  const as = (u: string) => t.as(u);
  let patient: number;
  let selfPay: number;
  let otherEncounter: number;
  let demoId: number;

  /** Logs a third-party request (roi.garcia) and walks it to fulfilment (roi.nguyen); answers the JSON package. */
  const release = async (body: Record<string, unknown>) => {
    const created = await (await as('roi.garcia')).post('/roi/requests').send(body).expect(201);
    const staff = await as('roi.nguyen');
    let version = created.body.version as number;
    for (const action of ['verify-identity', 'validate-authorization', 'begin-review']) {
      version = (await staff.post(`/roi/requests/${created.body.id}/transitions`).send({ action, version }).expect(200)).body.version;
    }
    const records = (await staff.get(`/roi/requests/${created.body.id}/records`).expect(200)).body;
    const explain = (await staff.get(`/access/explain?permission=clinical:read&patientId=${body.patientId}`).expect(200)).body;
    for (const action of ['approve', 'fulfil']) {
      version = (await staff.post(`/roi/requests/${created.body.id}/transitions`).send({ action, version }).expect(200)).body.version;
    }
    return { id: created.body.id as number, records, explain };
  };
  const encounterIdsOf = (records: { encounters?: { id: number }[] }) => (records.encounters ?? []).map((e) => e.id);

  beforeAll(async () => {
    t = await createTestApp({ patients: 40, env: { JWT_TTL: String(24 * 3600) } });
    const row = (await t.db.one<{ patient_id: number; encounter_id: number }>(`SELECT patient_id, encounter_id FROM restrictions WHERE required = TRUE ORDER BY id LIMIT 1`))!;
    patient = Number(row.patient_id);
    selfPay = Number(row.encounter_id);
    otherEncounter = Number((await t.db.one<{ id: number }>(
      `SELECT e.id FROM encounters e WHERE e.patient_id = $1 AND e.id <> $2 AND e.sensitivity = 'normal'
         AND NOT EXISTS (SELECT 1 FROM diagnoses d WHERE d.encounter_id = e.id AND d.sensitivity = 'restricted') ORDER BY e.admitted_at DESC LIMIT 1`,
      [patient, selfPay],
    ))!.id);
    demoId = Number((await t.db.one<{ id: number }>(`SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.username = 'patient.demo'`))!.id);
  });
  afterAll(() => t.close());

  it('the seed: a self-pay encounter with an agreed required restriction, shown to the representative and the privacy officer', async () => {
    const enc = (await (await as('poa.brooks')).get(`/encounters/${selfPay}`).expect(200)).body;
    expect(enc.selfPay).toBe(true);
    const list = (await (await as('poa.brooks')).get(`/patients/${patient}/restrictions`).expect(200)).body;
    expect(list.actingFor).toMatchObject({ patientId: patient, relationship: 'healthcare-poa' });
    expect(list.items).toEqual([expect.objectContaining({ encounterId: selfPay, required: true, status: 'agreed', rule: '45 CFR 164.522(a)(1)(vi)', recipient: 'health-plan' })]);
    const queue = (await (await as('privacy.smith')).get('/restrictions?status=agreed').expect(200)).body.items;
    expect(queue.map((r: { encounterId: number }) => r.encounterId)).toContain(selfPay);
    // Nobody else reads them.
    await (await as('nurse.patel')).get(`/patients/${patient}/restrictions`).expect(403);
    await (await as('patient.demo')).get(`/patients/${patient}/restrictions`).expect(403);
  });

  it('attack: a health plan\'s payment request excludes the restricted self-pay items, citing 164.522(a)(1)(vi); explain shows it', async () => {
    const plan = await release({
      patientId: patient, requesterType: 'insurer', recipientKind: 'health-plan', requesterName: 'Acme Health Plan', purpose: 'Claim review (payment)', legalBasis: 'payment',
      recordTypes: ['encounters', 'diagnoses', 'procedures'], format: 'electronic',
    });
    const ids = encounterIdsOf(plan.records);
    expect(ids).toContain(otherEncounter);
    expect(ids).not.toContain(selfPay);
    for (const type of ['diagnoses', 'procedures']) {
      for (const item of plan.records[type] ?? []) expect(item.encounterId).not.toBe(selfPay);
    }
    expect(plan.explain.reasons.join(' ')).toMatch(/bound by restriction \d+: no disclosure of the items of encounter \d+ to a health plan for payment or operations \(45 CFR 164\.522\(a\)\(1\)\(vi\)/);
    // The fulfilled package carries none of them either.
    const pkg = (await (await as('roi.nguyen')).get(`/roi/requests/${plan.id}/package`).expect(200)).body;
    expect(encounterIdsOf(pkg.records)).toContain(otherEncounter);
    expect(encounterIdsOf(pkg.records)).not.toContain(selfPay);
    expect(JSON.stringify(pkg)).not.toContain(`"encounterId":${selfPay}`);
    // The same chart to a treating provider is not bound by a health-plan restriction.
    const provider = await release({
      patientId: patient, requesterType: 'provider', requesterName: 'Dr. Outside Clinic', purpose: 'Continuing care (treatment)', legalBasis: 'treatment',
      recordTypes: ['encounters'], format: 'electronic',
    });
    expect(encounterIdsOf(provider.records)).toContain(selfPay);
  });

  it('a patient asks for a discretionary restriction: it waits for the privacy officer, who may refuse; agreed, the policy enforces it', async () => {
    const patientApi = await as('patient.demo');
    const enc = (await patientApi.get('/me/record').expect(200)).body.encounters[0].id as number;
    const bad = await patientApi.post(`/patients/${demoId}/restrictions`).send({ purposes: ['gossip'], recipient: 'health-plan', description: 'Please' }).expect(400);
    expect(bad.body.details[0].field).toBe('purposes');
    const notMine = await patientApi.post(`/patients/${demoId}/restrictions`).send({ purposes: ['payment'], recipient: 'health-plan', encounterId: selfPay, description: 'Not my visit' }).expect(400);
    expect(notMine.body.details[0].field).toBe('encounterId');
    await patientApi.post(`/patients/${patient}/restrictions`).send({ purposes: ['payment'], recipient: 'health-plan', description: 'Someone else' }).expect(403);

    const asked = await patientApi.post(`/patients/${demoId}/restrictions`)
      .send({ purposes: ['payment', 'operations'], recipient: 'health-plan', encounterId: enc, description: 'My insurer should not get this visit' }).expect(201);
    expect(asked.body).toMatchObject({ status: 'requested', required: false, rule: '45 CFR 164.522(a)(1)(i)-(ii)' });
    const po = await as('privacy.smith');
    expect((await po.get('/restrictions?status=requested').expect(200)).body.items.map((r: { id: number }) => r.id)).toContain(asked.body.id);
    await po.post(`/restrictions/${asked.body.id}/decision`).send({ decision: 'agree', reason: 'ok', version: asked.body.version }).expect(400);
    await po.post(`/restrictions/${asked.body.id}/decision`).send({ decision: 'agree', reason: 'We can honour it', version: 99 }).expect(409);
    const agreed = await po.post(`/restrictions/${asked.body.id}/decision`).send({ decision: 'agree', reason: 'We can honour it', version: asked.body.version }).expect(200);
    expect(agreed.body).toMatchObject({ status: 'agreed', decision: { reason: 'We can honour it' } });
    await po.post(`/restrictions/${asked.body.id}/decision`).send({ decision: 'refuse', reason: 'Changed my mind', version: agreed.body.version }).expect(409);
    const plan = await release({
      patientId: demoId, requesterType: 'insurer', recipientKind: 'health-plan', requesterName: 'Acme Health Plan', purpose: 'Claim review (payment)', legalBasis: 'payment',
      recordTypes: ['encounters'], format: 'electronic',
    });
    expect(encounterIdsOf(plan.records)).not.toContain(enc);

    // A second request is refused by the privacy officer (the covered entity need not agree, 164.522(a)(1)(ii)).
    const other = await patientApi.post(`/patients/${demoId}/restrictions`).send({ purposes: ['treatment'], recipient: 'any', description: 'Do not share anything for treatment' }).expect(201);
    const refused = await po.post(`/restrictions/${other.body.id}/decision`).send({ decision: 'refuse', reason: 'Treatment needs the full record', version: other.body.version }).expect(200);
    expect(refused.body.status).toBe('refused');
    // Only the privacy officer decides.
    await patientApi.post(`/restrictions/${other.body.id}/decision`).send({ decision: 'agree', reason: 'I agree myself', version: refused.body.version }).expect(403);
  });

  it('the required restriction cannot be refused, nor terminated by the covered entity; the individual may end it (164.522(a)(2))', async () => {
    const poa = await as('poa.brooks');
    // A new self-pay visit: its restriction is agreed at filing.
    await t.db.execute('UPDATE encounters SET self_pay = TRUE WHERE id = $1', [otherEncounter]);
    const filed = await poa.post(`/patients/${patient}/restrictions`)
      .send({ purposes: ['payment'], recipient: 'health-plan', encounterId: otherEncounter, description: 'Paid at the desk, keep it from the plan' }).expect(201);
    expect(filed.body).toMatchObject({ status: 'agreed', required: true, actingFor: { relationship: 'healthcare-poa' } });
    const po = await as('privacy.smith');
    const refuse = await po.post(`/restrictions/${filed.body.id}/decision`).send({ decision: 'refuse', reason: 'We prefer not to', version: filed.body.version }).expect(409);
    expect(refuse.body.message).toMatch(/agreed|requested/);
    const entity = await po.post(`/restrictions/${filed.body.id}/termination`).send({ reason: 'We informed the patient', version: filed.body.version }).expect(409);
    expect(entity.body.message).toMatch(/164\.522\(a\)\(2\)\(iii\)/);
    // Another patient's representative, or a nurse, cannot end it.
    await (await as('parent.alvarez')).post(`/restrictions/${filed.body.id}/termination`).send({ reason: 'Not mine', version: filed.body.version }).expect(403);
    const ended = await poa.post(`/restrictions/${filed.body.id}/termination`).send({ reason: 'The patient asked in writing', version: filed.body.version }).expect(200);
    expect(ended.body).toMatchObject({ status: 'terminated', termination: { byIndividual: true, effect: expect.stringMatching(/164\.522\(a\)\(2\)\(i\)/) } });
    const row = (await t.db.one<{ actor_username: string; patient_id: number }>(`SELECT actor_username, patient_id FROM audit_events WHERE resource_type = 'restriction' AND action = 'update' ORDER BY seq DESC LIMIT 1`))!;
    expect(row).toEqual({ actor_username: 'poa.brooks', patient_id: patient });
  });

  it('a clinician marks a visit paid out of pocket in full (PATCH selfPay); the patient\'s health-plan restriction of it is then required', async () => {
    const chen = await as('dr.chen');
    const enc = (await (await as('patient.demo')).get('/me/record').expect(200)).body.encounters[1];
    const bad = await chen.patch(`/encounters/${enc.id}`).send({ selfPay: 'yes', version: enc.version }).expect(400);
    expect(bad.body.details[0].field).toBe('selfPay');
    expect((await chen.patch(`/encounters/${enc.id}`).send({ minorConsent: 'because', version: enc.version }).expect(400)).body.details[0].field).toBe('minorConsent');
    const marked = await chen.patch(`/encounters/${enc.id}`).send({ selfPay: true, minorConsent: 'court-directed', version: enc.version }).expect(200);
    expect(marked.body).toMatchObject({ selfPay: true, minorConsent: 'court-directed' });
    const cleared = await chen.patch(`/encounters/${enc.id}`).send({ minorConsent: 'none', version: marked.body.version }).expect(200);
    expect(cleared.body).toMatchObject({ selfPay: true, minorConsent: null });
    const filed = await (await as('patient.demo')).post(`/patients/${demoId}/restrictions`)
      .send({ purposes: ['payment', 'operations'], recipient: 'health-plan', encounterId: enc.id, description: 'I paid this visit myself' }).expect(201);
    expect(filed.body).toMatchObject({ status: 'agreed', required: true, rule: '45 CFR 164.522(a)(1)(vi)', actingFor: null });
  });

  it('an agreed discretionary restriction terminated by the covered entity still covers what was created before (164.522(a)(2)(iii))', async () => {
    const patientApi = await as('patient.demo');
    const asked = await patientApi.post(`/patients/${demoId}/restrictions`).send({ purposes: ['payment'], recipient: 'health-plan', description: 'No records to my plan' }).expect(201);
    const po = await as('privacy.smith');
    const agreed = await po.post(`/restrictions/${asked.body.id}/decision`).send({ decision: 'agree', reason: 'Agreed for now', version: asked.body.version }).expect(200);
    const ended = await po.post(`/restrictions/${asked.body.id}/termination`).send({ reason: 'Letter sent to the patient', version: agreed.body.version }).expect(200);
    expect(ended.body.termination).toMatchObject({ byIndividual: false, effect: expect.stringMatching(/created or received after/) });
    const plan = await release({
      patientId: demoId, requesterType: 'insurer', recipientKind: 'health-plan', requesterName: 'Acme Health Plan', purpose: 'Claim review (payment)', legalBasis: 'payment',
      recordTypes: ['encounters'], format: 'electronic',
    });
    // Every seeded encounter predates the termination: all still withheld from the plan.
    expect(encounterIdsOf(plan.records)).toEqual([]);
  });
});
