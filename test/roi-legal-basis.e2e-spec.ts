import { DAY_MS } from '../src/common/clock';
import { PART2_REDISCLOSURE_NOTICE } from '../src/release-of-information/package-builder';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Issue 12: the legal basis of every release, through the API. The basis is established from the recipient and the
 * purpose stated on the request and checked at validation, which lists every missing element (a life insurer needs
 * an authorization; police without warrant, subpoena, order or administrative request are refused; a subpoena needs
 * satisfactory assurances; a court order limits the release to its scope); treatment is not limited by
 * authorization categories; a patient's copy sent to someone else needs the patient's signed direction; scope
 * refusals cite the rule that limits them; the Part 2 redisclosure notice is the 2024 text.
 */
describe('release of information: the legal basis of every release (issue 12)', () => {
  let t: TestApp;
  let alexId: number;
  let demoId: number;
  const ids: Record<string, number> = {};
  const day = (offset: number) => new Date(t.clock.now().getTime() + offset * DAY_MS).toISOString().slice(0, 10);
  const fields = (body: { details: { field: string }[] }) => body.details.map((d) => d.field).sort();

  const create = async (body: Record<string, unknown>, status = 201) =>
    (await t.as('roi.garcia')).post('/roi/requests').send({ patientId: alexId, recordTypes: ['diagnoses'], format: 'electronic', ...body }).expect(status);
  const step = async (id: number, action: string, extra: Record<string, unknown> = {}, status = 200) => {
    const roi = await t.as('roi.nguyen');
    const current = await roi.get(`/roi/requests/${id}`).expect(200);
    return roi.post(`/roi/requests/${id}/transitions`).send({ action, version: current.body.version, ...extra }).expect(status);
  };
  const walk = async (id: number, actions: string[]) => {
    for (const a of actions) await step(id, a);
  };
  const disclosure = (id: number) => t.db.one<{ recipient_name: string; recipient_address: string | null; exempt: unknown; exemption: string | null }>(
    'SELECT recipient_name, recipient_address, exempt, exemption FROM disclosures WHERE roi_request_id = $1', [id],
  );

  beforeAll(async () => {
    t = await createTestApp({ patients: 12 });
    demoId = Number((await t.db.one<{ id: number }>(`SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.username = 'patient.demo'`))!.id);
    const now = t.clock.nowIso();
    alexId = Number((await t.db.one<{ id: number }>(
      `INSERT INTO patients (mrn, given_name, family_name, birth_date, sex, version, created_at, updated_at)
       VALUES ('ROI-LB-1', 'Alex', 'Rivera', '1980-04-02', 'male', 1, $1, $1) RETURNING id`, [now],
    ))!.id);
    const enc = Number((await t.db.one<{ id: number }>(
      `INSERT INTO encounters (patient_id, encounter_class, admitted_at, discharged_at, department, disposition, reason, created_at, updated_at)
       VALUES ($1, 'outpatient', '2026-03-10T09:00:00.000Z', '2026-03-10T12:00:00.000Z', 'Internal Medicine', 'home', 'Follow-up', $2, $2) RETURNING id`, [alexId, now],
    ))!.id);
    const dx = async (code: string, category: string | null, at = '2026-03-10T10:00:00.000Z') => Number((await t.db.one<{ id: number }>(
      `INSERT INTO diagnoses (encounter_id, patient_id, code, description, chapter, is_primary, recorded_at, sensitivity, sensitivity_category, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'X', FALSE, $5, $6, $7, $8, $8) RETURNING id`,
      [enc, alexId, code, `Diagnosis ${code}`, at, category ? 'restricted' : 'normal', category, now],
    ))!.id);
    ids.dxNormal = await dx('I10', null);
    ids.dxBehavioral = await dx('F32.1', 'behavioral-health');
    ids.dxSubstance = await dx('F10.20', 'substance-use');
    ids.dxOld = await dx('J45.909', null, '2024-05-01T10:00:00.000Z');
    ids.notePsy = Number((await t.db.one<{ id: number }>(
      `INSERT INTO clinical_notes (encounter_id, patient_id, note_type, author_user_id, text, authored_at, sensitivity, sensitivity_category, created_at, updated_at)
       VALUES ($1, $2, 'psychotherapy', 2, 'session', '2026-03-10T11:00:00.000Z', 'restricted', 'psychotherapy', $3, $3) RETURNING id`, [enc, alexId, now],
    ))!.id);
  });
  afterAll(() => t.close());

  it('an insurer must say whether it is a health plan; a life insurer is not one and needs an authorization (164.103, 164.508)', async () => {
    const base = { requesterType: 'insurer', requesterName: 'Acme Life Insurance', purpose: 'Life insurance underwriting' };
    const before = Number((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM roi_requests'))!.n);
    const unstated = await create(base, 400);
    expect(fields(unstated.body)).toEqual(['recipientKind']);
    expect(unstated.body.details[0].problems[0]).toMatch(/not a health plan \(164\.103\).*164\.508/);
    const life = await create({ ...base, recipientKind: 'life-insurer' }, 400);
    expect(fields(life.body)).toEqual(['authorization']);
    const asPayment = await create({ ...base, recipientKind: 'life-insurer', legalBasis: 'payment' }, 400);
    expect(asPayment.body.details.find((d: { field: string }) => d.field === 'recipientKind').problems[0]).toMatch(/not a health plan/);
    // Named a health plan, the name and purpose still give it away at validation.
    const disguised = await create({ ...base, recipientKind: 'health-plan' });
    expect(disguised.body).toMatchObject({ legalBasis: 'payment', recipientKind: 'health-plan', basisCheck: { valid: false } });
    await step(disguised.body.id, 'verify-identity');
    const refused = await step(disguised.body.id, 'validate-authorization', {}, 400);
    expect(fields(refused.body)).toEqual(['recipientKind']);
    await step(disguised.body.id, 'deny', { denialCode: 'no-legal-basis', reason: 'A life insurer needs an authorization.' });
    expect(Number((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM roi_requests'))!.n)).toBe(before + 1);
    // A basis a release does not rest on is refused.
    const oversight = await create({ requesterType: 'other', requesterName: 'State Board', purpose: 'Audit', legalBasis: 'health-oversight' }, 400);
    expect(oversight.body.details[0].problems[0]).toMatch(/not a basis this release-of-information service releases under/);
  });

  it('a real health plan is paid under payment (164.506(c)): no authorization, exempt from the accounting', async () => {
    const res = await create({ requesterType: 'insurer', recipientKind: 'health-plan', requesterName: 'Springfield Health Plan', purpose: 'Claim review for the March 2026 visit' });
    expect(res.body).toMatchObject({ legalBasis: 'payment', accounting: { exempt: true }, basisCheck: { valid: true, problems: [] } });
    await walk(res.body.id, ['verify-identity', 'validate-authorization', 'begin-review', 'approve', 'fulfil', 'close']);
    expect((await disclosure(res.body.id))!.exemption).toMatch(/payment/);
  });

  it('police with purpose "investigation" and no warrant, subpoena, order or administrative request: 400 listing what is missing, nothing changes', async () => {
    const res = await create({ requesterType: 'law_enforcement', requesterName: 'Springfield Police Department', purpose: 'Investigation', recordTypes: ['diagnoses', 'notes'] });
    expect(res.body).toMatchObject({ legalBasis: 'law-enforcement', recipientKind: 'law-enforcement', basisCheck: { valid: false, citation: '45 CFR 164.512(f)' } });
    await step(res.body.id, 'verify-identity');
    const before = (await (await t.as('roi.nguyen')).get(`/roi/requests/${res.body.id}`).expect(200)).body;
    const refused = await step(res.body.id, 'validate-authorization', {}, 400);
    expect(fields(refused.body)).toEqual(['lawEnforcement.path', 'legalProcess']);
    expect(refused.body.details[0].problems[0]).toMatch(/an investigation alone is not one/);
    const after = (await (await t.as('roi.nguyen')).get(`/roi/requests/${res.body.id}`).expect(200)).body;
    expect(after).toMatchObject({ status: 'identity-verified', version: before.version });
    await step(res.body.id, 'begin-review', {}, 409);
    await (await t.as('roi.nguyen')).get(`/patients/${alexId}/record`).expect(403);
    const denied = await step(res.body.id, 'deny', { denialCode: 'no-legal-basis', reason: 'No warrant, subpoena, order or administrative request (164.512(f)(1)(ii)).' });
    expect(denied.body.status).toBe('denied');
    expect(await disclosure(res.body.id)).toBeUndefined();
  });

  it('police with a court-ordered warrant: released inside its scope, in the accounting (164.512(f)(1)(ii)(A))', async () => {
    const res = await create({
      requesterType: 'law_enforcement', requesterName: 'Springfield Police Department', purpose: 'Investigation of an assault', recordTypes: ['diagnoses', 'notes'],
      lawEnforcement: { path: 'legal-process' },
      legalProcess: {
        type: 'court-ordered-warrant', issuedBy: 'Springfield District Court', issuedOn: day(-2), docketNumber: 'SW-2026-41',
        documents: [{ title: 'Search warrant', reference: 'scan://warrants/SW-2026-41.pdf' }], scope: { recordTypes: ['diagnoses'], dateFrom: '2026-01-01' },
      },
    });
    await step(res.body.id, 'verify-identity');
    const scopeRefused = await step(res.body.id, 'validate-authorization', {}, 400);
    expect(fields(scopeRefused.body)).toEqual(['dateFrom', 'recordTypes']);
    // The desk narrows nothing itself: the request is corrected by a new one, or the warrant reaches it. Here: a new one.
    await step(res.body.id, 'cancel', { reason: 'Re-logged inside the warrant\'s scope.' });
    const ok = await create({
      requesterType: 'law_enforcement', requesterName: 'Springfield Police Department', purpose: 'Investigation of an assault', recordTypes: ['diagnoses'], dateFrom: '2026-01-01',
      lawEnforcement: { path: 'legal-process' },
      legalProcess: { type: 'court-ordered-warrant', issuedBy: 'Springfield District Court', issuedOn: day(-2), documents: [{ title: 'Search warrant' }], scope: { recordTypes: ['diagnoses'], dateFrom: '2026-01-01' } },
    });
    await walk(ok.body.id, ['verify-identity', 'validate-authorization', 'begin-review']);
    const records = (await (await t.as('roi.nguyen')).get(`/roi/requests/${ok.body.id}/records`).expect(200)).body;
    expect(records.diagnoses.map((d: { id: number }) => d.id)).toEqual([ids.dxNormal]);
    const reasons = (records.withheld as { reason: string }[]).map((w) => w.reason).join(' | ');
    expect(reasons).toMatch(/limited by what the court-ordered-warrant expressly reaches .*required by law, 164\.512\(a\), so minimum necessary does not apply, 164\.502\(b\)\(2\)\(v\)/);
    expect(reasons).not.toMatch(/164\.502\(b\)[^(]/);
    await walk(ok.body.id, ['approve', 'fulfil', 'close']);
    expect(await disclosure(ok.body.id)).toMatchObject({ recipient_name: 'Springfield Police Department', exemption: null });
    expect([false, 0]).toContain((await disclosure(ok.body.id))!.exempt);
  });

  it('(f)(2) identification and location: limited data only', async () => {
    const res = await create({
      requesterType: 'law_enforcement', requesterName: 'County Sheriff', purpose: 'Locating a fugitive', recordTypes: ['encounters', 'notes'],
      lawEnforcement: { path: 'identification-location', subjectRole: 'fugitive' },
    });
    await step(res.body.id, 'verify-identity');
    const refused = await step(res.body.id, 'validate-authorization', {}, 400);
    expect(refused.body.details).toEqual([{ field: 'recordTypes', problems: [expect.stringMatching(/164\.512\(f\)\(2\)/)] }]);
  });

  it('the legal process desk: a subpoena is logged with its documents, refused until satisfactory assurances arrive, then released in its scope', async () => {
    const subpoena = {
      type: 'subpoena', issuedBy: 'Smith & Jones LLP, for the Springfield County Superior Court', issuedOn: day(-20), docketNumber: 'CV-2026-00417',
      documents: [{ title: 'Subpoena duces tecum', reference: 'scan://legal/CV-2026-00417-subpoena.pdf' }], scope: { recordTypes: ['diagnoses'], dateFrom: '2026-01-01' },
    };
    const res = await create({ requesterType: 'attorney', requesterName: 'Smith & Jones LLP', purpose: 'Personal injury litigation', dateFrom: '2026-01-01', legalProcess: subpoena });
    expect(res.body).toMatchObject({ legalBasis: 'judicial', recipientKind: 'attorney', accounting: { exempt: false }, basisFacts: { legalProcess: { docketNumber: 'CV-2026-00417' } } });
    await step(res.body.id, 'verify-identity');
    const refused = await step(res.body.id, 'validate-authorization', {}, 400);
    expect(fields(refused.body)).toEqual([
      'legalProcess.notice.goodFaithWrittenNotice', 'legalProcess.notice.objectionPeriodEnded', 'legalProcess.notice.objections',
      'legalProcess.notice.sufficientInformationToObject', 'legalProcess.protectiveOrder.limitsUseToProceeding', 'legalProcess.protectiveOrder.returnOrDestroyAtEnd',
      'legalProcess.protectiveOrder.status',
    ]);
    const desk = (await (await t.as('roi.garcia')).get('/roi/requests?legalBasis=judicial').expect(200)).body;
    expect(desk.items.map((i: { id: number }) => i.id)).toContain(res.body.id);
    const roi = await t.as('roi.garcia');
    const current = (await roi.get(`/roi/requests/${res.body.id}`).expect(200)).body;
    await roi.put(`/roi/requests/${res.body.id}/basis-facts`).send({ version: current.version }).expect(400);
    await roi.put(`/roi/requests/${res.body.id}/basis-facts`).send({ legalProcess: { type: 'writ' }, version: current.version }).expect(400);
    const notice = { goodFaithWrittenNotice: true, noticeSentOn: day(-18), sufficientInformationToObject: true, objectionPeriodEnded: true, objections: 'none' };
    const fixed = await roi.put(`/roi/requests/${res.body.id}/basis-facts`).send({ legalProcess: { ...subpoena, notice }, version: current.version }).expect(200);
    expect(fixed.body.basisCheck).toEqual({ valid: true, citation: '45 CFR 164.512(e)', problems: [] });
    expect(fixed.body.history.at(-1)).toMatchObject({ action: 'replace-basis-facts', details: { fields: ['legalProcess'] } });
    await walk(res.body.id, ['validate-authorization', 'begin-review']);
    await roi.put(`/roi/requests/${res.body.id}/basis-facts`).send({ legalProcess: subpoena, version: fixed.body.version + 2 }).expect(409);
    const records = (await (await t.as('roi.nguyen')).get(`/roi/requests/${res.body.id}/records`).expect(200)).body;
    expect(records.diagnoses.map((d: { id: number }) => d.id)).toEqual([ids.dxNormal]);
    // A subpoena without an order is not required by law: minimum necessary limits it (164.502(b)).
    expect((records.withheld as { reason: string }[]).some((w) => /minimum necessary \(45 CFR 164\.502\(b\)/.test(w.reason))).toBe(true);
    await walk(res.body.id, ['approve', 'fulfil', 'close']);
    expect(await disclosure(res.body.id)).toMatchObject({ recipient_name: 'Smith & Jones LLP', exemption: null });
  });

  it('a court order reaches what it expressly authorizes, a restricted category included', async () => {
    const res = await create({
      requesterType: 'other', recipientKind: 'court', requesterName: 'Springfield County Family Court', purpose: 'Custody proceeding', dateFrom: '2026-01-01',
      legalProcess: {
        type: 'court-order', issuedBy: 'Springfield County Family Court', issuedOn: day(-3), docketNumber: 'FC-2026-12', documents: [{ title: 'Order to produce records' }],
        scope: { recordTypes: ['diagnoses'], dateFrom: '2026-01-01', categories: ['behavioral-health'] },
      },
    });
    expect(res.body.legalBasis).toBe('judicial');
    await walk(res.body.id, ['verify-identity', 'validate-authorization', 'begin-review']);
    const records = (await (await t.as('roi.nguyen')).get(`/roi/requests/${res.body.id}/records`).expect(200)).body;
    expect(records.diagnoses.map((d: { id: number }) => d.id).sort()).toEqual([ids.dxNormal, ids.dxBehavioral].sort());
    await step(res.body.id, 'cancel', { reason: 'Done in class.' });
  });

  it('treatment is not limited by authorization categories: behavioral health goes, Part 2 and psychotherapy notes stay out (164.506(c), 164.508(a)(2), 42 CFR 2.31)', async () => {
    const res = await create({ requesterType: 'provider', requesterName: 'Springfield Cardiology', purpose: 'Continuing care', recordTypes: ['diagnoses', 'notes'] });
    expect(res.body).toMatchObject({ legalBasis: 'treatment', recipientKind: 'health-care-provider', basisCheck: { valid: true } });
    await walk(res.body.id, ['verify-identity', 'validate-authorization', 'begin-review']);
    const records = (await (await t.as('roi.nguyen')).get(`/roi/requests/${res.body.id}/records`).expect(200)).body;
    const dxIds = records.diagnoses.map((d: { id: number }) => d.id);
    expect(dxIds).toEqual(expect.arrayContaining([ids.dxNormal, ids.dxBehavioral, ids.dxOld]));
    expect(dxIds).not.toContain(ids.dxSubstance);
    expect(records.notes.map((n: { id: number }) => n.id)).not.toContain(ids.notePsy);
    const reasons = (records.withheld as { reason: string }[]).map((w) => w.reason);
    expect(reasons).toEqual(expect.arrayContaining([expect.stringMatching(/42 CFR 2\.31/), expect.stringMatching(/164\.508\(a\)\(2\)/)]));
    expect(reasons.join(' ')).not.toMatch(/behavioral-health/);
    expect(reasons.join(' ')).not.toMatch(/minimum necessary, 45 CFR 164\.502\(b\)\)/);
    await step(res.body.id, 'cancel', { reason: 'Done in class.' });
  });

  it('a self request naming a third party is a direction (164.524(c)(3)(ii)): 400 until signed, then released to that recipient and recorded as such', async () => {
    const patient = await t.as('patient.demo');
    const res = await patient.post('/roi/requests')
      .send({ patientId: demoId, requesterType: 'self', requesterName: 'Dr. Outside Clinic', purpose: 'Second opinion', recordTypes: ['diagnoses'], format: 'electronic' })
      .expect(201);
    expect(res.body).toMatchObject({ legalBasis: 'individual', recipientKind: 'other', requesterName: 'Dr. Outside Clinic' });
    await step(res.body.id, 'verify-identity');
    const refused = await step(res.body.id, 'confirm-right-of-access', {}, 400);
    expect(refused.body.details).toEqual([{ field: 'direction', problems: [expect.stringMatching(/written, signed direction.*164\.524\(c\)\(3\)\(ii\)/)] }]);
    const roi = await t.as('roi.garcia');
    const current = (await roi.get(`/roi/requests/${res.body.id}`).expect(200)).body;
    const partial = await roi.put(`/roi/requests/${res.body.id}/basis-facts`).send({ direction: { signedBy: 'Someone Else' }, version: current.version }).expect(200);
    expect(partial.body.basisCheck.problems.map((p: { field: string }) => p.field).sort()).toEqual(['direction.recipient', 'direction.sendTo', 'direction.signedBy', 'direction.signedOn']);
    const name = (await t.db.one<{ given_name: string; family_name: string }>('SELECT given_name, family_name FROM patients WHERE id = $1', [demoId]))!;
    await roi.put(`/roi/requests/${res.body.id}/basis-facts`)
      .send({ direction: { signedBy: `${name.given_name} ${name.family_name}`, signedOn: day(-1), recipient: 'Dr. Outside Clinic', sendTo: '200 Elm St, Shelbyville' }, version: partial.body.version })
      .expect(200);
    await walk(res.body.id, ['confirm-right-of-access', 'begin-review', 'approve', 'fulfil']);
    const row = (await disclosure(res.body.id))!;
    expect(row).toMatchObject({ recipient_name: 'Dr. Outside Clinic', recipient_address: '200 Elm St, Shelbyville' });
    expect(row.exemption).toMatch(/164\.524\(c\)\(3\)\(ii\)/);
    const pkg = JSON.parse((await patient.get(`/roi/requests/${res.body.id}/package`).expect(200)).text);
    expect(pkg.recipient.name).toBe('Dr. Outside Clinic');
    // The patient's plain own copy is not a direction: no direction asked.
    const own = await patient.post('/roi/requests').send({ patientId: demoId, requesterType: 'self', purpose: 'Own copy', recordTypes: ['diagnoses'], format: 'electronic' }).expect(201);
    expect(own.body).toMatchObject({ recipientKind: 'individual' });
    await walk(own.body.id, ['verify-identity', 'confirm-right-of-access']);
  });

  it('scope refusals cite the rule that limits them: the individual\'s request and psychotherapy notes under the right of access', async () => {
    const res = await create({ requesterType: 'self', purpose: 'Own copy by phone', recordTypes: ['notes'] });
    await walk(res.body.id, ['verify-identity', 'confirm-right-of-access', 'begin-review']);
    const records = (await (await t.as('roi.nguyen')).get(`/roi/requests/${res.body.id}/records`).expect(200)).body;
    const reasons = (records.withheld as { reason: string }[]).map((w) => w.reason);
    expect(reasons).toEqual([expect.stringMatching(/excluded from the right of access \(45 CFR 164\.524\(a\)\(1\)\(i\)\)/)]);
    const record = (await (await t.as('roi.nguyen')).get(`/patients/${alexId}/record`).expect(200)).body;
    const outside = JSON.stringify(record.withheld ?? []);
    expect(outside).not.toMatch(/minimum necessary, 45 CFR 164\.502\(b\)\)/);
    await step(res.body.id, 'cancel', { reason: 'Done in class.' });
  });

  it('the Part 2 redisclosure notice is the 2024 text of 42 CFR 2.32(a)(1)', () => {
    expect(PART2_REDISCLOSURE_NOTICE).toMatch(/^This record which has been disclosed to you is protected by Federal confidentiality rules \(42 CFR part 2\)\./);
    expect(PART2_REDISCLOSURE_NOTICE).toMatch(/civil, criminal, administrative, or legislative proceedings/);
    expect(PART2_REDISCLOSURE_NOTICE).toMatch(/covered entity or business associate and have received the record for treatment, payment, or health care operations/);
    expect(PART2_REDISCLOSURE_NOTICE).not.toMatch(/identifies a patient as having or having had a substance use disorder/);
  });
});

describe('the seeded legal-basis examples (seed/legal-basis-examples.ts)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp({ patients: 14 }); });
  afterAll(() => t.close());

  it('a subpoena awaiting assurances and a police request without process, both refused at validation', async () => {
    const roi = await t.as('roi.nguyen');
    const desk = (await roi.get('/roi/requests?legalBasis=judicial').expect(200)).body.items as { id: number; requesterName: string }[];
    const subpoena = desk.find((r) => r.requesterName === 'Smith & Jones LLP')!;
    const detail = (await roi.get(`/roi/requests/${subpoena.id}`).expect(200)).body;
    expect(detail).toMatchObject({ status: 'identity-verified', basisFacts: { legalProcess: { docketNumber: 'CV-2026-00417' } }, basisCheck: { valid: false } });
    const refused = await roi.post(`/roi/requests/${subpoena.id}/transitions`).send({ action: 'validate-authorization', version: detail.version }).expect(400);
    expect(refused.body.details.map((d: { field: string }) => d.field)).toContain('legalProcess.notice.objectionPeriodEnded');
    const police = (await roi.get('/roi/requests?legalBasis=law-enforcement').expect(200)).body.items[0];
    expect(police).toMatchObject({ requesterName: 'Springfield Police Department', purpose: 'Investigation', status: 'received' });
  });
});
