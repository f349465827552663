import request from 'supertest';
import { createTestApp, TestApp } from '../helpers/test-app';

/** Issue 11, finding 9: explain is audited when it names a patient; deep bodies are a 400; names are NFC and visible. */
describe('input hardening: explain audited, deep JSON, Unicode names', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ patients: 6 });
  });
  afterAll(() => t.close());

  const lastRow = () => t.db.one<{ action: string; patient_id: number | null; actor_username: string; details: string }>(
    'SELECT action, patient_id, actor_username, details FROM audit_events ORDER BY seq DESC LIMIT 1',
  );

  it('GET /access/explain naming a patient leaves an audit row (it reveals existence and VIP status); without one it does not', async () => {
    const nurse = await t.as('nurse.patel');
    const before = (await lastRow())!;
    await nurse.get('/access/explain?permission=audit:read').expect(200);
    expect(await lastRow()).toEqual(before);
    const res = await nurse.get('/access/explain?permission=clinical:read&patientId=4').expect(200);
    const row = (await lastRow())!;
    expect(row).toMatchObject({ action: 'explain', patient_id: 4, actor_username: 'nurse.patel' });
    expect(JSON.parse(row.details)).toEqual({ permission: 'clinical:read', decision: res.body.decision });
  });

  it('a JSON body nested 5,000 deep is a 400 naming the body, on /auth/login and on an authenticated route', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const login = await request(t.http).post('/auth/login').set('Content-Type', 'application/json').send(`{"username":${deep},"password":"x"}`).expect(400);
    expect(login.body.details).toEqual([expect.objectContaining({ field: 'body' })]);
    const token = await t.token('reg.lopez');
    const create = await request(t.http).post('/patients').set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json')
      .send(`{"givenName":${deep}}`).expect(400);
    expect(create.body.details).toEqual([expect.objectContaining({ field: 'body' })]);
  });

  it('"José" is found whichever form was typed, and invisible characters in names or searches are a 400 naming the field', async () => {
    const registrar = await t.as('reg.lopez');
    const decomposed = 'Jose\u0301';
    const created = await registrar.post('/patients')
      .send({ givenName: decomposed, familyName: 'Ña\u0301vez', birthDate: '1970-01-01', sex: 'male' }).expect(201);
    expect(created.body.givenName).toBe('José');
    expect(created.body.givenName).toBe('José'.normalize('NFC'));
    for (const typed of ['José', decomposed]) {
      const found = await registrar.get(`/patients?search=${encodeURIComponent(typed)}`).expect(200);
      expect(found.body.items.map((p: { id: number }) => p.id)).toContain(created.body.id);
    }
    const bidi = await registrar.post('/patients').send({ givenName: 'Ana\u202Enav', familyName: 'Ruiz', birthDate: '1970-01-01', sex: 'female' }).expect(400);
    expect(bidi.body.details).toEqual([expect.objectContaining({ field: 'givenName' })]);
    const zeroWidth = await registrar.get(`/patients?search=${encodeURIComponent('Jo\u200Bsé')}`).expect(400);
    expect(zeroWidth.body.details).toEqual([expect.objectContaining({ field: 'search' })]);
    const login = await request(t.http).post('/auth/login').send({ username: 'nurse.patel\u200D', password: 'x' }).expect(400);
    expect(login.body.details).toEqual([expect.objectContaining({ field: 'username' })]);
  });
});
