import { createHmac } from 'node:crypto';
import request from 'supertest';
import { DEMO_SECRETS } from '../../src/config/env.schema';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../src/auth/token.service';
import { createTestApp, TestApp } from '../helpers/test-app';

/** Token and session attacks: every forged, stale or malformed credential is a 401 (never a 500). */
describe('token and session attacks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ patients: 5 });
  });
  afterAll(() => t.close());

  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const sign = (header: object, payload: object, key: string = DEMO_SECRETS.JWT_SECRET, alg = 'sha256') => {
    const body = `${b64(header)}.${b64(payload)}`;
    return `${body}.${createHmac(alg, key).update(body).digest('base64url')}`;
  };
  const now = () => Math.floor(t.clock.now().getTime() / 1000);
  const userId = async (username: string) => Number((await t.db.one<{ id: number }>('SELECT id FROM users WHERE username = $1', [username]))!.id);
  const claims = async (over: object = {}) => ({
    sub: String(await userId('dr.chen')), role: 'physician', jti: 'attack', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now(), exp: now() + 600, ...over,
  });
  const me = (token: string) => request(t.http).get('/auth/me').set('Authorization', `Bearer ${token}`);

  it('a well-formed token signed with the service key works (control)', async () => {
    await me(sign({ alg: 'HS256', typ: 'JWT' }, await claims())).expect(200);
  });

  it.each([
    ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(await claims())}.`],
    ['alg none with a signature', async () => `${b64({ alg: 'none' })}.${b64(await claims())}.c2ln`],
    ['another key', async () => sign({ alg: 'HS256' }, await claims(), 'someone-elses-key-someone-elses-key')],
    ['HS512 with the right key', async () => sign({ alg: 'HS512' }, await claims(), DEMO_SECRETS.JWT_SECRET, 'sha512')],
    ['expired', async () => sign({ alg: 'HS256' }, await claims({ iat: now() - 3600, exp: now() - 60 }))],
    ['wrong audience', async () => sign({ alg: 'HS256' }, await claims({ aud: 'another-api' }))],
    ['wrong issuer', async () => sign({ alg: 'HS256' }, await claims({ iss: 'evil' }))],
    ['no subject', async () => sign({ alg: 'HS256' }, await claims({ sub: undefined }))],
    ['a user that does not exist', async () => sign({ alg: 'HS256' }, await claims({ sub: '999999' }))],
    ['a subject that is not an id', async () => sign({ alg: 'HS256' }, await claims({ sub: "1 OR 1=1" }))],
    ['garbage', async () => 'a.b.c'],
    ['truncated', async () => (await t.token('dr.chen')).slice(0, -5)],
  ])('%s is a 401', async (_name, make) => {
    const res = await me(await make()).expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, requestId: expect.any(String) });
  });

  it.each([
    ['no header', undefined],
    ['empty bearer', 'Bearer '],
    ['basic auth', 'Basic ZHIuY2hlbjpoaXQtZGVtby0yMDI2'],
    ['two tokens', 'Bearer a.b.c Bearer d.e.f'],
    ['lower-case scheme and junk', 'bearer <script>'],
    ['a huge header', `Bearer ${'x'.repeat(6000)}`],
  ])('a malformed Authorization header (%s) is a 401', async (_name, header) => {
    const req = request(t.http).get('/auth/me');
    if (header !== undefined) req.set('Authorization', header);
    await req.expect(401);
  });

  it('the role in the token is ignored: a token claiming admin for a nurse gets the nurse\'s answer', async () => {
    const forged = sign({ alg: 'HS256' }, await claims({ sub: String(await userId('nurse.patel')), role: 'admin' }));
    await request(t.http).get('/users').set('Authorization', `Bearer ${forged}`).expect(403);
    expect((await me(forged).expect(200)).body.role).toBe('nurse');
  });

  it('a user whose role changed since the token was issued gets the new role on the next request', async () => {
    const token = await t.token('analyst.wong');
    await request(t.http).get('/audit/verify').set('Authorization', `Bearer ${token}`).expect(403);
    const admin = await t.as('admin');
    const user = (await admin.get('/users?pageSize=200').expect(200)).body.items.find((u: { username: string }) => u.username === 'analyst.wong');
    await admin.patch(`/users/${user.id}`).send({ role: 'privacy_officer', version: user.version }).expect(200);
    await request(t.http).get('/audit/verify').set('Authorization', `Bearer ${token}`).expect(200);
    expect((await me(token).expect(200)).body.role).toBe('privacy_officer');
  });

  it('a disabled user\'s token stops working on the next request', async () => {
    const token = await t.token('coder.kim');
    await me(token).expect(200);
    const admin = await t.as('admin');
    const user = (await admin.get('/users?pageSize=200').expect(200)).body.items.find((u: { username: string }) => u.username === 'coder.kim');
    await admin.patch(`/users/${user.id}`).send({ disabled: true, version: user.version }).expect(200);
    await me(token).expect(401);
  });
});
