import { DAY_MS } from '../src/common/clock';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Issue 13, item 1: coders never change the clinician's documentation; they read it (notes included, never
 * psychotherapy notes or Part 2 records), assign the final codes on a versioned coding abstract, and ask the
 * attending through compliant provider queries whose answers become part of the record.
 */
describe('coding abstract and provider queries', () => {
  let t: TestApp;
  let chen: number;
  let coder: number;
  /** A discharged inpatient stay of one of dr.chen's patients, with no restricted diagnosis. */
  let inpatient: { id: number; patient_id: number };
  let outpatient: { id: number };
  let openStay: { id: number } | undefined;

  beforeAll(async () => {
    t = await createTestApp({ patients: 40 });
    const id = async (u: string) => Number((await t.db.one<{ id: number }>('SELECT id FROM users WHERE username = $1', [u]))!.id);
    chen = await id('dr.chen');
    coder = await id('coder.kim');
    const plain = `e.sensitivity = 'normal' AND e.status = 'active' AND p.vip = FALSE AND p.user_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM diagnoses d WHERE d.encounter_id = e.id AND d.sensitivity = 'restricted')
      AND NOT EXISTS (SELECT 1 FROM provider_queries q WHERE q.encounter_id = e.id)`;
    inpatient = (await t.db.one<{ id: number; patient_id: number }>(
      `SELECT e.id, e.patient_id FROM encounters e JOIN patients p ON p.id = e.patient_id
        WHERE e.attending_user_id = $1 AND e.encounter_class = 'inpatient' AND e.discharged_at IS NOT NULL AND ${plain} ORDER BY e.id LIMIT 1`, [chen]))!;
    outpatient = (await t.db.one<{ id: number }>(
      `SELECT e.id FROM encounters e JOIN patients p ON p.id = e.patient_id
        WHERE e.attending_user_id = $1 AND e.encounter_class = 'outpatient' AND ${plain} ORDER BY e.id LIMIT 1`, [chen]))!;
    openStay = await t.db.one<{ id: number }>(
      `SELECT e.id FROM encounters e JOIN patients p ON p.id = e.patient_id WHERE e.discharged_at IS NULL AND ${plain} ORDER BY e.id LIMIT 1`);
  });
  afterAll(() => t.close());

  const denials = async (actor: number, resourceType: string) =>
    Number((await t.db.one<{ n: unknown }>(`SELECT COUNT(*) AS n FROM audit_events WHERE actor_user_id = $1 AND action = 'access-denied' AND resource_type = $2`, [actor, resourceType]))!.n);

  describe('coders no longer change clinical items', () => {
    it('attack: coder.kim replacing dr.chen\'s diagnosis is refused (403, audited) and the diagnosis stays active', async () => {
      const dx = (await t.db.one<{ id: number }>(`SELECT id FROM diagnoses WHERE encounter_id = $1 AND status = 'active' ORDER BY id LIMIT 1`, [inpatient.id]))!;
      const before = await denials(coder, 'route');
      const res = await (await t.as('coder.kim')).post(`/encounters/${inpatient.id}/diagnoses`)
        .send({ code: 'I48.11', description: 'Longstanding persistent atrial fibrillation', replacesId: dx.id }).expect(403);
      expect(res.body.message).toMatch(/clinical:write/);
      expect((await t.db.one<{ status: string }>('SELECT status FROM diagnoses WHERE id = $1', [dx.id]))!.status).toBe('active');
      expect(await t.db.one(`SELECT 1 AS x FROM diagnoses WHERE encounter_id = $1 AND code = 'I48.11'`, [inpatient.id])).toBeUndefined();
      const after = Number((await t.db.one<{ n: unknown }>(`SELECT COUNT(*) AS n FROM audit_events WHERE actor_user_id = $1 AND action = 'access-denied'`, [coder]))!.n);
      expect(after).toBeGreaterThan(before);
    });

    it('attack: a coder cannot add procedures or mark items entered-in-error either', async () => {
      const coderApi = await t.as('coder.kim');
      await coderApi.post(`/encounters/${inpatient.id}/procedures`).send({ codeSystem: 'CPT', code: '93306', description: 'Echo', performedAt: '2026-01-01T00:00:00Z' }).expect(403);
      const dx = (await t.db.one<{ id: number; version: number }>(`SELECT id, version FROM diagnoses WHERE encounter_id = $1 ORDER BY id LIMIT 1`, [inpatient.id]))!;
      await coderApi.post(`/items/diagnoses/${dx.id}/entered-in-error`).send({ version: Number(dx.version), reason: 'coder thinks so' }).expect(403);
    });

    it('the coder reads the encounter\'s notes with their text', async () => {
      const notes = (await (await t.as('coder.kim')).get(`/encounters/${inpatient.id}/notes`).expect(200)).body;
      expect(notes.items.length).toBeGreaterThan(0);
      expect(notes.items[0].text).toEqual(expect.any(String));
      expect(notes.withheld).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'psychotherapy-note' })]));
    });
  });

  describe('the coding abstract', () => {
    const valid = {
      status: 'in-progress',
      principalDiagnosis: { code: 'J18.9', description: 'Pneumonia, unspecified organism', poa: 'Y' },
      secondaryDiagnoses: [{ code: 'I10', description: 'Essential hypertension', poa: 'Y' }, { code: 'N17.9', description: 'Acute kidney failure, unspecified', poa: 'N' }],
      procedures: [{ codeSystem: 'ICD-10-PCS', code: '5A1955Z', description: 'Respiratory ventilation, greater than 96 consecutive hours' }],
    };

    it('starts uncoded, separate from the documentation', async () => {
      const res = await (await t.as('coder.kim')).get(`/encounters/${inpatient.id}/coding-abstract`).expect(200);
      expect(res.body).toMatchObject({ encounterId: inpatient.id, version: 0, status: 'not-coded', principalDiagnosis: null, encounterClass: 'inpatient' });
    });

    it('refuses bad codes with the field named, and changes nothing', async () => {
      const api = await t.as('coder.kim');
      const put = (body: object) => api.put(`/encounters/${inpatient.id}/coding-abstract`).send({ version: 0, ...valid, ...body });
      const noPoa = await put({ secondaryDiagnoses: [{ code: 'I10', description: 'Essential hypertension' }] }).expect(400);
      expect(noPoa.body.details.map((d: { field: string }) => d.field)).toEqual(['secondaryDiagnoses.0.poa']);
      const cpt = await put({ procedures: [{ codeSystem: 'CPT', code: '99223', description: 'Initial hospital care' }] }).expect(400);
      expect(cpt.body.details[0].field).toBe('procedures.0.codeSystem');
      const pcs = await put({ procedures: [{ codeSystem: 'ICD-10-PCS', code: '5A1I55Z', description: 'bad: letter I' }] }).expect(400);
      expect(pcs.body.details[0].field).toBe('procedures.0.code');
      const icd = await put({ principalDiagnosis: { code: 'U07', description: 'not a code', poa: 'Y' } }).expect(400);
      expect(icd.body.details[0].field).toBe('principalDiagnosis.code');
      const poa = await put({ principalDiagnosis: { code: 'J18.9', description: 'Pneumonia', poa: 'X' } }).expect(400);
      expect(poa.body.details[0].field).toBe('principalDiagnosis.poa');
      expect(await t.db.one('SELECT 1 AS x FROM coding_abstract_versions WHERE encounter_id = $1', [inpatient.id])).toBeUndefined();
    });

    it('saves versions, refuses a stale one (409), keeps the history and never touches the diagnoses', async () => {
      const api = await t.as('coder.kim');
      const diagnosesBefore = await t.db.query('SELECT id, status, version FROM diagnoses WHERE encounter_id = $1 ORDER BY id', [inpatient.id]);
      const v1 = await api.put(`/encounters/${inpatient.id}/coding-abstract`).send({ version: 0, ...valid }).expect(200);
      expect(v1.body).toMatchObject({ version: 1, status: 'in-progress', codedBy: coder, codedByName: expect.stringContaining('Kim') });
      const stale = await api.put(`/encounters/${inpatient.id}/coding-abstract`).send({ version: 0, ...valid, status: 'final' }).expect(409);
      expect(stale.body.message).toMatch(/version 1/);
      const v2 = await api.put(`/encounters/${inpatient.id}/coding-abstract`).send({ version: 1, ...valid, status: 'final' }).expect(200);
      expect(v2.body).toMatchObject({ version: 2, status: 'final' });
      const history = (await api.get(`/encounters/${inpatient.id}/coding-abstract/versions`).expect(200)).body;
      expect(history.items.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([[1, 'in-progress'], [2, 'final']]);
      expect(history.items[0].secondaryDiagnoses[1]).toEqual({ code: 'N17.9', description: 'Acute kidney failure, unspecified', poa: 'N' });
      expect(await t.db.query('SELECT id, status, version FROM diagnoses WHERE encounter_id = $1 ORDER BY id', [inpatient.id])).toEqual(diagnosesBefore);
      const audited = await t.db.query(`SELECT action FROM audit_events WHERE resource_type = 'coding-abstract' AND resource_id = $1 AND actor_user_id = $2 AND action IN ('create', 'update') ORDER BY seq`, [String(inpatient.id), coder]);
      expect(audited.map((r) => (r as { action: string }).action)).toEqual(['create', 'update']);
    });

    it('an outpatient abstract takes CPT and no POA; final waits for discharge (409)', async () => {
      const api = await t.as('coder.kim');
      const body = { version: 0, status: 'final', principalDiagnosis: { code: 'I10', description: 'Essential hypertension' }, secondaryDiagnoses: [], procedures: [{ codeSystem: 'CPT', code: '99214', description: 'Office visit' }] };
      const poa = await api.put(`/encounters/${outpatient.id}/coding-abstract`).send({ ...body, principalDiagnosis: { ...body.principalDiagnosis, poa: 'Y' } }).expect(400);
      expect(poa.body.details[0].field).toBe('principalDiagnosis.poa');
      const pcs = await api.put(`/encounters/${outpatient.id}/coding-abstract`).send({ ...body, procedures: [{ codeSystem: 'ICD-10-PCS', code: '5A1955Z', description: 'x' }] }).expect(400);
      expect(pcs.body.details[0].field).toBe('procedures.0.codeSystem');
      await api.put(`/encounters/${outpatient.id}/coding-abstract`).send(body).expect(200);
      if (openStay) {
        const open = await t.db.one<{ encounter_class: string }>('SELECT encounter_class FROM encounters WHERE id = $1', [openStay.id]);
        const inpatientCodes = open!.encounter_class === 'inpatient';
        await api.put(`/encounters/${openStay.id}/coding-abstract`).send(inpatientCodes ? { version: 0, ...valid, status: 'final' } : body).expect(409);
      }
    });

    it('attack: a physician (no coding:write) cannot write the abstract; a registrar cannot read it', async () => {
      await (await t.as('dr.chen')).put(`/encounters/${inpatient.id}/coding-abstract`).send({ version: 2, ...valid }).expect(403);
      await (await t.as('reg.lopez')).get(`/encounters/${inpatient.id}/coding-abstract`).expect(403);
      // The attending reads the codes assigned to their patient's stay.
      expect((await (await t.as('dr.chen')).get(`/encounters/${inpatient.id}/coding-abstract`).expect(200)).body.version).toBe(2);
    });
  });

  describe('provider queries', () => {
    const compliant = {
      kind: 'multiple-choice',
      question: 'Based on the clinical indicators below, please clarify the condition being monitored and treated.',
      clinicalIndicators: ['Hemoglobin 6.9 g/dL on day 2 (11.2 on admission)', 'Transfused 2 units of packed red cells'],
      options: ['Acute blood loss anemia', 'Anemia of chronic disease', 'Dilutional anemia'],
    };
    let queryId: number;

    it('refuses leading queries with 400 naming the field, and stores nothing', async () => {
      const api = await t.as('coder.kim');
      const send = (body: object) => api.post(`/encounters/${inpatient.id}/queries`).send(body).expect(400);
      const money = await send({ ...compliant, question: 'Documenting acute blood loss anemia would raise the DRG weight; please clarify.' });
      expect(money.body.details.map((d: { field: string }) => d.field)).toContain('question');
      const noIndicators = await send({ kind: 'open-ended', question: 'Does the patient have sepsis?', clinicalIndicators: [] });
      expect(noIndicators.body.details.map((d: { field: string }) => d.field)).toEqual(['clinicalIndicators']);
      const leading = await send({ ...compliant, question: 'Please document acute blood loss anemia.' });
      expect(leading.body.details.map((d: { field: string }) => d.field)).toContain('question');
      const yesNo = await send({ kind: 'yes-no', question: 'Is there malnutrition?', clinicalIndicators: ['BMI 16.8'] });
      expect(yesNo.body.details.map((d: { field: string }) => d.field)).toEqual(['kind']);
      const oneOption = await send({ ...compliant, options: ['Acute blood loss anemia'] });
      expect(oneOption.body.details.map((d: { field: string }) => d.field)).toEqual(['options']);
      expect(await t.db.one('SELECT 1 AS x FROM provider_queries WHERE encounter_id = $1', [inpatient.id])).toBeUndefined();
    });

    it('sends a compliant query to the attending, with "other" and "clinically undetermined" added', async () => {
      const res = await (await t.as('coder.kim')).post(`/encounters/${inpatient.id}/queries`).send(compliant).expect(201);
      queryId = res.body.id;
      expect(res.body).toMatchObject({ status: 'open', addresseeUserId: chen, askedBy: coder, daysOpen: 0, overdue: false, version: 1 });
      expect(res.body.options).toEqual([...compliant.options, 'Other (please specify)', 'Clinically undetermined']);
    });

    it('a yes/no query is allowed for present on admission', async () => {
      const res = await (await t.as('coder.kim')).post(`/encounters/${inpatient.id}/queries`)
        .send({ kind: 'yes-no', topic: 'present-on-admission', question: 'Was the pressure injury of the sacrum present on admission?', clinicalIndicators: ['Nursing admission skin assessment: sacral redness'] }).expect(201);
      expect(res.body.options).toEqual(['Yes', 'No', 'Other (please specify)', 'Clinically undetermined']);
    });

    it('lists: the coder\'s open queries and the physician\'s queries to answer', async () => {
      const sent = (await (await t.as('coder.kim')).get('/coding/queries?status=open').expect(200)).body;
      expect(sent.items.map((q: { id: number }) => q.id)).toContain(queryId);
      expect(sent.items.filter((q: { encounterId: number }) => q.encounterId === inpatient.id)).toHaveLength(2);
      expect(sent.items.every((q: { askedBy: number; status: string }) => q.askedBy === coder && q.status === 'open')).toBe(true);
      const mine = (await (await t.as('dr.chen')).get('/me/queries?status=open').expect(200)).body;
      expect(mine.items.map((q: { id: number }) => q.id)).toContain(queryId);
      expect((await (await t.as('dr.okafor')).get('/me/queries').expect(200)).body.total).toBe(0);
      await (await t.as('dr.chen')).get('/coding/queries').expect(403);
    });

    it('attack: a physician answering a query on someone else\'s encounter is refused (403, audited)', async () => {
      const okafor = Number((await t.db.one<{ id: number }>(`SELECT id FROM users WHERE username = 'dr.okafor'`))!.id);
      const before = await denials(okafor, 'provider-query');
      await (await t.as('dr.okafor')).post(`/queries/${queryId}/answer`).send({ version: 1, option: 'Dilutional anemia', response: 'x' }).expect(403);
      expect(await denials(okafor, 'provider-query')).toBe(before + 1);
      // On the care team, but neither the addressee nor the attending: still refused.
      await t.db.execute(`INSERT INTO care_team_members (patient_id, user_id, team_role, added_at) VALUES ($1, $2, 'consultant', $3)`, [inpatient.patient_id, okafor, t.clock.nowIso()]);
      const other = await (await t.as('dr.okafor')).post(`/queries/${queryId}/answer`).send({ version: 1, option: 'Dilutional anemia', response: 'x' }).expect(403);
      expect(other.body.message).toMatch(/addressed to another physician/);
      await t.db.execute('DELETE FROM care_team_members WHERE patient_id = $1 AND user_id = $2', [inpatient.patient_id, okafor]);
      await (await t.as('coder.kim')).post(`/queries/${queryId}/answer`).send({ version: 1, option: 'Dilutional anemia', response: 'x' }).expect(403);
      expect((await t.db.one<{ status: string }>('SELECT status FROM provider_queries WHERE id = $1', [queryId]))!.status).toBe('open');
    });

    it('the attending answers; the answer becomes a signed note of the encounter that the coder reads', async () => {
      const chenApi = await t.as('dr.chen');
      const bad = await chenApi.post(`/queries/${queryId}/answer`).send({ version: 1, option: 'Sepsis', response: 'x' }).expect(400);
      expect(bad.body.details[0].field).toBe('option');
      await chenApi.post(`/queries/${queryId}/answer`).send({ version: 7, option: 'Acute blood loss anemia', response: 'Postoperative bleeding.' }).expect(409);
      const res = await chenApi.post(`/queries/${queryId}/answer`).send({ version: 1, option: 'Acute blood loss anemia', response: 'Due to postoperative bleeding; transfused.' }).expect(200);
      expect(res.body).toMatchObject({ status: 'answered', answerOption: 'Acute blood loss anemia', version: 2 });
      const notes = (await (await t.as('coder.kim')).get(`/encounters/${inpatient.id}/notes`).expect(200)).body.items;
      const note = notes.find((n: { id: number }) => n.id === res.body.responseNoteId);
      expect(note).toMatchObject({ queryId, authorUserId: chen, signedBy: chen, noteType: 'progress' });
      expect(note.text).toMatch(/Answer: Acute blood loss anemia/);
      expect(note.signedAt).toEqual(expect.any(String));
      await chenApi.post(`/queries/${queryId}/answer`).send({ version: 2, option: 'Acute blood loss anemia', response: 'again' }).expect(409);
      await (await t.as('coder.kim')).post(`/queries/${queryId}/transitions`).send({ action: 'withdraw', version: 2 }).expect(409);
    });

    it('ages: overdue after QUERY_OVERDUE_DAYS, then it may be expired (not before)', async () => {
      const api = await t.as('coder.kim');
      const open = (await api.get('/coding/queries?status=open').expect(200)).body.items.find((q: { encounterId: number }) => q.encounterId === inpatient.id);
      const early = await api.post(`/queries/${open.id}/transitions`).send({ action: 'expire', version: open.version }).expect(409);
      expect(early.body.message).toMatch(/not overdue/);
      t.clock.advance(8 * DAY_MS);
      try {
        const later = (await (await t.as('coder.kim')).get('/coding/queries?status=open').expect(200)).body.items.find((q: { id: number }) => q.id === open.id);
        expect(later).toMatchObject({ id: open.id, daysOpen: 8, overdue: true });
        const expired = await (await t.as('coder.kim')).post(`/queries/${open.id}/transitions`).send({ action: 'expire', version: open.version, reason: 'No response after escalation' }).expect(200);
        expect(expired.body).toMatchObject({ status: 'expired', overdue: false });
      } finally {
        t.clock.advance(-8 * DAY_MS);
      }
    });
  });
});
