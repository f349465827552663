import { ConfigurationError, DEMO_SECRETS, validateEnvironment } from './env.schema';

const strong = 'x'.repeat(40);

describe('environment validation', () => {
  it('fills demo defaults outside production', () => {
    const env = validateEnvironment({ NODE_ENV: 'development' });
    expect(env.JWT_SECRET).toBe(DEMO_SECRETS.JWT_SECRET);
    expect(env.PORT).toBe(3000);
    expect(env.JWT_TTL).toBe(900);
    expect(env.SQLITE_PATH).toBe('./data/hit-demo.sqlite');
  });

  it.each([
    [{}, /JWT_SECRET is missing/],
    [{ JWT_SECRET: DEMO_SECRETS.JWT_SECRET, AUDIT_HMAC_KEY: strong }, /JWT_SECRET is the public demo default/],
    [{ JWT_SECRET: strong, AUDIT_HMAC_KEY: 'short' }, /AUDIT_HMAC_KEY is shorter than 32 bytes/],
    [{ JWT_SECRET: strong }, /AUDIT_HMAC_KEY is missing/],
  ])('refuses production with bad secrets %#', (vars, message) => {
    expect(() => validateEnvironment({ NODE_ENV: 'production', ...vars })).toThrow(message);
    expect(() => validateEnvironment({ NODE_ENV: 'production', ...vars })).toThrow(ConfigurationError);
  });

  it('accepts production with strong secrets', () => {
    expect(validateEnvironment({ NODE_ENV: 'production', JWT_SECRET: strong, AUDIT_HMAC_KEY: `${strong}y` }).NODE_ENV).toBe('production');
  });

  it('names a bad variable', () => {
    expect(() => validateEnvironment({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => validateEnvironment({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});
