import type request from 'supertest';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Personal representatives (45 CFR 164.502(g)): a minor's parent (with the (g)(3)(i) exceptions), an adult's health
 * care power of attorney, a deceased patient's executor ((g)(4)), and the covered entity's decline ((g)(5)). The seed
 * plants one of each (seed/representatives.ts); the attacks: another patient's id, a parent reading the minor's own
 * care, an executor before the date of death, a link that does not cover the right used.
 */
describe('personal representatives (164.502(g))', () => {
  let t: TestApp;
  const as = (u: string) => t.as(u);
  let minor: number;
  let adult: number;
  let deceased: number;
  let minorCare: number;
  let minorCareDiagnosis: number;
  let userIds: Record<string, number>;

  const linked = async (username: string) =>
    Number((await t.db.one<{ patient_id: number }>(
      'SELECT r.patient_id FROM personal_representatives r JOIN users u ON u.id = r.user_id WHERE u.username = $1 ORDER BY r.id LIMIT 1', [username],
    ))!.patient_id);
  const lastAudit = (where: string, params: unknown[] = []) =>
    t.db.one<{ actor_user_id: number; actor_username: string; patient_id: number | null; outcome: string; reason: string | null; details: string | null }>(
      `SELECT actor_user_id, actor_username, patient_id, outcome, reason, details FROM audit_events WHERE ${where} ORDER BY seq DESC LIMIT 1`, params as never[],
    );

  beforeAll(async () => {
    t = await createTestApp({ patients: 40, env: { JWT_TTL: String(24 * 3600) } });
    minor = await linked('parent.alvarez');
    adult = await linked('poa.brooks');
    deceased = await linked('executor.hale');
    minorCare = Number((await t.db.one<{ id: number }>('SELECT id FROM encounters WHERE patient_id = $1 AND minor_consent IS NOT NULL', [minor]))!.id);
    minorCareDiagnosis = Number((await t.db.one<{ id: number }>(`SELECT id FROM diagnoses WHERE encounter_id = $1 AND code = 'Z30.09'`, [minorCare]))!.id);
    const users = await t.db.query<{ id: number; username: string }>('SELECT id, username FROM users');
    userIds = Object.fromEntries(users.map((u) => [u.username, Number(u.id)]));
  });
  afterAll(() => t.close());

  it('the seed plants a parent of a minor, a health care POA of an adult and an executor of a deceased patient', async () => {
    const rows = await t.db.query<{ birth_date: string; deceased_at: string | null; id: number }>(
      'SELECT id, birth_date, deceased_at FROM patients WHERE id IN ($1, $2, $3) ORDER BY id', [minor, adult, deceased],
    );
    const by = new Map(rows.map((r) => [Number(r.id), r]));
    expect(by.get(minor)!.birth_date > '2008-12-31').toBe(true);
    expect(by.get(adult)!.birth_date < '1990-01-01').toBe(true);
    expect(by.get(deceased)!.deceased_at).not.toBeNull();
    const parent = await as('parent.alvarez');
    const list = (await parent.get('/me/represented').expect(200)).body.items;
    expect(list).toEqual([expect.objectContaining({
      patientId: minor, relationship: 'parent', citation: '45 CFR 164.502(g)(3)', inForce: true, problem: null, patientName: expect.any(String),
    })]);
    // A patient represents nobody.
    expect((await (await as('patient.demo')).get('/me/represented').expect(200)).body.items).toEqual([]);
  });

  it('a parent reads the minor\'s record as the individual, says on whose behalf, and never sees the care the minor consented to', async () => {
    const parent = await as('parent.alvarez');
    for (const path of [`/me/represented/${minor}/record`, `/patients/${minor}/record`]) {
      const res = await parent.get(path).expect(200);
      expect(res.body.actingFor).toEqual(expect.objectContaining({ patientId: minor, relationship: 'parent', authority: expect.stringMatching(/parent/), citation: '45 CFR 164.502(g)(3)' }));
      expect(res.body.view).toBe('represented-record');
      expect(res.body.encounters.length).toBeGreaterThan(0);
      expect(res.body.encounters.map((e: { id: number }) => e.id)).not.toContain(minorCare);
      expect(res.body.diagnoses.map((d: { id: number }) => d.id)).not.toContain(minorCareDiagnosis);
      expect(JSON.stringify(res.body)).not.toMatch(/Z30\.09|contraception/);
      expect(res.body.withheld).toContainEqual(expect.objectContaining({ section: 'encounters', code: 'minor-consented-care', reason: expect.stringMatching(/164\.502\(g\)\(3\)\(i\)\(A\)/) }));
    }
    // The encounter itself and its items: refused, as any withheld item.
    const one = await parent.get(`/encounters/${minorCare}`).expect(403);
    expect(one.body.message).toMatch(/164\.502\(g\)\(3\)\(i\)\(A\)/);
    await parent.get(`/encounters/${minorCare}/diagnoses`).expect(403);
    // The audit row: the representative is the user, the minor the subject.
    const row = (await lastAudit(`action = 'read' AND resource_type = 'record' AND actor_username = 'parent.alvarez'`))!;
    expect(row).toMatchObject({ actor_user_id: userIds['parent.alvarez'], patient_id: minor, outcome: 'success' });
    expect(JSON.parse(row.details!).actingFor).toMatchObject({ relationship: 'parent' });
    // The minor's clinician sees the visit: the exception binds the parent only.
    const him = await as('him.jones');
    const full = await him.get(`/patients/${minor}/record`).expect(200);
    expect(full.body.encounters.map((e: { id: number }) => e.id)).toContain(minorCare);
    expect(full.body.encounters.find((e: { id: number }) => e.id === minorCare).minorConsent).toBe('minor-consented');
  });

  it('attack: a representative asking for another patient\'s id is refused (403, audited), an unknown id the same, and explain says why', async () => {
    const parent = await as('parent.alvarez');
    for (const path of [`/me/represented/${adult}/record`, `/patients/${adult}/record`, `/patients/1/record`, `/me/represented/${adult}/access-log`,
      `/me/represented/${adult}/disclosures`, `/me/represented/${adult}/roi-requests`, `/me/represented/${adult}/accounting-requests`, `/patients/${adult}/encounters`]) {
      const res = await parent.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.body.message).toMatch(/not a personal representative of this patient/);
    }
    const denied = (await lastAudit(`action = 'access-denied' AND actor_username = 'parent.alvarez'`))!;
    expect(denied).toMatchObject({ patient_id: adult, outcome: 'denied' });
    // An unknown id is refused exactly as another patient's: probing ids tells nothing (the trail knows the difference).
    const unknown = await parent.get('/me/represented/999999/record').expect(403);
    expect(unknown.body.message).toMatch(/not a personal representative of this patient/);
    expect(await lastAudit(`action = 'access-denied' AND actor_username = 'parent.alvarez'`)).toMatchObject({ patient_id: null, outcome: 'error' });
    await parent.post(`/patients/${adult}/amendments`).send({ itemType: 'diagnoses', itemId: 1, requestedChange: 'Wrong code', justification: 'It is wrong' }).expect(403);
    await parent.post('/roi/requests').send({ patientId: adult, requesterType: 'self', purpose: 'copy', recordTypes: ['diagnoses'], format: 'electronic' }).expect(403);
    // No search, no staff routes.
    await parent.get('/patients?search=a').expect(403);
    await parent.get('/roi/requests').expect(403);
    const yes = await parent.get(`/access/explain?permission=self:record&patientId=${minor}`).expect(200);
    expect(yes.body.decision).toBe('allow');
    expect(yes.body.reasons.join(' ')).toMatch(/personal representative of patient .*164\.502\(g\)\(3\)/);
    const no = await parent.get(`/access/explain?permission=self:record&patientId=${adult}`).expect(200);
    expect(no.body).toMatchObject({ decision: 'deny' });
  });

  it('a parent requests an amendment, an accounting and a copy for the minor; the copy leaves out the minor\'s own care', async () => {
    const parent = await as('parent.alvarez');
    const record = (await parent.get(`/me/represented/${minor}/record`).expect(200)).body;
    const item = record.diagnoses[0];
    const amendment = await parent.post(`/patients/${minor}/amendments`)
      .send({ itemType: 'diagnoses', itemId: item.id, requestedChange: 'The code should be different', justification: 'Seen by another doctor' }).expect(201);
    expect(amendment.body.actingFor).toMatchObject({ patientId: minor, relationship: 'parent' });
    await parent.get(`/amendments/${amendment.body.id}`).expect(200);
    // The minor's own item: the same 400 as an item that does not exist (nothing to probe).
    const hidden = await parent.post(`/patients/${minor}/amendments`)
      .send({ itemType: 'diagnoses', itemId: minorCareDiagnosis, requestedChange: 'Remove it', justification: 'Not mine to see' }).expect(400);
    expect(hidden.body.details[0].field).toBe('itemId');

    const accounting = await parent.post(`/me/represented/${minor}/accounting-requests`).expect(201);
    expect(accounting.body).toMatchObject({ patientId: minor, actingFor: { relationship: 'parent' } });
    expect((await parent.get(`/me/represented/${minor}/accounting-requests`).expect(200)).body.items.map((i: { id: number }) => i.id)).toContain(accounting.body.id);
    await parent.get(`/accounting-requests/${accounting.body.id}`).expect(200);
    expect((await parent.get(`/me/represented/${minor}/disclosures`).expect(200)).body.actingFor).toMatchObject({ patientId: minor });

    const roi = await parent.post('/roi/requests')
      .send({ patientId: minor, requesterType: 'self', purpose: 'Copy for the family', recordTypes: ['encounters', 'diagnoses'], format: 'electronic' }).expect(201);
    expect(roi.body).toMatchObject({ legalBasis: 'individual', actingFor: { patientId: minor, relationship: 'parent' } });
    expect((await parent.get(`/me/represented/${minor}/roi-requests`).expect(200)).body.items.map((r: { id: number }) => r.id)).toContain(roi.body.id);
    const staff = await as('roi.nguyen');
    let version = roi.body.version as number;
    let last: request.Response | undefined;
    for (const action of ['verify-identity', 'confirm-right-of-access', 'begin-review', 'approve', 'fulfil']) {
      last = await staff.post(`/roi/requests/${roi.body.id}/transitions`).send({ action, version }).expect(200);
      version = last.body.version;
    }
    const pkg = await parent.get(`/roi/requests/${roi.body.id}/package`).buffer(true).parse((res, cb) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString('utf8')));
      res.on('end', () => cb(null, data));
    }).expect(200);
    const body = pkg.body as string;
    const shown = record.encounters.map((e: { id: number }) => e.id) as number[];
    expect(shown.some((id) => body.includes(`"id":${id},`))).toBe(true);
    expect(body).not.toMatch(/Z30\.09|contraception/);
    expect(body).not.toContain(`"id":${minorCare},`);
  });

  it('a health care power of attorney acts for the adult; a link that does not cover a right, or has ended, is refused', async () => {
    const poa = await as('poa.brooks');
    const res = await poa.get(`/me/represented/${adult}/record`).expect(200);
    expect(res.body.actingFor).toMatchObject({ patientId: adult, relationship: 'healthcare-poa', citation: '45 CFR 164.502(g)(2)' });
    // HIM links poa.brooks to a second patient for access only, and to a third with a validity that has ended.
    const him = await as('him.jones');
    const others = await t.db.query<{ id: number }>(`SELECT id FROM patients WHERE id NOT IN ($1, $2, $3) AND id > 12 AND birth_date < '2000-01-01' AND deceased_at IS NULL ORDER BY id LIMIT 2`, [minor, adult, deceased]);
    const [accessOnly, ended] = others.map((o) => Number(o.id));
    const linkedAccess = await him.post(`/patients/${accessOnly}/representatives`)
      .send({ username: 'poa.brooks', relationship: 'healthcare-poa', rights: ['access'], documentType: 'limited power of attorney', documentReference: 'scan 7', validFrom: '2026-01-01' }).expect(201);
    expect(linkedAccess.body).toMatchObject({ inForce: true, rights: ['access'], authority: 'health care power of attorney' });
    await poa.get(`/me/represented/${accessOnly}/record`).expect(200);
    const noAmend = await poa.post(`/patients/${accessOnly}/amendments`).send({ itemType: 'diagnoses', itemId: 1, requestedChange: 'x change', justification: 'y reason' }).expect(403);
    expect(noAmend.body.message).toMatch(/does not cover the right of amendment/);
    await poa.get(`/me/represented/${accessOnly}/disclosures`).expect(403);
    await him.post(`/patients/${ended}/representatives`)
      .send({ username: 'poa.brooks', relationship: 'legal-guardian', documentType: 'guardianship order', documentReference: 'scan 8', validFrom: '2025-01-01', validTo: '2025-06-30' }).expect(201);
    const gone = await poa.get(`/me/represented/${ended}/record`).expect(403);
    expect(gone.body.message).toMatch(/ended on 2025-06-30/);
    // A POA of an adult cannot act for a minor; a parent link for an adult is refused too.
    await him.post(`/patients/${minor}/representatives`)
      .send({ username: 'poa.brooks', relationship: 'healthcare-poa', documentType: 'poa', documentReference: 'scan 9', validFrom: '2026-01-01' }).expect(201);
    expect((await poa.get(`/me/represented/${minor}/record`).expect(403)).body.message).toMatch(/represents an adult/);
    // Bad input: 400 naming the field, nothing written.
    const before = (await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM personal_representatives'))!.n;
    const notRep = await him.post(`/patients/${accessOnly}/representatives`)
      .send({ username: 'dr.chen', relationship: 'parent', documentType: 'birth certificate', documentReference: 'x', validFrom: '2026-01-01' }).expect(400);
    expect(notRep.body.details[0].field).toBe('username');
    expect((await him.post(`/patients/${accessOnly}/representatives`)
      .send({ username: 'poa.brooks', relationship: 'cousin', documentType: 'letter', documentReference: 'x', validFrom: '2026-01-01' }).expect(400)).body.details[0].field).toBe('relationship');
    expect((await him.post(`/patients/${accessOnly}/representatives`)
      .send({ username: 'poa.brooks', relationship: 'parent', documentType: 'letter', documentReference: 'x', validFrom: '2026-02-01', validTo: '2026-01-01' }).expect(400)).body.details[0].field).toBe('validTo');
    expect((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM personal_representatives'))!.n).toBe(before);
    // Only HIM and the privacy officer manage links.
    await (await as('nurse.patel')).post(`/patients/${accessOnly}/representatives`)
      .send({ username: 'poa.brooks', relationship: 'parent', documentType: 'letter', documentReference: 'x', validFrom: '2026-01-01' }).expect(403);
  });

  it('attack: an executor acts only from the date of death (164.502(g)(4)); after it, a parent or POA no longer does', async () => {
    const executor = await as('executor.hale');
    const ok = await executor.get(`/me/represented/${deceased}/record`).expect(200);
    expect(ok.body.actingFor).toMatchObject({ relationship: 'executor', citation: '45 CFR 164.502(g)(4)' });
    const died = (await t.db.one<{ deceased_at: string }>('SELECT deceased_at FROM patients WHERE id = $1', [deceased]))!.deceased_at;
    // Asked before the date of death (the recorded date moved after now): refused, with the rule.
    const later = new Date(t.clock.now().getTime() + 2 * 86_400_000).toISOString();
    await t.db.execute('UPDATE patients SET deceased_at = $1 WHERE id = $2', [later, deceased]);
    try {
      const early = await executor.get(`/me/represented/${deceased}/record`).expect(403);
      expect(early.body.message).toMatch(/from the date of death \(45 CFR 164\.502\(g\)\(4\)\)/);
      await executor.post(`/me/represented/${deceased}/accounting-requests`).expect(403);
    } finally {
      await t.db.execute('UPDATE patients SET deceased_at = $1 WHERE id = $2', [died, deceased]);
    }
    // An executor named for a living patient is refused whatever the document says.
    const him = await as('him.jones');
    await him.post(`/patients/${adult}/representatives`)
      .send({ username: 'executor.hale', relationship: 'executor', documentType: 'will', documentReference: 'scan 10', validFrom: '2026-01-01' }).expect(201);
    expect((await executor.get(`/patients/${adult}/record`).expect(403)).body.message).toMatch(/164\.502\(g\)\(4\)/);
    const accounting = await executor.post(`/me/represented/${deceased}/accounting-requests`).expect(201);
    expect(accounting.body.actingFor).toMatchObject({ relationship: 'executor' });
    // Instructor guide, ROI case 9: the executor asks for a copy of the decedent's record, as the individual.
    const copy = await executor.post('/roi/requests')
      .send({ patientId: deceased, requesterType: 'self', purpose: 'Settling the estate', recordTypes: ['encounters', 'diagnoses'], format: 'electronic' }).expect(201);
    expect(copy.body).toMatchObject({ patientId: deceased, requesterType: 'self', actingFor: { relationship: 'executor', citation: '45 CFR 164.502(g)(4)' } });
    // After the death, a health care power of attorney no longer represents the individual.
    await him.post(`/patients/${deceased}/representatives`)
      .send({ username: 'poa.brooks', relationship: 'healthcare-poa', documentType: 'poa', documentReference: 'scan 11', validFrom: '2020-01-01' }).expect(201);
    expect((await (await as('poa.brooks')).get(`/patients/${deceased}/record`).expect(403)).body.message).toMatch(/has died.*164\.502\(g\)\(4\)/);
  });

  it('the covered entity declines a representative it believes endangers the patient (164.502(g)(5)): refused from then on', async () => {
    const him = await as('him.jones');
    const list = (await him.get(`/patients/${deceased}/representatives`).expect(200)).body.items;
    const link = list.find((l: { username: string }) => l.username === 'executor.hale');
    await him.post(`/representatives/${link.id}/decline`).send({ reason: 'short', version: link.version }).expect(400);
    const declined = await him.post(`/representatives/${link.id}/decline`).send({ reason: 'Court filings document financial abuse of the patient', version: link.version }).expect(200);
    expect(declined.body).toMatchObject({ inForce: false, problem: expect.stringMatching(/164\.502\(g\)\(5\)/), declined: { by: userIds['him.jones'] } });
    await him.post(`/representatives/${link.id}/decline`).send({ reason: 'Court filings document financial abuse of the patient', version: declined.body.version }).expect(409);
    const refused = await (await as('executor.hale')).get(`/me/represented/${deceased}/record`).expect(403);
    expect(refused.body.message).toMatch(/declined to treat this person as the personal representative \(45 CFR 164\.502\(g\)\(5\)\)/);
    const row = (await lastAudit(`action = 'update' AND resource_type = 'personal-representative'`))!;
    expect(row).toMatchObject({ patient_id: deceased, actor_user_id: userIds['him.jones'] });
  });
});
