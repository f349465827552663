import { createHash } from 'node:crypto';
import request from 'supertest';
import { DAY_MS } from '../src/common/clock';
import { toFhirBundle } from '../src/release-of-information/fhir-bundle';
import { createTestApp, rawSql, TestApp } from './helpers/test-app';

/**
 * Release of information, end to end: the patient's own request, an attorney under a valid authorization (and a
 * Part 2 consent), an insurer with an expired one, law enforcement (in the accounting) and a treatment disclosure
 * (not in it); scoped access for the ROI specialist, refused once the request is closed; the package in JSON and
 * FHIR with its stored SHA-256; the accounting of disclosures and the patient's accounting requests.
 */
describe('release of information: lifecycles', () => {
  let t: TestApp;
  let demoId: number;
  let alexId: number;
  const ids: Record<string, number> = {};

  /** Tokens expire by the app's clock, which this suite moves: log in again once the clock has moved. */
  const as = (username: string) => t.as(username);
  const day = (offset: number) => new Date(t.clock.now().getTime() + offset * DAY_MS).toISOString().slice(0, 10);
  const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
  const validAuthorization = (recipient: string, extra: Record<string, unknown> = {}) => ({
    description: 'Encounters, diagnoses and notes of the first half of 2026',
    discloser: 'HIT Teaching Hospital',
    recipient,
    purpose: 'Personal injury claim',
    expiresOn: day(365),
    signedBy: 'Alex Rivera',
    signedOn: day(-5),
    statements: { rightToRevoke: true, conditioning: true, redisclosure: true },
    ...extra,
  });

  /** Moves a request one step with the version it has now. */
  /** Moves a request one step as roi.nguyen: roi.garcia logs third parties' requests and may not work them (separation of duties). */
  const step = async (id: number, action: string, extra: Record<string, unknown> = {}, status = 200) => {
    const roi = await as('roi.nguyen');
    const current = await roi.get(`/roi/requests/${id}`).expect(200);
    return roi.post(`/roi/requests/${id}/transitions`).send({ action, version: current.body.version, ...extra }).expect(status);
  };
  const walk = async (id: number, actions: string[]) => {
    let last: request.Response | undefined;
    for (const a of actions) last = await step(id, a);
    return last!;
  };
  const lastAudit = (action: string, resourceType: string) =>
    t.db.one<{ purpose_of_use: string; details: string; patient_id: number; actor_username: string; reason: string | null }>(
      'SELECT purpose_of_use, details, patient_id, actor_username, reason FROM audit_events WHERE action = $1 AND resource_type = $2 ORDER BY seq DESC LIMIT 1',
      [action, resourceType],
    );

  beforeAll(async () => {
    t = await createTestApp({ patients: 20 });
    demoId = Number((await t.db.one<{ id: number }>(`SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.username = 'patient.demo'`))!.id);

    // A patient whose whole record this suite writes, so every package's content is known.
    const now = t.clock.nowIso();
    alexId = Number((await t.db.one<{ id: number }>(
      `INSERT INTO patients (mrn, given_name, family_name, birth_date, sex, version, created_at, updated_at)
       VALUES ('ROI-0001', 'Alex', 'Rivera', '1980-04-02', 'male', 1, $1, $1) RETURNING id`, [now],
    ))!.id);
    const encounter = async (at: string) => Number((await t.db.one<{ id: number }>(
      `INSERT INTO encounters (patient_id, encounter_class, admitted_at, discharged_at, department, disposition, reason, created_at, updated_at)
       VALUES ($1, 'outpatient', $2, $2, 'Internal Medicine', 'home', 'Follow-up', $3, $3) RETURNING id`, [alexId, at, now],
    ))!.id);
    ids.e2026 = await encounter('2026-03-10T09:00:00.000Z');
    ids.e2024 = await encounter('2024-05-01T09:00:00.000Z');
    const dx = async (enc: number, code: string, at: string, category: string | null) => Number((await t.db.one<{ id: number }>(
      `INSERT INTO diagnoses (encounter_id, patient_id, code, description, chapter, is_primary, recorded_at, sensitivity, sensitivity_category, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'X', FALSE, $5, $6, $7, $8, $8) RETURNING id`,
      [enc, alexId, code, `Diagnosis ${code}`, at, category ? 'restricted' : 'normal', category, now],
    ))!.id);
    ids.dxNormal = await dx(ids.e2026, 'I10', '2026-03-10T10:00:00.000Z', null);
    ids.dxBehavioral = await dx(ids.e2026, 'F32.1', '2026-03-10T10:05:00.000Z', 'behavioral-health');
    ids.dxSubstance = await dx(ids.e2026, 'F10.20', '2026-03-10T10:10:00.000Z', 'substance-use');
    ids.dxHiv = await dx(ids.e2026, 'B20', '2026-03-10T10:15:00.000Z', 'hiv');
    ids.dxOld = await dx(ids.e2024, 'J45.909', '2024-05-01T10:00:00.000Z', null);
    const note = async (type: string, category: string | null) => Number((await t.db.one<{ id: number }>(
      `INSERT INTO clinical_notes (encounter_id, patient_id, note_type, author_user_id, text, authored_at, sensitivity, sensitivity_category, created_at, updated_at)
       VALUES ($1, $2, $3, 2, $4, '2026-03-10T11:00:00.000Z', $5, $6, $7, $7) RETURNING id`,
      [ids.e2026, alexId, type, `${type} note text`, category ? 'restricted' : 'normal', category, now],
    ))!.id);
    ids.noteProgress = await note('progress', null);
    ids.notePsychotherapy = await note('psychotherapy', 'psychotherapy');
    await t.db.execute(
      `INSERT INTO observations (encounter_id, patient_id, loinc_code, display, value_num, unit, observed_at, created_at, updated_at)
       VALUES ($1, $2, '8867-4', 'Heart rate', 72, '/min', '2026-03-10T09:30:00.000Z', $3, $3)`,
      [ids.e2026, alexId, now],
    );
  });
  afterAll(() => t.close());

  it('a patient files their own request: received, due 30 days after receipt (164.524(b)(2)), history started', async () => {
    const patient = await as('patient.demo');
    const res = await patient.post('/roi/requests')
      .send({ patientId: demoId, requesterType: 'self', purpose: 'My own copy', recordTypes: ['encounters', 'diagnoses', 'observations', 'notes'], format: 'electronic' })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'received', patientId: demoId, requesterType: 'self', legalBasis: 'individual', daysLeft: 30, overdue: false, version: 1 });
    expect(new Date(res.body.dueAt).getTime() - new Date(res.body.receivedAt).getTime()).toBe(30 * DAY_MS);
    expect(res.body.requesterName).toMatch(/\S+ \S+/);
    expect(res.body.accounting).toEqual({ exempt: true, exemption: expect.stringContaining('164.528(a)(1)(ii)') });
    expect(res.body.history).toEqual([expect.objectContaining({ action: 'receive', from: null, to: 'received', actor: expect.objectContaining({ username: 'patient.demo' }) })]);
    ids.self = res.body.id;

    // Only for themselves: another patient's record, or someone else as requester, is refused.
    await patient.post('/roi/requests').send({ patientId: alexId, requesterType: 'self', purpose: 'x', recordTypes: ['diagnoses'], format: 'electronic' }).expect(403);
    const other = await patient.post('/roi/requests')
      .send({ patientId: demoId, requesterType: 'attorney', requesterName: 'Lawyer', purpose: 'x', recordTypes: ['diagnoses'], format: 'electronic' })
      .expect(400);
    expect(other.body.details[0].field).toBe('requesterType');
    const mine = await patient.get('/me/roi-requests').expect(200);
    expect(mine.body.items.map((r: { id: number }) => r.id)).toEqual([ids.self]);
    // The patient reads it, but does not move it.
    await patient.get(`/roi/requests/${ids.self}`).expect(200);
    await patient.post(`/roi/requests/${ids.self}/transitions`).send({ action: 'verify-identity', version: 1 }).expect(403);
  });

  it('the patient\'s own request goes through right of access, not an authorization; records open only once in review', async () => {
    await step(ids.self, 'verify-identity');
    const wrong = await step(ids.self, 'validate-authorization', {}, 409);
    expect(wrong.body.message).toMatch(/confirm-right-of-access/);
    await step(ids.self, 'confirm-right-of-access');
    const roi = await as('roi.garcia');
    const early = await roi.get(`/roi/requests/${ids.self}/records`).expect(403);
    expect(early.body.message).toMatch(/read only from the start of its review until it is closed/);
    await step(ids.self, 'begin-review');

    const explain = await roi.get(`/access/explain?permission=clinical:read&patientId=${demoId}`).expect(200);
    expect(explain.body.decision).toBe('allow');
    expect(explain.body.reasons).toContain(`open release-of-information request ${ids.self} covers this patient`);

    const records = await roi.get(`/roi/requests/${ids.self}/records`).expect(200);
    const notes = records.body.notes as { noteType: string }[];
    expect(notes.length).toBeGreaterThan(0);
    // Right of access: restricted items are the patient's own, psychotherapy notes are not (164.524(a)(1)(i)).
    expect(notes.some((n) => n.noteType === 'psychotherapy')).toBe(false);
    expect(records.body.withheld).toEqual(expect.arrayContaining([expect.objectContaining({ section: 'notes', reason: expect.stringMatching(/psychotherapy/) })]));
    expect((records.body.diagnoses as { sensitivity: string }[]).some((d) => d.sensitivity === 'restricted')).toBe(true);
    expect(records.body.procedures).toBeUndefined();
    const audit = (await lastAudit('read', 'record'))!;
    expect(audit).toMatchObject({ purpose_of_use: 'DISCLOSURE', actor_username: 'roi.garcia' });
    expect(Number(audit.patient_id)).toBe(demoId);
    expect(JSON.parse(audit.details)).toMatchObject({ roiRequestId: ids.self, view: 'release-of-information' });
  });

  it('fulfilment builds the package, stores its SHA-256, charges the flat fee ($6.50) and records an exempt disclosure', async () => {
    await step(ids.self, 'approve');
    await (await as('roi.garcia')).get(`/roi/requests/${ids.self}/package`).expect(409);
    const res = await step(ids.self, 'fulfil');
    expect(res.body).toMatchObject({ status: 'fulfilled', packageSha256: expect.stringMatching(/^[0-9a-f]{64}$/), packageFhirSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(res.body.fee).toMatchObject({ totalCents: 650, method: 'flat' });
    expect(res.body.fee.lines.map((l: { item: string }) => l.item).join(' ')).not.toMatch(/search|retriev/);
    const stored = (await t.db.one<{ package_sha256: string; fee_cents: number }>('SELECT package_sha256, fee_cents FROM roi_requests WHERE id = $1', [ids.self]))!;
    expect(stored.package_sha256).toBe(res.body.packageSha256);
    expect(Number(stored.fee_cents)).toBe(650);

    const disclosure = (await t.db.one<{ exempt: unknown; exemption: string; recipient_name: string }>('SELECT exempt, exemption, recipient_name FROM disclosures WHERE roi_request_id = $1', [ids.self]))!;
    expect([true, 1]).toContain(disclosure.exempt);
    expect(disclosure.exemption).toMatch(/individual/);
    const disclose = (await lastAudit('disclose', 'roi-package'))!;
    expect(disclose.purpose_of_use).toBe('DISCLOSURE');
    expect(JSON.parse(disclose.details)).toMatchObject({ roiRequestId: ids.self, sha256: res.body.packageSha256, exempt: true });

    // The patient downloads their copy: the bytes hash to the stored SHA-256.
    const patient = await as('patient.demo');
    const json = await patient.get(`/roi/requests/${ids.self}/package?format=json`).expect(200);
    expect(json.headers['content-type']).toMatch(/application\/json/);
    expect(sha256(json.text)).toBe(res.body.packageSha256);
    expect(json.headers['x-package-sha256']).toBe(res.body.packageSha256);
    const pkg = JSON.parse(json.text);
    expect(pkg).toMatchObject({ requestId: ids.self, patient: { id: demoId }, legalBasis: 'individual' });
    expect(pkg.records.notes.some((n: { noteType: string }) => n.noteType === 'psychotherapy')).toBe(false);
    const fhir = await patient.get(`/roi/requests/${ids.self}/package?format=fhir`).expect(200);
    expect(fhir.headers['content-type']).toMatch(/application\/fhir\+json/);
    expect(sha256(fhir.text)).toBe(res.body.packageFhirSha256);
    const bundle = JSON.parse(fhir.text);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const types = new Set(bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType));
    expect([...types].sort()).toEqual(['Condition', 'DocumentReference', 'Encounter', 'Observation', 'Patient']);
    expect(bundle.entry).toHaveLength(1 + pkg.counts.encounters + pkg.counts.diagnoses + pkg.counts.observations + pkg.counts.notes);
    await patient.get(`/roi/requests/${ids.self}/package?format=xml`).expect(400);
  });

  it('once the request is closed, the ROI specialist is refused the same patient (and the refusal is audited)', async () => {
    const roi = await as('roi.garcia');
    await roi.get(`/patients/${demoId}/record`).expect(200);
    const closed = await step(ids.self, 'close');
    expect(closed.body.status).toBe('closed');
    expect(closed.body.history.map((h: { action: string }) => h.action)).toEqual([
      'receive', 'verify-identity', 'confirm-right-of-access', 'begin-review', 'approve', 'fulfil', 'close',
    ]);
    expect(closed.body.history.every((h: { actor: { username: string }; at: string }) => h.actor.username && h.at)).toBe(true);

    const denied = await roi.get(`/patients/${demoId}/record`).expect(403);
    expect(denied.body.message).toMatch(/none does/);
    const explain = await roi.get(`/access/explain?permission=clinical:read&patientId=${demoId}`).expect(200);
    expect(explain.body).toMatchObject({ decision: 'deny' });
    expect(explain.body.reasons.at(-1)).toMatch(/only inside an open release-of-information request/);
    await roi.get(`/roi/requests/${ids.self}/records`).expect(403);
    await roi.get(`/roi/requests/${ids.self}/package`).expect(403);
    const refusal = (await lastAudit('access-denied', 'roi-package'))!;
    expect(refusal.reason).toMatch(/closed/);
    // The patient still has their copy.
    await (await as('patient.demo')).get(`/roi/requests/${ids.self}/package`).expect(200);
  });

  it('an attorney with a valid authorization: the package holds only the scope and the named category', async () => {
    const roi = await as('roi.garcia');
    const res = await roi.post('/roi/requests')
      .send({
        patientId: alexId, requesterType: 'attorney', requesterName: 'Smith & Jones LLP', requesterAddress: '100 Main St, Springfield',
        purpose: 'Personal injury claim', recordTypes: ['encounters', 'diagnoses', 'notes'], dateFrom: '2026-01-01', dateTo: '2026-06-30',
        format: 'electronic', authorization: validAuthorization('Smith & Jones LLP', { categories: ['behavioral-health'] }),
      })
      .expect(201);
    expect(res.body).toMatchObject({ legalBasis: 'authorization', authorizationCheck: { valid: true, problems: [] } });
    ids.attorney = res.body.id;
    const approved = await walk(ids.attorney, ['verify-identity', 'validate-authorization', 'begin-review', 'approve']);
    expect(approved.body.history[2]).toMatchObject({ action: 'validate-authorization', details: { authorization: expect.stringMatching(/valid/) } });
    const fulfilled = await step(ids.attorney, 'fulfil');
    expect(fulfilled.body.fee).toMatchObject({ method: 'schedule' });
    expect(fulfilled.body.fee.totalCents).toBeGreaterThan(0);

    const pkg = JSON.parse((await (await as('roi.nguyen')).get(`/roi/requests/${ids.attorney}/package`).expect(200)).text);
    const idsOf = (type: string) => (pkg.records[type] as { id: number }[]).map((i) => i.id).sort((a, b) => a - b);
    expect(idsOf('encounters')).toEqual([ids.e2026]);
    expect(idsOf('diagnoses')).toEqual([ids.dxNormal, ids.dxBehavioral].sort((a, b) => a - b));
    expect(idsOf('notes')).toEqual([ids.noteProgress]);
    expect(pkg.records.observations).toBeUndefined();
    // Withheld means absent: the package names the rules that left items out, never how many (42 CFR 2.13(c)).
    expect(pkg.withheld).toEqual(expect.arrayContaining([
      { section: 'diagnoses', code: 'restricted-category', reason: expect.stringMatching(/42 CFR Part 2/) },
      { section: 'diagnoses', code: 'restricted-category', reason: expect.stringMatching(/restricted item \(hiv\)/) },
      { section: 'notes', code: 'psychotherapy-note', reason: expect.stringMatching(/psychotherapy notes/) },
    ]));
    expect(pkg.withheld.some((w: Record<string, unknown>) => 'count' in w)).toBe(false);
    expect(pkg.notices).toEqual([]);
    const row = (await t.db.one<{ exempt: unknown; exemption: string }>('SELECT exempt, exemption FROM disclosures WHERE roi_request_id = $1', [ids.attorney]))!;
    expect([true, 1]).toContain(row.exempt);
    expect(row.exemption).toMatch(/authorization/);
    await step(ids.attorney, 'close');
  });

  it('substance use records go out only with a Part 2 consent naming them, each carrying the redisclosure notice (42 CFR 2.32)', async () => {
    const roi = await as('roi.garcia');
    const part2Consent = {
      patientName: 'Alex Rivera', discloser: 'HIT Teaching Hospital', information: 'Substance use diagnoses of 2026', recipient: 'Smith & Jones LLP',
      purpose: 'Personal injury claim', rightToRevoke: true, expiresOn: day(90), signedBy: 'Alex Rivera', signedOn: day(-2),
    };
    const noConsent = await roi.post('/roi/requests')
      .send({
        patientId: alexId, requesterType: 'attorney', requesterName: 'Smith & Jones LLP', purpose: 'Claim', recordTypes: ['diagnoses'], format: 'paper',
        authorization: validAuthorization('Smith & Jones LLP', { categories: ['substance-use'] }),
      })
      .expect(201);
    await step(noConsent.body.id, 'verify-identity');
    const refused = await step(noConsent.body.id, 'validate-authorization', {}, 400);
    expect(refused.body.details).toEqual([{ field: 'authorization.part2Consent', problems: [expect.stringMatching(/42 CFR 2\.31/)] }]);

    const res = await roi.post('/roi/requests')
      .send({
        patientId: alexId, requesterType: 'attorney', requesterName: 'Smith & Jones LLP', purpose: 'Claim', recordTypes: ['diagnoses'], format: 'paper',
        authorization: validAuthorization('Smith & Jones LLP', { categories: ['substance-use'], part2Consent }),
      })
      .expect(201);
    await walk(res.body.id, ['verify-identity', 'validate-authorization', 'begin-review']);
    // Part 2 records to a third party wait for the privacy officer's approval (issue 11, finding 3).
    const waiting = (await (await as('roi.nguyen')).get(`/roi/requests/${res.body.id}/records`).expect(200)).body;
    expect((waiting.diagnoses as { id: number }[]).map((d) => d.id)).not.toContain(ids.dxSubstance);
    expect(waiting.withheld).toEqual(expect.arrayContaining([expect.objectContaining({ reason: expect.stringMatching(/privacy officer's approval/) })]));
    const current = (await roi.get(`/roi/requests/${res.body.id}`).expect(200)).body;
    await roi.post(`/roi/requests/${res.body.id}/privacy-approval`).send({ note: 'x', version: current.version }).expect(403);
    const approved = await (await as('privacy.smith')).post(`/roi/requests/${res.body.id}/privacy-approval`)
      .send({ note: 'Consent under 42 CFR 2.31 checked', version: current.version }).expect(200);
    expect(approved.body.privacyApproval).toMatchObject({ at: expect.any(String), note: 'Consent under 42 CFR 2.31 checked' });
    await walk(res.body.id, ['approve', 'fulfil']);
    const clerk = await as('roi.nguyen');
    const pkg = JSON.parse((await clerk.get(`/roi/requests/${res.body.id}/package`).expect(200)).text);
    const sud = (pkg.records.diagnoses as { id: number; redisclosureNotice?: string }[]).find((d) => d.id === ids.dxSubstance)!;
    expect(sud.redisclosureNotice).toMatch(/42 CFR part 2/);
    expect((pkg.records.diagnoses as { redisclosureNotice?: string; sensitivityCategory: string | null }[])
      .filter((d) => d.redisclosureNotice).every((d) => d.sensitivityCategory === 'substance-use')).toBe(true);
    expect(pkg.notices).toEqual([expect.objectContaining({ citation: '42 CFR 2.32', items: 1 })]);
    expect(pkg.records.diagnoses.map((d: { id: number }) => d.id)).not.toContain(ids.dxHiv);
    const bundle = JSON.parse((await clerk.get(`/roi/requests/${res.body.id}/package?format=fhir`).expect(200)).text);
    const condition = bundle.entry.find((e: { resource: { resourceType: string; id: string } }) => e.resource.resourceType === 'Condition' && e.resource.id === String(ids.dxSubstance)).resource;
    expect(condition.meta.security.map((s: { code: string }) => s.code)).toEqual(['R', 'ETH', 'NORDSCLCD']);
    expect(condition.extension[0].valueString).toMatch(/42 CFR part 2/);
  });

  it('an insurer with an expired authorization is refused: 400 listing every bad element, nothing changes, then denied', async () => {
    const roi = await as('roi.garcia');
    const res = await roi.post('/roi/requests')
      .send({
        patientId: alexId, requesterType: 'insurer', requesterName: 'Acme Life Insurance', purpose: 'Underwriting', recordTypes: ['diagnoses'], format: 'electronic',
        authorization: validAuthorization('Acme Life Insurance', { expiresOn: day(-1), signedOn: day(-200), statements: { rightToRevoke: true, redisclosure: true }, discloser: '' }),
      })
      .expect(201);
    ids.insurer = res.body.id;
    expect(res.body.authorizationCheck.valid).toBe(false);
    await step(ids.insurer, 'verify-identity');
    const before = (await roi.get(`/roi/requests/${ids.insurer}`).expect(200)).body;
    const bad = await step(ids.insurer, 'validate-authorization', {}, 400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'authorization.discloser', 'authorization.expiresOn', 'authorization.statements.conditioning',
    ]);
    expect(bad.body.details.find((d: { field: string }) => d.field === 'authorization.expiresOn').problems[0]).toMatch(/has passed.*164\.508\(b\)\(2\)\(i\)/);
    const after = (await roi.get(`/roi/requests/${ids.insurer}`).expect(200)).body;
    expect(after).toMatchObject({ status: 'identity-verified', version: before.version });
    expect(after.history).toHaveLength(before.history.length);

    // It cannot be pushed on, nor its records read.
    await step(ids.insurer, 'begin-review', {}, 409);
    await roi.get(`/roi/requests/${ids.insurer}/records`).expect(403);
    const denyWithoutCode = await step(ids.insurer, 'deny', { reason: 'Expired authorization' }, 400);
    expect(denyWithoutCode.body.details[0].field).toBe('denialCode');
    await step(ids.insurer, 'deny', { denialCode: 'endangerment', reason: 'x' }, 400);
    const denied = await step(ids.insurer, 'deny', { denialCode: 'authorization-expired', reason: 'The authorization expired; a new one is needed.' });
    expect(denied.body).toMatchObject({ status: 'denied', denial: { code: 'authorization-expired', reviewable: null }, daysLeft: null });
    expect(await t.db.one('SELECT id FROM disclosures WHERE roi_request_id = $1', [ids.insurer])).toBeUndefined();
    await roi.get(`/roi/requests/${ids.insurer}/package`).expect(409);
  });

  it('a corrected authorization can replace a bad one before validation', async () => {
    const roi = await as('roi.garcia');
    const res = await roi.post('/roi/requests')
      .send({
        patientId: alexId, requesterType: 'other', requesterName: 'Springfield Gym', purpose: 'Fitness program', recordTypes: ['observations'], format: 'electronic',
        authorization: validAuthorization('Springfield Gym', { signedBy: '' }),
      })
      .expect(201);
    await step(res.body.id, 'verify-identity');
    await step(res.body.id, 'validate-authorization', {}, 400);
    const current = (await roi.get(`/roi/requests/${res.body.id}`).expect(200)).body;
    const fixed = await roi.put(`/roi/requests/${res.body.id}/authorization`).send({ authorization: validAuthorization('Springfield Gym'), version: current.version }).expect(200);
    expect(fixed.body.authorizationCheck).toEqual({ valid: true, problems: [] });
    await step(res.body.id, 'validate-authorization');
    await roi.put(`/roi/requests/${res.body.id}/authorization`).send({ authorization: validAuthorization('Springfield Gym'), version: fixed.body.version + 1 }).expect(409);
    await step(res.body.id, 'cancel', { reason: 'The requester withdrew.' });
  });

  it('a self request with a 164.524(a) denial is marked reviewable or not, with the written notice', async () => {
    const patient = await as('patient.demo');
    const res = await patient.post('/roi/requests')
      .send({ patientId: demoId, requesterType: 'self', purpose: 'Copy of my notes', recordTypes: ['notes'], format: 'electronic' })
      .expect(201);
    await step(res.body.id, 'verify-identity');
    await step(res.body.id, 'deny', { denialCode: 'authorization-expired', reason: 'x' }, 400);
    // A reviewable ground rests on a licensed professional's determination (164.524(a)(3)): who made it is required.
    await step(res.body.id, 'deny', { denialCode: 'endangerment', reason: 'The treating psychiatrist documented the risk.' }, 400);
    const chen = Number((await t.db.one<{ id: number }>(`SELECT id FROM users WHERE username = 'dr.chen'`))!.id);
    const denied = await step(res.body.id, 'deny', { denialCode: 'endangerment', reason: 'The treating psychiatrist documented the risk.', determinedBy: chen });
    expect(denied.body.denial).toMatchObject({ code: 'endangerment', reviewable: true, determinedBy: chen });
    expect(denied.body.denial.notice.review).toMatch(/164\.524\(a\)\(4\)/);
    expect(denied.body.denial.notice.complaint).toMatch(/Secretary/);
    const row = (await t.db.one<{ denial_reviewable: unknown }>('SELECT denial_reviewable FROM roi_requests WHERE id = $1', [res.body.id]))!;
    expect([true, 1]).toContain(row.denial_reviewable);
  });

  it('law enforcement: disclosed, and listed in the accounting of disclosures (164.528)', async () => {
    const roi = await as('roi.garcia');
    const res = await roi.post('/roi/requests')
      .send({
        patientId: demoId, requesterType: 'law_enforcement', requesterName: 'Springfield Police Department', requesterAddress: '1 Police Plaza',
        purpose: 'Administrative request in a hit-and-run investigation', recordTypes: ['encounters'], dateFrom: day(-60), format: 'electronic',
        lawEnforcement: { path: 'legal-process', administrativeTest: { relevantAndMaterial: true, specificAndLimited: true, deidentifiedNotSufficient: true } },
        legalProcess: { type: 'administrative-request', issuedBy: 'Springfield Police Department', issuedOn: day(-1), documents: [{ title: 'Administrative request', reference: 'SPD-2026-88' }] },
      })
      .expect(201);
    expect(res.body).toMatchObject({ legalBasis: 'law-enforcement', accounting: { exempt: false, exemption: null }, authorizationCheck: null });
    ids.police = res.body.id;
    const done = await walk(ids.police, ['verify-identity', 'validate-authorization', 'begin-review', 'approve', 'fulfil']);
    expect(done.body.history[2].details.authorization).toMatch(/not required.*164\.512\(f\)/);
    expect(done.body.fee.totalCents).toBe(0);

    const officer = await (await as('privacy.smith')).get(`/patients/${demoId}/disclosures`).expect(200);
    const entry = officer.body.items.find((i: { roiRequestId: number }) => i.roiRequestId === ids.police);
    expect(entry).toMatchObject({
      recipient: { name: 'Springfield Police Department', address: '1 Police Plaza' },
      purpose: 'Administrative request in a hit-and-run investigation',
      description: expect.stringMatching(/^Copy of the medical record: encounters \(\d+\)/),
    });
    expect(officer.body).toMatchObject({ patientId: demoId, page: 1, pageSize: 50 });
    const mine = await (await as('patient.demo')).get('/me/disclosures').expect(200);
    expect(mine.body.items.map((i: { roiRequestId: number }) => i.roiRequestId)).toContain(ids.police);
    // Nor the self request nor the treatment one is there: exempt.
    expect(mine.body.items.map((i: { roiRequestId: number }) => i.roiRequestId)).not.toContain(ids.self);
    await step(ids.police, 'close');
  });

  it('a treatment disclosure is recorded but left out of the accounting', async () => {
    const roi = await as('roi.garcia');
    const res = await roi.post('/roi/requests')
      .send({
        patientId: demoId, requesterType: 'provider', requesterName: 'Springfield Cardiology', purpose: 'Continuing care', recordTypes: ['diagnoses', 'observations'],
        format: 'electronic',
      })
      .expect(201);
    expect(res.body).toMatchObject({ legalBasis: 'treatment', accounting: { exempt: true } });
    await walk(res.body.id, ['verify-identity', 'validate-authorization', 'begin-review', 'approve', 'fulfil', 'close']);
    const row = (await t.db.one<{ exempt: unknown; exemption: string }>('SELECT exempt, exemption FROM disclosures WHERE roi_request_id = $1', [res.body.id]))!;
    expect([true, 1]).toContain(row.exempt);
    expect(row.exemption).toMatch(/treatment/);
    const listed = (await (await as('roi.garcia')).get(`/patients/${demoId}/disclosures`).expect(200)).body.items.map((i: { roiRequestId: number }) => i.roiRequestId);
    expect(listed).toContain(ids.police);
    expect(listed).not.toContain(res.body.id);
    // Treatment is not limited by authorization categories; only Part 2 records and psychotherapy notes stay out (issue 12, item 2).
    const pkg = JSON.parse((await t.db.one<{ package_json: string }>('SELECT package_json FROM roi_requests WHERE id = $1', [res.body.id]))!.package_json);
    expect((pkg.records.diagnoses as { sensitivityCategory: string | null }[]).every((d) => d.sensitivityCategory !== 'substance-use')).toBe(true);
    expect(pkg.scope.restrictedCategories).toEqual(['behavioral-health', 'genetic', 'hiv', 'reproductive', 'unspecified']);
  });

  it('the accounting covers six years back; entries are immutable', async () => {
    const at = (years: number) => new Date(t.clock.now().getTime() - years * 365.25 * DAY_MS).toISOString();
    for (const [years, name] of [[5, 'Five Years Ago Court'], [7, 'Seven Years Ago Court']] as const) {
      await t.db.execute(
        `INSERT INTO disclosures (patient_id, disclosed_at, recipient_name, description, purpose, exempt) VALUES ($1, $2, $3, 'Copy', 'Subpoena', FALSE)`,
        [demoId, at(years), name],
      );
    }
    const names = (await (await as('privacy.smith')).get(`/patients/${demoId}/disclosures`).expect(200)).body.items.map((i: { recipient: { name: string } }) => i.recipient.name);
    expect(names).toContain('Five Years Ago Court');
    expect(names).not.toContain('Seven Years Ago Court');
    // The error's message, not `rejects.toThrow`: better-sqlite3's native SqliteError may come from another jest realm.
    const refusal = (sql: string) => rawSql(t, sql).then(() => 'no error', (e: unknown) => String((e as { message?: unknown }).message ?? e));
    expect(await refusal(`UPDATE disclosures SET recipient_name = 'x' WHERE roi_request_id = ${ids.police}`)).toMatch(/append-only/);
    expect(await refusal(`DELETE FROM disclosures WHERE roi_request_id = ${ids.police}`)).toMatch(/append-only/);
    expect(await t.db.one('SELECT id FROM disclosures WHERE roi_request_id = $1 AND recipient_name = $2', [ids.police, 'Springfield Police Department'])).toBeDefined();
    // Who may read it: the policy decides (a coder may not; the patient uses /me/disclosures).
    await (await as('coder.kim')).get(`/patients/${demoId}/disclosures`).expect(403);
    await (await as('patient.demo')).get(`/patients/${demoId}/disclosures`).expect(403);
  });

  it('a patient asks for an accounting: due in 60 days, the first in 12 months free; ROI staff extend once and answer it', async () => {
    const patient = await as('patient.demo');
    const first = await patient.post('/me/accounting-requests').expect(201);
    expect(first.body).toMatchObject({ status: 'received', feeCents: 0, daysLeft: 60, version: 1 });
    expect(new Date(first.body.dueAt).getTime() - new Date(first.body.receivedAt).getTime()).toBe(60 * DAY_MS);
    // A second one in 12 months is quoted, not charged: the patient answers the fee notice first (164.528(c)(2)).
    const quoted = await patient.post('/me/accounting-requests').expect(201);
    expect(quoted.body).toMatchObject({ status: 'fee-notice', feeCents: 0, feeNotice: { quotedCents: 1500 } });
    expect(quoted.body.feeBasis).toMatch(/withdraw/);
    const second = await patient.post(`/accounting-requests/${quoted.body.id}/fee-decision`).send({ decision: 'accept', version: 1 }).expect(200);
    expect(second.body).toMatchObject({ status: 'received', feeCents: 1500, version: 2 });
    await (await as('roi.garcia')).post('/me/accounting-requests').expect(403);

    const roi = await as('roi.garcia');
    const queue = await roi.get('/accounting-requests?status=received').expect(200);
    expect(queue.body.items.map((i: { id: number }) => i.id)).toEqual([first.body.id, second.body.id]);
    await roi.post(`/accounting-requests/${second.body.id}/transitions`).send({ action: 'extend', extensionDays: 30, version: 2 }).expect(400);
    const extended = await roi.post(`/accounting-requests/${second.body.id}/transitions`).send({ action: 'extend', extensionDays: 30, reason: 'Archive retrieval', version: 2 }).expect(200);
    expect(new Date(extended.body.dueAt).getTime() - new Date(second.body.dueAt).getTime()).toBe(30 * DAY_MS);
    await roi.post(`/accounting-requests/${second.body.id}/transitions`).send({ action: 'extend', extensionDays: 5, reason: 'Again', version: 3 }).expect(409);

    const answered = await roi.post(`/accounting-requests/${first.body.id}/transitions`).send({ action: 'fulfil', version: 1 }).expect(200);
    expect(answered.body.status).toBe('fulfilled');
    const listed = answered.body.accounting.items.map((i: { roiRequestId: number | null }) => i.roiRequestId);
    expect(listed).toContain(ids.police);
    expect(listed).not.toContain(ids.self);
    await roi.post(`/accounting-requests/${first.body.id}/transitions`).send({ action: 'fulfil', version: 2 }).expect(409);
    const own = await patient.get(`/accounting-requests/${first.body.id}`).expect(200);
    expect(own.body.accounting.items.length).toBe(answered.body.accounting.items.length);

    // A year later the next one is free again.
    t.clock.advance(366 * DAY_MS);
    try {
      const later = await (await as('patient.demo')).post('/me/accounting-requests').expect(201);
      expect(later.body.feeCents).toBe(0);
    } finally {
      t.clock.advance(-366 * DAY_MS);
    }
  });
  it('the ROI path never skips the VIP rule: a release from a VIP chart needs the privacy officer\'s approval', async () => {
    const vip = Number((await t.db.one<{ id: number }>(
      `SELECT p.id FROM patients p WHERE p.vip = TRUE AND NOT EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = p.id) ORDER BY p.id LIMIT 1`,
    ))!.id);
    const roi = await as('roi.garcia');
    const res = await roi.post('/roi/requests')
      .send({
        patientId: vip, requesterType: 'attorney', requesterName: 'Smith & Jones LLP', purpose: 'Personal injury claim', recordTypes: ['diagnoses'],
        format: 'electronic', authorization: validAuthorization('Smith & Jones LLP'),
      })
      .expect(201);
    await walk(res.body.id, ['verify-identity', 'validate-authorization', 'begin-review']);
    const clerk = await as('roi.nguyen');
    const refused = await clerk.get(`/roi/requests/${res.body.id}/records`).expect(403);
    expect(refused.body.message).toMatch(/VIP patient: a release of information from this chart needs the privacy officer's approval/);
    await clerk.get(`/patients/${vip}/record`).expect(403);
    const explain = await clerk.get(`/access/explain?permission=clinical:read&patientId=${vip}`).expect(200);
    expect(explain.body).toMatchObject({ decision: 'deny', reasons: expect.arrayContaining([expect.stringMatching(/privacy officer's approval/)]) });
    expect((await lastAudit('access-denied', 'record'))!.reason).toMatch(/VIP/);
    // The privacy officer approves: the clerk reads, the read is in the trail, and the anomaly rules flag it.
    const current = (await clerk.get(`/roi/requests/${res.body.id}`).expect(200)).body;
    await (await as('privacy.smith')).post(`/roi/requests/${res.body.id}/privacy-approval`).send({ note: 'Court-ordered; checked', version: current.version }).expect(200);
    await clerk.get(`/roi/requests/${res.body.id}/records`).expect(200);
    expect(await lastAudit('read', 'record')).toMatchObject({ patient_id: vip, actor_username: 'roi.nguyen', purpose_of_use: 'DISCLOSURE' });
    const findings = (await (await as('privacy.smith')).get('/audit/anomalies?pageSize=200').expect(200)).body.items as { rule: string; patientId: number; actor: { username: string } }[];
    expect(findings).toContainEqual(expect.objectContaining({ rule: 'vip-without-care-relation', patientId: vip, actor: expect.objectContaining({ username: 'roi.nguyen' }) }));
    await step(res.body.id, 'cancel', { reason: 'Withdrawn by the requester.' });
  });

  it('withheld means absent: every reference of every disclosed FHIR Bundle resolves inside it, for every requester type', async () => {
    const rows = await t.db.query<{ id: number; requester_type: string; package_json: string; package_sha256: string }>(
      'SELECT id, requester_type, package_json, package_sha256 FROM roi_requests WHERE package_json IS NOT NULL ORDER BY id',
    );
    expect(new Set(rows.map((r) => r.requester_type)).size).toBeGreaterThanOrEqual(3);
    let references = 0;
    for (const row of rows) {
      const bundle = toFhirBundle(JSON.parse(row.package_json), row.package_sha256) as { entry: { resource: { resourceType: string; id: string } }[] };
      const present = new Set(bundle.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`));
      const walkRefs = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walkRefs);
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            if (k === 'reference' && typeof x === 'string') {
              references += 1;
              expect({ request: row.id, reference: x, resolves: present.has(x) }).toEqual({ request: row.id, reference: x, resolves: true });
            } else walkRefs(x);
          }
        }
      };
      walkRefs(bundle);
      // The JSON package too: an item's encounterId names a disclosed encounter, or is null.
      const pkg = JSON.parse(row.package_json) as { records: Record<string, { id: number; encounterId?: number | null }[]> };
      const encounters = new Set((pkg.records.encounters ?? []).map((e) => e.id));
      for (const [type, items] of Object.entries(pkg.records)) {
        if (type === 'encounters') continue;
        for (const item of items) if (item.encounterId !== null) expect(encounters.has(item.encounterId!)).toBe(true);
      }
    }
    expect(references).toBeGreaterThan(0);
  });
});
