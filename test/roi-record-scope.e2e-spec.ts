import { createTestApp, TestApp } from './helpers/test-app';

describe('proposal: GET /patients/:id/record for an ROI specialist applies the covering request scope', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp({ patients: 12 }); });
  afterAll(() => t.close());

  it('only the record types and dates of the request, audited with DISCLOSURE and the request id', async () => {
    // roi.garcia logs the request; roi.nguyen works it (the logging account never reads through it).
    const res = await (await t.as('roi.garcia')).post('/roi/requests').send({
      patientId: 5, requesterType: 'law_enforcement', requesterName: 'Sheriff', purpose: 'x', recordTypes: ['diagnoses'],
      dateFrom: '2026-01-01', dateTo: '2026-06-30', format: 'electronic',
      lawEnforcement: { path: 'legal-process' }, legalProcess: { type: 'court-ordered-warrant', issuedBy: 'County District Court', issuedOn: '2024-06-01', documents: [{ title: 'Search warrant', reference: 'SW-2024-1' }] },
    }).expect(201);
    const roi = await t.as('roi.nguyen');
    let version = 1;
    for (const action of ['verify-identity', 'validate-authorization', 'begin-review']) {
      version = (await roi.post(`/roi/requests/${res.body.id}/transitions`).send({ action, version }).expect(200)).body.version;
    }
    const record = (await roi.get('/patients/5/record').expect(200)).body;
    expect(record.encounters).toBeUndefined();
    expect(record.notes).toBeUndefined();
    expect(record.observations).toBeUndefined();
    const all = await t.db.query<{ recorded_at: string }>("SELECT recorded_at FROM diagnoses WHERE patient_id = 5 AND status <> 'entered-in-error' AND sensitivity = 'normal'");
    const inRange = all.filter((d) => d.recorded_at >= '2026-01-01' && d.recorded_at < '2026-07-01');
    expect(all.length).toBeGreaterThan(inRange.length);
    expect(record.diagnoses).toHaveLength(inRange.length);
    for (const d of record.diagnoses) expect(d.recordedAt >= '2026-01-01' && d.recordedAt < '2026-07-01').toBe(true);
    const audit = (await t.db.one<{ purpose_of_use: string; details: string }>("SELECT purpose_of_use, details FROM audit_events WHERE action = 'read' AND resource_type = 'record' ORDER BY seq DESC LIMIT 1"))!;
    expect(audit.purpose_of_use).toBe('DISCLOSURE');
    expect(JSON.parse(audit.details).roiRequestId).toBe(res.body.id);
    // The account that logged it is refused the chart and the transitions that release it (issue 11, finding 3).
    await (await t.as('roi.garcia')).get('/patients/5/record').expect(403);
    const own = await (await t.as('roi.garcia')).post(`/roi/requests/${res.body.id}/transitions`).send({ action: 'approve', version }).expect(403);
    expect(own.body.message).toMatch(/separation of duties/);
  });

  it('a "self" request logged by ROI staff does not open the chart to the account that logged it (separation of duties)', async () => {
    const garcia = await t.as('roi.garcia');
    const res = await garcia.post('/roi/requests').send({
      patientId: 6, requesterType: 'self', purpose: 'Own copy, by phone', recordTypes: ['diagnoses'], format: 'electronic',
    }).expect(201);
    const nguyen = await t.as('roi.nguyen');
    let version = res.body.version as number;
    for (const action of ['verify-identity', 'confirm-right-of-access']) {
      version = (await nguyen.post(`/roi/requests/${res.body.id}/transitions`).send({ action, version }).expect(200)).body.version;
    }
    const refused = await garcia.post(`/roi/requests/${res.body.id}/transitions`).send({ action: 'begin-review', version }).expect(403);
    expect(refused.body.message).toMatch(/separation of duties/);
    await nguyen.post(`/roi/requests/${res.body.id}/transitions`).send({ action: 'begin-review', version }).expect(200);
    await garcia.get('/patients/6/record').expect(403);
    await nguyen.get('/patients/6/record').expect(200);
  });
});
