import fc from 'fast-check';
import request from 'supertest';
import { createTestApp, TestApp } from './helpers/test-app';

/** Minimum necessary views, object-level authorization, versions, corrections, and explain = the real decision. */
describe('records', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ patients: 40 });
  });
  afterAll(() => t.close());

  const record = async (username: string, patientId: number) => (await (await t.as(username)).get(`/patients/${patientId}/record`).expect(200)).body;
  const psychotherapyEncounter = async () =>
    (await t.db.one<{ encounter_id: number; patient_id: number; author_user_id: number }>(
      `SELECT encounter_id, patient_id, author_user_id FROM clinical_notes WHERE note_type = 'psychotherapy' AND patient_id = 1 ORDER BY id LIMIT 1`,
    ))!;

  describe('minimum-necessary views', () => {
    it('a coder reads the whole documentation with note text; never psychotherapy notes or Part 2 records (issue 13)', async () => {
      const r = await record('coder.kim', 1);
      expect(r.view).toBe('coding');
      expect(Object.keys(r).sort()).toEqual(['access', 'demographics', 'diagnoses', 'encounters', 'notes', 'observations', 'patientId', 'procedures', 'view', 'withheld']);
      expect(r.notes.length).toBeGreaterThan(0);
      expect(r.notes.every((n: { text: string }) => typeof n.text === 'string' && n.text.length > 0)).toBe(true);
      expect(r.notes.some((n: { noteType: string }) => n.noteType === 'psychotherapy')).toBe(false);
      for (const section of ['diagnoses', 'procedures', 'observations', 'notes']) {
        expect(r[section].some((i: { sensitivityCategory: string | null }) => i.sensitivityCategory === 'substance-use' || i.sensitivityCategory === 'psychotherapy')).toBe(false);
      }
      expect(r.withheld).toEqual(expect.arrayContaining([
        expect.objectContaining({ section: 'notes', code: 'psychotherapy-note' }),
        expect.objectContaining({ section: 'diagnoses', code: 'restricted-category', reason: expect.stringContaining('42 CFR Part 2') }),
      ]));
    });

    it('a registrar gets demographics only', async () => {
      const r = await record('reg.lopez', 1);
      expect(Object.keys(r).sort()).toEqual(['access', 'demographics', 'patientId', 'view', 'withheld']);
      expect(r.demographics).toMatchObject({ id: 1, mrn: 'MRN00000001' });
    });

    it('a nurse never receives psychotherapy notes, through the record or the encounter', async () => {
      const { encounter_id } = await psychotherapyEncounter();
      const r = await record('nurse.patel', 1);
      expect(r.notes.length).toBeGreaterThan(0);
      expect(r.notes.some((n: { noteType: string }) => n.noteType === 'psychotherapy')).toBe(false);
      expect(r.notes.some((n: { sensitivity: string }) => n.sensitivity === 'restricted')).toBe(true);
      const enc = await (await t.as('nurse.patel')).get(`/encounters/${encounter_id}/notes`).expect(200);
      expect(enc.body.items.some((n: { noteType: string }) => n.noteType === 'psychotherapy')).toBe(false);
      // The limit, not a count: withheld items are absent (item-visibility.ts).
      expect(enc.body.withheld).toEqual([expect.objectContaining({ section: 'notes', code: 'psychotherapy-note' })]);
    });

    it('the author of a psychotherapy note reads it; the HIM technician does not (not part of the designated record set)', async () => {
      const { author_user_id } = await psychotherapyEncounter();
      const author = (await t.db.one<{ username: string }>('SELECT username FROM users WHERE id = $1', [author_user_id]))!.username;
      expect((await record(author, 1)).notes.some((n: { noteType: string }) => n.noteType === 'psychotherapy')).toBe(true);
      const him = await record('him.jones', 1);
      expect(him.view).toBe('designated-record-set');
      expect(him.notes.some((n: { noteType: string }) => n.noteType === 'psychotherapy')).toBe(false);
    });

    it('the patient reads their own record with its restricted items, never psychotherapy notes', async () => {
      const me = (await (await t.as('patient.demo')).get('/me/record').expect(200)).body;
      expect(me.patientId).toBe(1);
      expect(me.notes.some((n: { noteType: string }) => n.noteType === 'psychotherapy')).toBe(false);
      const restricted = [...me.diagnoses, ...me.notes].filter((i: { sensitivity: string }) => i.sensitivity === 'restricted');
      expect(restricted.length).toBeGreaterThan(0);
      expect(me.withheld).toEqual([expect.objectContaining({ section: 'notes', reason: 'psychotherapy notes are not part of this view' })]);
    });

    it('the patient sees who opened their record, and an empty accounting of disclosures', async () => {
      await (await t.as('dr.chen')).get('/patients/1/record').set('X-Purpose-Of-Use', 'TREAT').expect(200);
      const log = (await (await t.as('patient.demo')).get('/me/access-log').expect(200)).body;
      expect(log.items[0]).toMatchObject({ who: { name: expect.any(String), role: 'physician' }, action: 'read', purposeOfUse: 'TREAT', breakGlass: false });
      expect(log.items.some((e: { who: { role: string } }) => e.who.role === 'patient')).toBe(false);
      const disclosures = (await (await t.as('patient.demo')).get('/me/disclosures').expect(200)).body;
      expect(disclosures.items).toEqual([]);
    });

    it('a search is audited with its terms and the number of results, not their content', async () => {
      const res = await (await t.as('reg.lopez')).get('/patients?search=Patel').set('X-Request-Id', 'search-audit-1').expect(200);
      expect(res.body.total).toBeGreaterThan(0);
      const row = await t.db.one<{ details: string; patient_id: number | null }>(`SELECT details, patient_id FROM audit_events WHERE request_id = 'search-audit-1'`);
      expect(JSON.parse(row!.details)).toEqual({ criteria: 'name', terms: 'Patel', results: res.body.total });
      expect(row!.patient_id).toBeNull();
    });

    it('a VIP hit is masked (no name, birth date or MRN) to someone without a relation or registration duties (issue 11, finding 6)', async () => {
      const vip = (await t.db.one<{ given_name: string; family_name: string; birth_date: string }>('SELECT given_name, family_name, birth_date FROM patients WHERE id = 4'))!;
      const nurse = await t.as('nurse.patel');
      // The attack: the VIP's full name, birth date, and a three-letter prefix of the given name.
      for (const search of [`${vip.family_name} ${vip.given_name}`, vip.birth_date, vip.given_name.slice(0, 3).toLowerCase()]) {
        const res = await nurse.get(`/patients?search=${encodeURIComponent(search)}&pageSize=200`).set('X-Request-Id', `vip-${search.length}`).expect(200);
        const hit = res.body.items.find((p: { id: number }) => p.id === 4);
        expect({ search, hit }).toEqual({ search, hit: { id: 4, vip: true, confidential: expect.any(String) } });
        expect(JSON.stringify(res.body)).not.toContain(vip.birth_date);
        const row = await t.db.one<{ details: string }>(`SELECT details FROM audit_events WHERE request_id = $1`, [`vip-${search.length}`]);
        expect(JSON.parse(row!.details)).toMatchObject({ terms: search });
      }
      // Registration duties (demographics:write) see the entry they registered.
      const registrar = (await (await t.as('reg.lopez')).get('/patients?pageSize=200').expect(200)).body.items.find((p: { id: number }) => p.id === 4);
      expect(registrar).toMatchObject({ id: 4, mrn: 'MRN00000004', vip: true, familyName: vip.family_name });
    });

    it('a search string over 100 characters is a 400 naming it', async () => {
      const res = await (await t.as('reg.lopez')).get(`/patients?search=${'a'.repeat(10_000)}`).expect(400);
      expect(res.body.details[0].field).toBe('search');
    });
  });

  describe('object-level authorization for a patient user', () => {
    const forms = ['2', '3', '4', '40', '02', '2.0', '+2', '-1', '0x2', '2%20', '%32', '1e1', '2;1', '[2]'];
    const routes = (id: string) => [
      ['get', `/patients/${id}`], ['get', `/patients/${id}/record`], ['get', `/patients/${id}/encounters`],
      ['get', `/patients/${id}/care-team`], ['get', `/patients/${id}/amendments`], ['post', `/patients/${id}/amendments`],
    ] as const;

    it('cannot reach another patient through any endpoint, with any id form', async () => {
      const as = await t.as('patient.demo');
      for (const id of forms) {
        for (const [method, url] of routes(id)) {
          const res = await as[method](url).send(method === 'post' ? { itemType: 'notes', itemId: 1, requestedChange: 'x', justification: 'y' } : undefined);
          expect([400, 403, 404]).toContain(res.status);
          expect(JSON.stringify(res.body)).not.toMatch(/"mrn"|"givenName"|"familyName"/);
        }
      }
    });

    it('cannot reach another patient\'s encounters or items by encounter id', async () => {
      const other = (await t.db.one<{ id: number }>('SELECT id FROM encounters WHERE patient_id <> 1 ORDER BY id LIMIT 1'))!.id;
      const as = await t.as('patient.demo');
      for (const path of ['', '/diagnoses', '/procedures', '/observations', '/notes']) {
        await as.get(`/encounters/${other}${path}`).expect(403);
      }
    });
  });

  describe('writes', () => {
    it('two updates with the same version: exactly one succeeds, the other is 409 and changes nothing', async () => {
      const reg = await t.as('reg.lopez');
      const before = (await reg.get('/patients/10').expect(200)).body;
      const [a, b] = await Promise.all([
        reg.patch('/patients/10').send({ phone: '555-0100', version: before.version }),
        reg.patch('/patients/10').send({ phone: '555-0199', version: before.version }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? a : b;
      const after = (await reg.get('/patients/10').expect(200)).body;
      expect(after.phone).toBe(winner.body.phone);
      expect(after.version).toBe(before.version + 1);
      const audit = await t.db.one<{ details: string }>(`SELECT details FROM audit_events WHERE action = 'update' AND resource_type = 'patient' AND resource_id = '10'`);
      expect(JSON.parse(audit!.details)).toMatchObject({ fields: ['phone'], before: { phone: before.phone }, after: { phone: winner.body.phone } });
    });

    it('a correction marks the old item entered-in-error and links the new one; nothing is deleted', async () => {
      const chen = await t.as('dr.chen');
      const enc = (await t.db.one<{ id: number }>('SELECT id FROM encounters WHERE patient_id = 11 ORDER BY id LIMIT 1'))!.id;
      const wrong = (await chen.post(`/encounters/${enc}/diagnoses`).send({ code: 'I10', description: 'Essential (primary) hypertension' }).expect(201)).body;
      expect(wrong.chapter).toBe('Diseases of the circulatory system (I00-I99)');
      const right = (await chen.post(`/encounters/${enc}/diagnoses`).send({ code: 'I11.9', description: 'Hypertensive heart disease without heart failure', replacesId: wrong.id }).expect(201)).body;
      expect(right.replacesId).toBe(wrong.id);
      const old = await t.db.one<{ status: string; version: number }>('SELECT status, version FROM diagnoses WHERE id = $1', [wrong.id]);
      expect(old).toMatchObject({ status: 'entered-in-error' });
      await chen.post(`/encounters/${enc}/diagnoses`).send({ code: 'I10', description: 'again', replacesId: wrong.id }).expect(409);
      await chen.post(`/items/diagnoses/${right.id}/entered-in-error`).send({ version: 1, reason: 'Wrong encounter' }).expect(201);
      await chen.post(`/items/diagnoses/${right.id}/entered-in-error`).send({ version: 1, reason: 'Wrong encounter' }).expect(409);
      expect(await t.db.one('SELECT id FROM diagnoses WHERE id = $1', [right.id])).toBeDefined();
    });

    it('a nurse writes observations and nursing notes for her patients, not physician notes, and never in her own chart', async () => {
      const nurse = await t.as('nurse.patel');
      const enc = (await t.db.one<{ id: number }>('SELECT id FROM encounters WHERE patient_id = 11 ORDER BY id LIMIT 1'))!.id;
      await nurse.post(`/encounters/${enc}/notes`).send({ noteType: 'nursing', text: 'Patient resting comfortably.' }).expect(201);
      const res = await nurse.post(`/encounters/${enc}/notes`).send({ noteType: 'progress', text: 'x' }).expect(403);
      expect(res.body.message).toMatch(/nursing notes only/);
      const own = (await t.db.one<{ id: number }>('SELECT id FROM encounters WHERE patient_id = 2 ORDER BY id LIMIT 1'))!.id;
      const mine = await nurse.post(`/encounters/${own}/observations`).send({ loincCode: '8867-4', display: 'Heart rate', value: 70, observedAt: '2026-11-20T10:00:00Z' }).expect(403);
      expect(mine.body.message).toMatch(/own record/);
    });

    it('bad clinical input is a 400 naming the field, and writes nothing', async () => {
      const chen = await t.as('dr.chen');
      const enc = (await t.db.one<{ id: number }>('SELECT id FROM encounters WHERE patient_id = 11 ORDER BY id LIMIT 1'))!.id;
      const count = async () => Number((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM diagnoses'))!.n);
      const before = await count();
      const cases: [object, string][] = [
        [{ code: 'XYZ', description: 'bad' }, 'code'],
        [{ code: 'I10', description: 'x', sensitivity: 'restricted' }, 'sensitivityCategory'],
        [{ code: 'I10', description: 'x', version: 3 }, 'version'],
        [{ code: 'I10', description: '' }, 'description'],
      ];
      for (const [body, field] of cases) {
        const res = await chen.post(`/encounters/${enc}/diagnoses`).send(body).expect(400);
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
      expect(await count()).toBe(before);
      await chen.patch(`/encounters/${enc}`).send({ dischargedAt: '1999-01-01T00:00:00Z', version: 1 }).expect(400);
    });
  });

  describe('explain agrees with the real decision', () => {
    /** The permission each role's record read is decided on (its minimum-necessary view's gate). */
    const RECORD_GATE: Record<string, string> = {
      'dr.chen': 'clinical:read', 'dr.okafor': 'clinical:read', 'nurse.patel': 'clinical:read', 'him.jones': 'clinical:read',
      'coder.kim': 'coding:read', 'reg.lopez': 'demographics:read', 'roi.garcia': 'clinical:read', 'patient.demo': 'self:record',
    };
    const users = [...Object.keys(RECORD_GATE), 'admin', 'privacy.smith', 'analyst.wong', 'instructor'];

    it('for random users, patients and questions, explain\'s decision is the HTTP outcome', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...users),
          fc.integer({ min: 1, max: 42 }),
          fc.constantFrom('record', 'demographics'),
          async (username, patientId, what) => {
            const as = await t.as(username);
            const permission = what === 'record' ? (RECORD_GATE[username] ?? 'clinical:read') : 'demographics:read';
            const explained = (await as.get(`/access/explain?permission=${permission}&patientId=${patientId}`).expect(200)).body;
            const res = await as.get(what === 'record' ? `/patients/${patientId}/record` : `/patients/${patientId}`);
            if (patientId > 40) {
              expect([403, 404]).toContain(res.status);
              return;
            }
            expect({ patientId, username, what, status: res.status }).toEqual({ patientId, username, what, status: explained.decision === 'allow' ? 200 : 403 });
            if (res.status === 403) {
              // The route guard words a missing permission as the list it accepts; any other reason is the policy's own.
              const reason = explained.reasons.at(-1);
              if (/lacks permission/.test(reason)) expect(res.body.reasons.at(-1)).toMatch(/lacks permission/);
              else expect(res.body.reasons.at(-1)).toBe(reason);
            }
          },
        ),
        { numRuns: 120, seed: 20261129 },
      );
    });

    it('explain reads no PHI; naming a patient writes one explain row (it reveals existence and VIP status)', async () => {
      const before = Number((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM audit_events'))!.n);
      const res = await (await t.as('nurse.patel')).get('/access/explain?permission=clinical:read&patientId=11').expect(200);
      expect(JSON.stringify(res.body)).not.toMatch(/mrn|givenName|familyName|birthDate/);
      expect(Number((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM audit_events'))!.n)).toBe(before + 1);
      const row = await t.db.one<{ action: string; patient_id: number }>('SELECT action, patient_id FROM audit_events ORDER BY seq DESC LIMIT 1');
      expect(row).toMatchObject({ action: 'explain', patient_id: 11 });
    });
  });

  it('an unknown purpose of use is a 400 naming the header', async () => {
    const res = await request(t.http).get('/patients/11/record').set('Authorization', `Bearer ${await t.token('dr.chen')}`).set('X-Purpose-Of-Use', 'CURIOSITY').expect(400);
    expect(res.body.details[0].field).toBe('X-Purpose-Of-Use');
  });
});
