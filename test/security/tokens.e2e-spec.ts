import { createHmac } from 'node:crypto';
import request from 'supertest';
import { DEMO_SECRETS } from '../../src/config/env.schema';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../src/auth/token.service';
import { createTestApp, DEMO_PASSWORD, TestApp } from '../helpers/test-app';

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
    sub: String(await userId('dr.chen')), role: 'physician', jti: 'attack', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now(), exp: now() + 600, tv: 1, ...over,
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

  it('a role change revokes the tokens issued before it; the next login carries the new role', async () => {
    const token = await t.token('analyst.wong');
    await request(t.http).get('/audit/verify').set('Authorization', `Bearer ${token}`).expect(403);
    const admin = await t.as('admin');
    const user = (await admin.get('/users?pageSize=200').expect(200)).body.items.find((u: { username: string }) => u.username === 'analyst.wong');
    await admin.patch(`/users/${user.id}`).send({ role: 'privacy_officer', version: user.version }).expect(200);
    await request(t.http).get('/audit/verify').set('Authorization', `Bearer ${token}`).expect(401);
    const fresh = (await request(t.http).post('/auth/login').send({ username: 'analyst.wong', password: DEMO_PASSWORD }).expect(200)).body.accessToken;
    await request(t.http).get('/audit/verify').set('Authorization', `Bearer ${fresh}`).expect(200);
    expect((await me(fresh).expect(200)).body.role).toBe('privacy_officer');
  });

  it('a disabled user\'s token stops working on the next request', async () => {
    const token = await t.token('coder.kim');
    await me(token).expect(200);
    const admin = await t.as('admin');
    const user = (await admin.get('/users?pageSize=200').expect(200)).body.items.find((u: { username: string }) => u.username === 'coder.kim');
    await admin.patch(`/users/${user.id}`).send({ disabled: true, version: user.version }).expect(200);
    await me(token).expect(401);
  });
  describe('revocation (issue 11, finding 8)', () => {
    const login = async (username: string) => (await request(t.http).post('/auth/login').send({ username, password: DEMO_PASSWORD }).expect(200)).body;
    const admin = async () => t.as('admin');
    const userRow = async (username: string) => (await (await admin()).get('/users?pageSize=100').expect(200)).body.items.find((u: { username: string }) => u.username === username);

    it('a token with the right key and a ten-year expiry is refused once older than JWT_TTL (by iat)', async () => {
      await me(sign({ alg: 'HS256' }, await claims({ iat: now() - 3600, exp: now() + 10 * 365 * 86400 }))).expect(401);
      await me(sign({ alg: 'HS256' }, await claims({ iat: now() - 10, exp: now() + 10 * 365 * 86400 }))).expect(200);
    });

    it('POST /auth/logout revokes the token (and the refresh family given)', async () => {
      const s = await login('nurse.patel');
      await me(s.accessToken).expect(200);
      await request(t.http).post('/auth/logout').set('Authorization', `Bearer ${s.accessToken}`).send({ refreshToken: s.refreshToken }).expect(200);
      await me(s.accessToken).expect(401);
      await request(t.http).post('/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
      const row = await t.db.one<{ action: string }>("SELECT action FROM audit_events WHERE action = 'logout' ORDER BY seq DESC LIMIT 1");
      expect(row).toEqual({ action: 'logout' });
    });

    it('a password reset, a disable (even re-enabled) and a role change revoke every earlier token and refresh token', async () => {
      for (const change of [{ password: 'a-brand-new-password-2026' }, { disabled: true }, { role: 'registrar' }]) {
        const s = await login('him.jones');
        await me(s.accessToken).expect(200);
        const before = await userRow('him.jones');
        await (await admin()).patch(`/users/${before.id}`).send({ ...change, version: before.version }).expect(200);
        await me(s.accessToken).expect(401);
        await request(t.http).post('/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
        // Put the account back as the demo has it.
        const now = await userRow('him.jones');
        await (await admin()).patch(`/users/${now.id}`).send({ disabled: false, role: 'him_technician', password: DEMO_PASSWORD, version: now.version }).expect(200);
      }
    });

    it('a refresh token is good once; presenting a used one revokes its whole family', async () => {
      const s = await login('dr.okafor');
      const next = (await request(t.http).post('/auth/refresh').send({ refreshToken: s.refreshToken }).expect(200)).body;
      expect(next.refreshToken).not.toBe(s.refreshToken);
      await me(next.accessToken).expect(200);
      // The stolen copy is replayed: refused, and the legitimate successor dies with it.
      await request(t.http).post('/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
      await request(t.http).post('/auth/refresh').send({ refreshToken: next.refreshToken }).expect(401);
      const row = await t.db.one<{ reason: string }>("SELECT reason FROM audit_events WHERE action = 'login-failed' ORDER BY seq DESC LIMIT 1");
      expect(row!.reason).toMatch(/unknown, expired or revoked|used twice/);
    });
  });
});
