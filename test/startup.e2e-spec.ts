import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEMO_SECRETS } from '../src/config/env.schema';

/** The service refuses to start in production with a missing, short or demo secret: exit code not 0, one line naming it. */
describe('startup in production', () => {
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['-r', join(__dirname, '..', 'bench', 'support', 'register-swc.js'), join(__dirname, '..', 'src', 'main.ts')], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', SQLITE_PATH: ':memory:', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  const strong = 'p'.repeat(48);

  it.each([
    ['missing', {}, /^Refusing to start in production: JWT_SECRET is missing$/],
    ['the demo default', { JWT_SECRET: DEMO_SECRETS.JWT_SECRET, AUDIT_HMAC_KEY: strong }, /JWT_SECRET is the public demo default/],
    ['too short', { JWT_SECRET: strong, AUDIT_HMAC_KEY: 'short-key' }, /AUDIT_HMAC_KEY is shorter than 32 bytes/],
  ])('a secret that is %s stops it', (_label, env, message) => {
    const run = start(env);
    expect(run.status).not.toBe(0);
    expect(run.status).not.toBeNull();
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});
