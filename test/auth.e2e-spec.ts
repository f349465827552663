import request from 'supertest';
import { DEFAULT_ROLE_MATRIX, RoleName } from '../src/access/catalogue';
import { createTestApp, DEMO_PASSWORD, TestApp } from './helpers/test-app';

const DEMO_USERS: [string, RoleName][] = [
  ['admin', 'admin'], ['dr.chen', 'physician'], ['dr.okafor', 'physician'], ['nurse.patel', 'nurse'],
  ['reg.lopez', 'registrar'], ['him.jones', 'him_technician'], ['coder.kim', 'coder'], ['roi.garcia', 'roi_specialist'],
  ['privacy.smith', 'privacy_officer'], ['analyst.wong', 'quality_analyst'], ['instructor', 'instructor'], ['patient.demo', 'patient'],
];

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    // This suite plays clients behind a proxy on loopback, so it names that proxy (TRUST_PROXY).
    t = await createTestApp({ patients: 5, env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => t.close());

  const login = (username: string, password: string, ip?: string) => {
    const r = request(t.http).post('/auth/login').send({ username, password });
    return ip ? r.set('X-Forwarded-For', ip) : r;
  };
  const auditRows = (action: string, username: string) =>
    t.db.query<{ outcome: string; reason: string | null }>(
      'SELECT outcome, reason FROM audit_events WHERE action = $1 AND actor_username = $2 ORDER BY seq',
      [action, username],
    );

  it('logs in and answers the token with the user', async () => {
    const res = await login('nurse.patel', DEMO_PASSWORD).expect(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { username: 'nurse.patel', role: 'nurse' } });
    expect(res.body.accessToken.split('.')).toHaveLength(3);
    expect(await auditRows('login', 'nurse.patel')).toEqual([expect.objectContaining({ outcome: 'success' })]);
  });

  it('gives one generic message for an unknown user and a wrong password, and audits both', async () => {
    const unknown = await login('nobody.here', 'whatever-password').expect(401);
    const wrong = await login('dr.okafor', 'not-the-password').expect(401);
    expect(unknown.body.message).toBe(wrong.body.message);
    expect(unknown.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', requestId: expect.any(String) });
    expect(await auditRows('login-failed', 'nobody.here')).toEqual([expect.objectContaining({ reason: 'unknown user' })]);
    expect(await auditRows('login-failed', 'dr.okafor')).toEqual([expect.objectContaining({ reason: 'wrong password' })]);
  });

  it('replaces a hash made with the earlier, costlier parameters (N=2^17) at the next successful login, and only then', async () => {
    const { randomBytes, scryptSync } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = scryptSync(DEMO_PASSWORD, salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 2 ** 17 * 8 });
    const old = ['scrypt', 2 ** 17, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
    await t.db.execute('UPDATE users SET password_hash = $1 WHERE username = $2', [old, 'him.jones']);
    const stored = async () => (await t.db.one<{ password_hash: string; version: number; token_version: number }>(
      'SELECT password_hash, version, token_version FROM users WHERE username = $1', ['him.jones']))!;
    const before = await stored();
    await login('him.jones', 'not-the-password').expect(401);
    expect((await stored()).password_hash).toBe(old);
    await login('him.jones', DEMO_PASSWORD).expect(200);
    const after = await stored();
    expect(after.password_hash.split('$').slice(0, 4)).toEqual(['scrypt', String(2 ** 15), '8', '3']);
    expect([Number(after.version), Number(after.token_version)]).toEqual([Number(before.version), Number(before.token_version)]);
    await login('him.jones', DEMO_PASSWORD).expect(200);
    expect((await stored()).password_hash).toBe(after.password_hash);
  });

  it('locks an account after 10 failures in 15 minutes with 429 and Retry-After, until the window passes', async () => {
    for (let i = 0; i < 10; i++) await login('coder.kim', `wrong-${i}`, '10.9.0.1').expect(401);
    const locked = await login('coder.kim', DEMO_PASSWORD, '10.9.0.2').expect(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    expect(locked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    t.clock.advance(15 * 60_000 + 1000);
    await login('coder.kim', DEMO_PASSWORD, '10.9.0.2').expect(200);
  });

  it('30 wrong passwords sent in parallel at one account: at most the limit (10) are checked, the rest are 429 (issue 11, finding 7)', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login('privacy.smith', `wrong-password-${i}`, `10.77.0.${i + 1}`)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const checked = (await auditRows('login-failed', 'privacy.smith')).filter((r) => r.reason === 'wrong password');
    expect(checked.length).toBeLessThanOrEqual(10);
  });

  it('throttles one address after 30 failures across accounts', async () => {
    const ip = '10.9.9.9';
    for (let i = 0; i < 30; i++) await login(`ghost${i}`, 'wrong-password', ip).expect(401);
    const res = await login('analyst.wong', DEMO_PASSWORD, ip).expect(429);
    expect(res.headers['retry-after']).toBeDefined();
    await login('analyst.wong', DEMO_PASSWORD, '10.9.9.10').expect(200);
    t.clock.advance(16 * 60_000);
  }, 180_000);

  it('refuses a disabled account, and its existing token stops working on the next request', async () => {
    const admin = await t.as('admin');
    const before = await (await t.as('reg.lopez')).get('/auth/me').expect(200);
    const users = await admin.get('/users?pageSize=200').expect(200);
    const reg = users.body.items.find((u: { username: string }) => u.username === 'reg.lopez');
    await admin.patch(`/users/${reg.id}`).send({ disabled: true, version: reg.version }).expect(200);
    await login('reg.lopez', DEMO_PASSWORD).expect(401);
    await request(t.http).get('/auth/me').set('Authorization', `Bearer ${await t.token('reg.lopez')}`).expect(401);
    expect(before.body.user.username).toBe('reg.lopez');
    expect((await auditRows('login-failed', 'reg.lopez')).pop()).toMatchObject({ reason: 'account disabled' });
  });

  it('a user cannot change its own role', async () => {
    const admin = await t.as('admin');
    const me = (await admin.get('/auth/me').expect(200)).body;
    const res = await admin.patch(`/users/${me.user.id}`).send({ role: 'instructor', version: 1 }).expect(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'role' })]);
  });

  it.each(DEMO_USERS)('/auth/me for %s equals the seeded matrix of role %s', async (username, role) => {
    if (username === 'reg.lopez') return; // disabled above
    const res = await (await t.as(username)).get('/auth/me').expect(200);
    expect(res.body.role).toBe(role);
    expect(res.body.permissions).toEqual([...DEFAULT_ROLE_MATRIX[role].permissions].sort());
  });

  it('refuses requests without a token, or with a malformed header', async () => {
    await request(t.http).get('/auth/me').expect(401);
    await request(t.http).get('/auth/me').set('Authorization', 'Basic abc').expect(401);
    await request(t.http).get('/auth/me').set('Authorization', 'Bearer not.a.jwt').expect(401);
  });

  it('a token expires after JWT_TTL by the clock', async () => {
    const token = await t.token('privacy.smith');
    await request(t.http).get('/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    t.clock.advance(16 * 60_000);
    await request(t.http).get('/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
  });
});

describe('auth: X-Forwarded-For is believed only from the proxies TRUST_PROXY names (default none)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ patients: 3, env: { TRUST_PROXY: '' } });
  });
  afterAll(() => t.close());

  it('records the socket address, not the one a client claims', async () => {
    await request(t.http).post('/auth/login').set('X-Forwarded-For', '203.0.113.77').send({ username: 'nurse.patel', password: 'wrong password' }).expect(401);
    const row = (await t.db.one<{ client_ip: string }>("SELECT client_ip FROM audit_events WHERE action = 'login-failed' ORDER BY seq DESC LIMIT 1"))!;
    expect(row.client_ip).not.toBe('203.0.113.77');
    expect(row.client_ip).toMatch(/127\.0\.0\.1|::1/);
  });
});
