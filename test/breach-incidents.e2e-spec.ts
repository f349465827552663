import { DAY_MS } from '../src/common/clock';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Breach risk assessment (45 CFR 164.402-164.408), walked from the snooping scenario: the anomaly findings and the
 * break-the-glass grants of nurse.patel's night are judged inappropriate; privacy.smith opens incidents with the
 * audit rows as evidence, assesses the four factors, decides, and the notification deadlines are tracked.
 */
describe('breach incidents (45 CFR 164.402-164.408)', () => {
  let t: TestApp;
  let scenario: { planted: { seqs: number[]; from: string; to: string }; details: { patients: { sameSurname: number; vip: number; coworker: number }; grants: Record<string, number> } };
  let nurseId: number;
  let grantIncident: number;
  let findingIncident: number;
  const count = async () => Number((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM breach_incidents'))!.n);
  const assessment = {
    natureAndExtent: { identifiers: ['name', 'medical-record-number', 'diagnoses', 'medications'], reidentificationLikelihood: 'high', description: 'The whole chart: demographics, problems, medications, notes.' },
    unauthorizedPerson: { description: 'nurse.patel, a nurse of this hospital, not on the care team, a relative of the patient', workforceMember: true, obligatedToProtect: true },
    acquiredOrViewed: { finding: 'viewed', evidence: 'The audit rows show a read of the record view at 23:40.' },
    mitigation: { extent: 'partial', description: 'Access reviewed with the nurse; attestation that nothing was copied or shared.' },
    individualsAffected: 1,
  };

  beforeAll(async () => {
    t = await createTestApp({ patients: 12 });
    scenario = (await (await t.as('instructor')).post('/demo/scenarios/snooping').expect(200)).body;
    nurseId = Number((await t.db.one<{ id: number }>(`SELECT id FROM users WHERE username = 'nurse.patel'`))!.id);
  });
  afterAll(() => t.close());

  it('the snooping scenario ends in the walkthrough this suite performs: finding, judgement, incident, assessment, decision, deadlines', () => {
    const steps = (scenario.details as unknown as { walkthrough: { call: string }[] }).walkthrough.map((w) => w.call);
    expect(steps[0]).toMatch(/^GET \/audit\/anomalies/);
    expect(steps[1]).toMatch(/break-glass\/\d+\/review/);
    expect(steps.slice(2).join(' ')).toMatch(/POST \/privacy\/incidents .*assessment.*decision.*notifications/);
  });

  it('only the privacy officer opens incidents (403, audited); the instructor, HIM and the nurse cannot', async () => {
    const grantId = scenario.details.grants[String(scenario.details.patients.sameSurname)];
    for (const who of ['instructor', 'him.jones', 'nurse.patel', 'admin']) {
      await (await t.as(who)).post('/privacy/incidents').send({ source: 'break-glass-review', grantId, summary: 'Trying to open an incident.' }).expect(403);
      await (await t.as(who)).get('/privacy/incidents').expect(403);
    }
    const denied = await t.db.query<{ actor_username: string }>(`SELECT actor_username FROM audit_events WHERE action = 'access-denied' AND reason LIKE '%breach:manage%'`);
    expect(new Set(denied.map((r) => r.actor_username))).toEqual(new Set(['instructor', 'him.jones', 'nurse.patel', 'admin']));
    expect(await count()).toBe(0);
  });

  it('a break-the-glass grant must first be judged inappropriate (reviewed as a violation): 409', async () => {
    const grantId = scenario.details.grants[String(scenario.details.patients.sameSurname)];
    const po = await t.as('privacy.smith');
    const res = await po.post('/privacy/incidents').send({ source: 'break-glass-review', grantId, summary: 'Nurse opened a relative\'s chart at night.' }).expect(409);
    expect(res.body.message).toMatch(/review it as a violation first/);
    await po.post(`/access/break-glass/${grantId}/review`).send({ outcome: 'violation', note: 'Not her patient; no clinical reason; her relative.' }).expect(200);
    await po.post('/privacy/incidents').send({ source: 'break-glass-review', grantId: 999999, summary: 'No such grant at all here.' }).expect(404);
  });

  it('bad input and bad dates are 400 naming the field, and nothing is created', async () => {
    const grantId = scenario.details.grants[String(scenario.details.patients.sameSurname)];
    const po = await t.as('privacy.smith');
    const base = { source: 'break-glass-review', grantId, summary: 'Nurse opened a relative\'s chart at night.' };
    const field = async (body: object) => (await po.post('/privacy/incidents').send(body).expect(400)).body.details.map((d: { field: string }) => d.field);
    expect(await field({ ...base, discoveredAt: 'last tuesday' })).toEqual(['discoveredAt']);
    expect(await field({ ...base, discoveredAt: new Date(t.clock.now().getTime() + DAY_MS).toISOString() })).toEqual(['discoveredAt']);
    const early = await po.post('/privacy/incidents').send({ ...base, discoveredAt: new Date(Date.parse(scenario.planted.from) - DAY_MS).toISOString() }).expect(400);
    expect(early.body.details[0].problems[0]).toMatch(/before the first access/);
    expect(await field({ ...base, source: 'anomaly-finding' })).toEqual(expect.arrayContaining(['rule', 'patientId', 'subjectUserId', 'evidence', 'grantId']));
    expect(await field({ ...base, rule: 'after-hours' })).toEqual(['rule']);
    expect(await field({ ...base, summary: 'short' })).toEqual(['summary']);
    expect(await count()).toBe(0);
  });

  it('opens the incident from the reviewed grant, with the accesses under it as evidence; one per grant', async () => {
    const grantId = scenario.details.grants[String(scenario.details.patients.sameSurname)];
    const po = await t.as('privacy.smith');
    // The next morning's review queue, unless that is still ahead: then a minute ago (never before the last access).
    const plantedTo = Date.parse(scenario.planted.to);
    const discoveredAt = new Date(Math.min(plantedTo + 8 * 3_600_000, Math.max(plantedTo, t.clock.now().getTime() - 60_000))).toISOString();
    const res = await po.post('/privacy/incidents').send({ source: 'break-glass-review', grantId, summary: 'Nurse opened a relative\'s chart at night.', discoveredAt }).expect(201);
    grantIncident = res.body.id;
    expect(res.body).toMatchObject({
      patientId: scenario.details.patients.sameSurname, subjectUserId: nurseId, status: 'open', discoveredAt, source: { type: 'break-glass-review', grantId },
      assessment: null, decision: null, deadlines: null, version: 1,
    });
    expect(res.body.evidence.length).toBeGreaterThanOrEqual(2);
    for (const seq of res.body.evidence) expect(scenario.planted.seqs).toContain(seq);
    await po.post('/privacy/incidents').send({ source: 'break-glass-review', grantId, summary: 'The same grant a second time.' }).expect(409);
    const row = await t.db.one<{ actor_username: string; details: string; patient_id: number }>(
      `SELECT actor_username, details, patient_id FROM audit_events WHERE resource_type = 'breach-incident' AND action = 'create' ORDER BY seq DESC LIMIT 1`,
    );
    expect(row!.actor_username).toBe('privacy.smith');
    expect(JSON.parse(row!.details)).toMatchObject({ event: 'open', grantId });
  });

  it('opens an incident from an anomaly finding; its evidence must be the finding\'s own audit rows', async () => {
    const po = await t.as('privacy.smith');
    const report = await po.get(`/audit/anomalies?from=${scenario.planted.from}&to=${new Date(Date.parse(scenario.planted.to) + 60_000).toISOString()}`).expect(200);
    const finding = report.body.items.find((f: { rule: string }) => f.rule === 'vip-without-care-relation');
    expect(finding).toBeDefined();
    const body = { source: 'anomaly-finding', rule: finding.rule, patientId: finding.patientId, subjectUserId: finding.actor.id, evidence: finding.evidence, summary: 'VIP chart opened at night without a care relation.' };
    const wrong = await po.post('/privacy/incidents').send({ ...body, evidence: [...finding.evidence, scenario.planted.seqs[0]] }).expect(400);
    expect(wrong.body.details[0].field).toBe('evidence');
    await po.post('/privacy/incidents').send({ ...body, evidence: [2_000_000] }).expect(400);
    const res = await po.post('/privacy/incidents').send(body).expect(201);
    findingIncident = res.body.id;
    expect(res.body).toMatchObject({ source: { type: 'anomaly-finding', rule: 'vip-without-care-relation', grantId: null }, patientId: scenario.details.patients.vip, evidence: finding.evidence });
  });

  it('the four-factor assessment comes before the decision; an exception needs its rationale', async () => {
    const po = await t.as('privacy.smith');
    await po.post(`/privacy/incidents/${grantIncident}/decision`).send({ decision: 'breach', rationale: 'Deciding before assessing.', version: 1 }).expect(409);
    const noRationale = await po.put(`/privacy/incidents/${grantIncident}/assessment`).send({ ...assessment, exception: 'unintentional-workforce-good-faith', version: 1 }).expect(400);
    expect(noRationale.body.details[0].field).toBe('exceptionRationale');
    const nested = await po.put(`/privacy/incidents/${grantIncident}/assessment`).send({ ...assessment, acquiredOrViewed: { finding: 'maybe' }, version: 1 }).expect(400);
    expect(nested.body.details.map((d: { field: string }) => d.field).join(' ')).toMatch(/acquiredOrViewed/);
    const res = await po.put(`/privacy/incidents/${grantIncident}/assessment`).send({ ...assessment, version: 1 }).expect(200);
    expect(res.body).toMatchObject({ status: 'assessed', version: 2, exception: null, assessment: { acquiredOrViewed: { finding: 'viewed' }, citations: { natureAndExtent: '45 CFR 164.402(2)(i)' } } });
    await po.put(`/privacy/incidents/${grantIncident}/assessment`).send({ ...assessment, version: 1 }).expect(409);
  });

  it('decides it is a breach: the deadlines run from the discovery (60 days; fewer than 500: the HHS annual log)', async () => {
    const po = await t.as('privacy.smith');
    const res = await po.post(`/privacy/incidents/${grantIncident}/decision`)
      .send({ decision: 'breach', rationale: 'Curiosity about a relative; the full chart was viewed; no exception applies.', version: 2 }).expect(200);
    const discovery = res.body.discoveredAt as string;
    const day = (n: number) => new Date(Date.parse(`${discovery.slice(0, 10)}T00:00:00.000Z`) + n * DAY_MS).toISOString().slice(0, 10);
    expect(res.body).toMatchObject({
      status: 'breach', decision: { decision: 'breach', citation: '45 CFR 164.404(a)' },
      deadlines: {
        individual: { dueBy: day(60), citation: '45 CFR 164.404(b)', sentAt: null, late: false }, media: null,
        hhs: { route: 'annual-log', citation: '45 CFR 164.408(c)', dueBy: `${Number(discovery.slice(0, 4)) + 1}-03-01` },
      },
    });
    await po.post(`/privacy/incidents/${grantIncident}/decision`).send({ decision: 'not-a-breach', rationale: 'Changing my mind later.', version: 3 }).expect(409);
  });

  it('records the notifications: not before the discovery, not in the future (400); media only above 500 residents (409)', async () => {
    const po = await t.as('privacy.smith');
    const incident = (await po.get(`/privacy/incidents/${grantIncident}`).expect(200)).body;
    const before = new Date(Date.parse(incident.discoveredAt) - 3_600_000).toISOString();
    expect((await po.post(`/privacy/incidents/${grantIncident}/notifications`).send({ target: 'individual', channel: 'first-class mail', sentAt: before }).expect(400)).body.details[0].field).toBe('sentAt');
    await po.post(`/privacy/incidents/${grantIncident}/notifications`).send({ target: 'individual', channel: 'first-class mail', sentAt: new Date(t.clock.now().getTime() + DAY_MS).toISOString() }).expect(400);
    await po.post(`/privacy/incidents/${grantIncident}/notifications`).send({ target: 'media', channel: 'press release', sentAt: t.clock.nowIso() }).expect(409);
    const res = await po.post(`/privacy/incidents/${grantIncident}/notifications`).send({ target: 'individual', channel: 'first-class mail', sentAt: t.clock.nowIso() }).expect(201);
    expect(res.body.deadlines.individual).toMatchObject({ sentAt: expect.any(String), late: false });
    await po.post(`/privacy/incidents/${grantIncident}/notifications`).send({ target: 'individual', channel: 'again', sentAt: t.clock.nowIso() }).expect(409);
    // Not yet sent to HHS: after its due date the deadline shows late.
    t.clock.advance(500 * DAY_MS);
    const later = (await (await t.as('privacy.smith')).get(`/privacy/incidents/${grantIncident}`).expect(200)).body;
    expect(later.deadlines.hhs).toMatchObject({ sentAt: null, late: true });
    expect(later.deadlines.individual.late).toBe(false);
  });

  it('not a breach: an exception of 164.402(1) recorded and documented; a breach decision then refused', async () => {
    const po = await t.as('privacy.smith');
    const assessed = await po.put(`/privacy/incidents/${findingIncident}/assessment`)
      .send({ ...assessment, exception: 'unintentional-workforce-good-faith', exceptionRationale: 'For the class: suppose the nurse opened the wrong chart from a similar name and closed it at once.', version: 1 })
      .expect(200);
    expect(assessed.body.exception).toMatchObject({ code: 'unintentional-workforce-good-faith', citation: '45 CFR 164.402(1)(i)' });
    await po.post(`/privacy/incidents/${findingIncident}/decision`).send({ decision: 'breach', rationale: 'Breach despite the exception.', version: 2 }).expect(409);
    const res = await po.post(`/privacy/incidents/${findingIncident}/decision`).send({ decision: 'not-a-breach', rationale: 'The exception applies, documented above.', version: 2 }).expect(200);
    expect(res.body).toMatchObject({ status: 'not-a-breach', decision: { citation: '45 CFR 164.402(1)(i)' }, deadlines: null });
    await po.post(`/privacy/incidents/${findingIncident}/notifications`).send({ target: 'individual', channel: 'mail', sentAt: t.clock.nowIso() }).expect(409);
    const list = await po.get('/privacy/incidents?status=breach').expect(200);
    expect(list.body.items.map((i: { id: number }) => i.id)).toEqual([grantIncident]);
    await po.get('/privacy/incidents?status=maybe').expect(400);
  });
});
