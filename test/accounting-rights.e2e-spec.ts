import { DAY_MS } from '../src/common/clock';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * The accounting of disclosures as the individual's right (45 CFR 164.528), end to end: the advance notice of the fee
 * of a second accounting in 12 months and the choice to accept, withdraw or narrow before anything is charged
 * ((c)(2)); disclosures made outside the ROI workflow entered so the accounting lists them ((b)); the temporary
 * suspension at a health oversight agency's or law enforcement official's statement ((a)(2)).
 */
describe('accounting of disclosures: fee notice, disclosures entered by staff, suspension', () => {
  let t: TestApp;
  let demoId: number;
  const as = (username: string) => t.as(username);
  const today = () => t.clock.nowIso().slice(0, 10);
  const day = (offset: number) => new Date(t.clock.now().getTime() + offset * DAY_MS).toISOString().slice(0, 10);
  const manual = (extra: Record<string, unknown> = {}) => ({
    recipientName: 'State Department of Health', recipientAddress: '1 Capitol Way, Springfield', disclosedOn: day(-20),
    purpose: 'Mandatory report of a notifiable disease', legalBasis: 'public-health', description: 'Laboratory result and diagnosis of the reportable condition', ...extra,
  });
  const count = async (table: string) => Number((await t.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n);
  const staffList = async () => (await (await as('roi.garcia')).get(`/patients/${demoId}/disclosures?pageSize=200`).expect(200)).body.items as { recipient: { name: string }; source: string }[];
  const ownList = async () => (await (await as('patient.demo')).get('/me/disclosures').expect(200)).body.items as { recipient: { name: string } }[];
  const decide = async (id: number, username: string, body: Record<string, unknown>, status = 200) => {
    const current = (await (await as(username)).get(`/accounting-requests/${id}`).expect(200)).body;
    return (await as(username)).post(`/accounting-requests/${id}/fee-decision`).send({ version: current.version, ...body }).expect(status);
  };

  beforeAll(async () => {
    t = await createTestApp({ patients: 12 });
    demoId = Number((await t.db.one<{ id: number }>(`SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.username = 'patient.demo'`))!.id);
  });
  afterAll(() => t.close());

  it('staff enter a disclosure made outside the ROI workflow; the accounting lists it (164.528(b))', async () => {
    const before = await count('disclosures');
    const roi = await as('roi.garcia');
    const bad = await roi.post(`/patients/${demoId}/disclosures`).send({ ...manual(), recipientName: '', purpose: undefined, disclosedOn: '2026-13-01' }).expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['disclosedOn', 'purpose', 'recipientName']);
    const exempt = await roi.post(`/patients/${demoId}/disclosures`).send(manual({ legalBasis: 'treatment' })).expect(400);
    expect(exempt.body.details).toEqual([{ field: 'legalBasis', problems: [expect.stringMatching(/exempt.*164\.528\(a\)\(1\)/)] }]);
    await roi.post(`/patients/${demoId}/disclosures`).send(manual({ disclosedOn: day(3) })).expect(400);
    await roi.post(`/patients/${demoId}/disclosures`).send(manual({ legalBasis: 'friendship' })).expect(400);
    await roi.post('/patients/999999/disclosures').send(manual()).expect(404);
    await (await as('coder.kim')).post(`/patients/${demoId}/disclosures`).send(manual()).expect(403);
    await (await as('patient.demo')).post(`/patients/${demoId}/disclosures`).send(manual()).expect(403);
    expect(await count('disclosures')).toBe(before);

    const created = await roi.post(`/patients/${demoId}/disclosures`).send(manual()).expect(201);
    expect(created.body).toMatchObject({ source: 'manual', legalBasis: 'public-health', recipient: { name: 'State Department of Health' }, roiRequestId: null });
    await (await as('privacy.smith')).post(`/patients/${demoId}/disclosures`)
      .send(manual({ recipientName: 'State Board of Pharmacy', legalBasis: 'health-oversight', purpose: 'Licensing audit' })).expect(201);
    expect(await count('disclosures')).toBe(before + 2);
    const audit = await t.db.one<{ actor_username: string; patient_id: number }>(
      `SELECT actor_username, patient_id FROM audit_events WHERE action = 'create' AND resource_type = 'disclosure' AND resource_id = $1`, [String(created.body.id)],
    );
    expect(audit).toMatchObject({ actor_username: 'roi.garcia', patient_id: demoId });
    expect((await staffList()).find((i) => i.recipient.name === 'State Department of Health')).toMatchObject({ source: 'manual' });
    expect((await ownList()).map((i) => i.recipient.name)).toEqual(expect.arrayContaining(['State Department of Health', 'State Board of Pharmacy']));
  });

  it('a suspension leaves the agency\'s disclosures out of every accounting for the time stated, then they return (164.528(a)(2))', async () => {
    const roi = await as('roi.garcia');
    await roi.post(`/patients/${demoId}/disclosures`).send(manual({
      recipientName: 'Office of Inspector General', legalBasis: 'health-oversight', purpose: 'Billing fraud investigation', disclosedOn: day(-3),
    })).expect(201);
    expect((await ownList()).map((i) => i.recipient.name)).toContain('Office of Inspector General');

    const statement = {
      agencyName: 'Office of Inspector General', agencyType: 'health-oversight', officialName: 'Special Agent R. Diaz', form: 'written',
      statement: 'An accounting would be reasonably likely to impede our investigation.', statedOn: today(),
    };
    const before = await count('accounting_suspensions');
    const noEnd = await roi.post(`/patients/${demoId}/accounting-suspensions`).send(statement).expect(400);
    expect(noEnd.body.details[0].field).toBe('endsOn');
    const oralLong = await roi.post(`/patients/${demoId}/accounting-suspensions`).send({ ...statement, form: 'oral', endsOn: day(45) }).expect(400);
    expect(oralLong.body.details[0].problems[0]).toMatch(/30 days.*164\.528\(a\)\(2\)\(ii\)/);
    await roi.post(`/patients/${demoId}/accounting-suspensions`).send({ ...statement, agencyType: 'insurer', endsOn: day(60) }).expect(400);
    await (await as('coder.kim')).post(`/patients/${demoId}/accounting-suspensions`).send({ ...statement, endsOn: day(60) }).expect(403);
    expect(await count('accounting_suspensions')).toBe(before);

    const written = await roi.post(`/patients/${demoId}/accounting-suspensions`).send({ ...statement, endsOn: day(60) }).expect(201);
    expect(written.body).toMatchObject({ inForce: true, form: 'written', citation: '45 CFR 164.528(a)(2)(i)' });
    const oral = await (await as('privacy.smith')).post(`/patients/${demoId}/accounting-suspensions`)
      .send({ ...statement, agencyName: 'County Sheriff', agencyType: 'law-enforcement', form: 'oral', officialName: 'Sgt. Lee' }).expect(201);
    expect(new Date(oral.body.endsAt).getTime() - new Date(oral.body.startsAt).getTime()).toBe(31 * DAY_MS);

    const listed = (await ownList()).map((i) => i.recipient.name);
    expect(listed).not.toContain('Office of Inspector General');
    expect(listed).toContain('State Department of Health');
    expect((await staffList()).map((i) => i.recipient.name)).not.toContain('Office of Inspector General');
    // An accounting provided while the suspension is in force leaves them out too.
    const filed = await (await as('patient.demo')).post('/me/accounting-requests').expect(201);
    const answered = await (await as('roi.nguyen')).post(`/accounting-requests/${filed.body.id}/transitions`).send({ action: 'fulfil', version: filed.body.version }).expect(200);
    const names = answered.body.accounting.items.map((i: { recipient: { name: string } }) => i.recipient.name);
    expect(names).not.toContain('Office of Inspector General');
    expect(names).toContain('State Department of Health');
    expect(JSON.stringify(answered.body.accounting)).not.toMatch(/suspen/i);
    const suspensions = await roi.get(`/patients/${demoId}/accounting-suspensions`).expect(200);
    expect(suspensions.body.items.map((s: { agencyName: string }) => s.agencyName)).toEqual(expect.arrayContaining(['Office of Inspector General', 'County Sheriff']));

    t.clock.advance(62 * DAY_MS);
    try {
      expect((await ownList()).map((i) => i.recipient.name)).toContain('Office of Inspector General');
    } finally {
      t.clock.advance(-62 * DAY_MS);
    }
  });

  it('a second accounting in 12 months: advance notice of the fee, nothing charged until the patient accepts; withdraw or narrow instead (164.528(c)(2))', async () => {
    const patient = await as('patient.demo');
    // The suite's earlier test filed the first (free) accounting of these 12 months.
    const second = await patient.post('/me/accounting-requests').expect(201);
    expect(second.body).toMatchObject({ status: 'fee-notice', feeCents: 0, feeNotice: { quotedCents: 1500, choices: ['accept', 'withdraw', 'narrow'], decision: null } });
    expect(second.body.feeNotice.text).toMatch(/Nothing is charged unless you accept.*164\.528\(c\)\(2\)/);
    const roi = await as('roi.nguyen');
    const early = await roi.post(`/accounting-requests/${second.body.id}/transitions`).send({ action: 'fulfil', version: second.body.version }).expect(409);
    expect(early.body.message).toMatch(/fee notice/);
    await decide(second.body.id, 'patient.demo', { decision: 'accept', periodFrom: day(-100) }, 400);
    await (await as('coder.kim')).post(`/accounting-requests/${second.body.id}/fee-decision`).send({ decision: 'accept', version: 1 }).expect(403);
    const accepted = await decide(second.body.id, 'patient.demo', { decision: 'accept' });
    expect(accepted.body).toMatchObject({ status: 'received', feeCents: 1500, feeNotice: { decision: 'accept', choices: [] } });
    await decide(second.body.id, 'patient.demo', { decision: 'withdraw' }, 409);

    const third = await patient.post('/me/accounting-requests').expect(201);
    const outside = await decide(third.body.id, 'patient.demo', { decision: 'narrow', periodFrom: '2001-01-01' }, 400);
    expect(outside.body.details[0].field).toBe('periodFrom');
    await decide(third.body.id, 'patient.demo', { decision: 'narrow' }, 400);
    const narrowed = await decide(third.body.id, 'patient.demo', { decision: 'narrow', periodFrom: day(-10) });
    expect(narrowed.body.status).toBe('fee-notice');
    expect(narrowed.body.period.from).toBe(`${day(-10)}T00:00:00.000Z`);
    expect(narrowed.body.feeNotice.quotedCents).toBeGreaterThan(0);
    expect(narrowed.body.feeNotice.quotedCents).toBeLessThan(1500);
    expect(narrowed.body.feeCents).toBe(0);
    const paid = await decide(third.body.id, 'roi.garcia', { decision: 'accept' }); // staff record the patient's answer given by phone
    expect(paid.body.feeCents).toBe(narrowed.body.feeNotice.quotedCents);
    const answered = await roi.post(`/accounting-requests/${third.body.id}/transitions`).send({ action: 'fulfil', version: paid.body.version }).expect(200);
    const names = answered.body.accounting.items.map((i: { recipient: { name: string } }) => i.recipient.name);
    expect(names).not.toContain('State Department of Health'); // disclosed 20 days ago: outside the narrowed period
    expect(answered.body.accounting.from).toBe(`${day(-10)}T00:00:00.000Z`);

    const fourth = await patient.post('/me/accounting-requests').expect(201);
    const withdrawn = await decide(fourth.body.id, 'patient.demo', { decision: 'withdraw' });
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', feeCents: 0, feeNotice: { decision: 'withdraw' } });
    await roi.post(`/accounting-requests/${fourth.body.id}/transitions`).send({ action: 'fulfil', version: withdrawn.body.version }).expect(409);
  });
});
