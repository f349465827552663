import request from 'supertest';
import { createTestApp, TestApp } from './helpers/test-app';

/** Bad input: a clear 400 naming the field, and nothing written. */
describe('input validation and error shape', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ patients: 5 });
  });
  afterAll(() => t.close());

  const userCount = async () => Number((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM users'))!.n);

  it('malformed JSON is a 400 with the error shape and a request id', async () => {
    const res = await request(t.http).post('/auth/login').set('Content-Type', 'application/json').send('{"username": "x",').expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/JSON/), requestId: expect.any(String) });
    expect(res.body.details).toEqual([{ field: 'body', problems: ['is not valid JSON'] }]);
  });

  it('echoes a sane X-Request-Id', async () => {
    const res = await request(t.http).post('/auth/login').set('X-Request-Id', 'trace-123').send({}).expect(400);
    expect(res.body.requestId).toBe('trace-123');
  });

  it('a body over 1 MB is a 413', async () => {
    const res = await request(t.http).post('/auth/login').send({ username: 'x', password: 'y'.repeat(1_100_000) }).expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('unknown fields are refused by name and nothing is written (mass assignment)', async () => {
    const before = await userCount();
    const admin = await t.as('admin');
    const res = await admin
      .post('/users')
      .send({ username: 'new.user', displayName: 'New', role: 'nurse', password: 'a-long-password-1', id: 1, createdAt: 'x' })
      .expect(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['createdAt', 'id']);
    expect(res.body.details[0].problems).toEqual(['is not an allowed field']);
    expect(await userCount()).toBe(before);
  });

  it('wrong types and missing fields are named one by one', async () => {
    const before = await userCount();
    const admin = await t.as('admin');
    const res = await admin.post('/users').send({ username: 42, role: 'emperor', password: 'short' }).expect(400);
    const fields = res.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['displayName', 'password', 'role', 'username']);
    expect(await userCount()).toBe(before);
  });

  it('a malformed path id is a 400 naming it', async () => {
    const admin = await t.as('admin');
    for (const id of ['abc', '-1', '0', '1.5', '99999999999', '1e3']) {
      const res = await admin.patch(`/users/${id}`).send({ version: 1 }).expect(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'id' })]);
    }
  });

  it('page sizes over 200 are a 400', async () => {
    const res = await (await t.as('admin')).get('/users?pageSize=201').expect(400);
    expect(res.body.details[0].field).toBe('pageSize');
  });

  it('a stale version is a 409 and changes nothing', async () => {
    const admin = await t.as('admin');
    const users = (await admin.get('/users').expect(200)).body.items;
    const target = users.find((u: { username: string }) => u.username === 'coder.kim');
    await admin.patch(`/users/${target.id}`).send({ displayName: 'Coder Kim (1)', version: target.version }).expect(200);
    await admin.patch(`/users/${target.id}`).send({ displayName: 'Coder Kim (2)', version: target.version }).expect(409);
    const after = (await admin.get('/users').expect(200)).body.items.find((u: { id: number }) => u.id === target.id);
    expect(after.displayName).toBe('Coder Kim (1)');
  });

  it('an unknown route is a 404 in the same shape', async () => {
    const res = await (await t.as('admin')).get('/nowhere').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, requestId: expect.any(String) });
  });
});
