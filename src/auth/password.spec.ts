import { hashPassword, SCRYPT_MEMORY_BUDGET, SCRYPT_PARAMS, scryptMemoryInUse, verifyPassword } from './password';

describe('password hashing (scrypt, OWASP parameters)', () => {
  let hash: string;
  beforeAll(async () => {
    hash = await hashPassword('correct horse battery staple');
  });

  it('stores scrypt with N=2^17, r=8, p=1 and a 16-byte salt', () => {
    const [scheme, N, r, p, salt] = hash.split('$');
    expect(scheme).toBe('scrypt');
    expect([Number(N), Number(r), Number(p)]).toEqual([SCRYPT_PARAMS.N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p]);
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toEqual(await hashPassword('same'));
  });

  it('refuses malformed stored hashes instead of throwing', async () => {
    await expect(verifyPassword('x', 'plaintext')).resolves.toBe(false);
    await expect(verifyPassword('x', 'scrypt$0$8$1$AAAA$')).resolves.toBe(false);
  });

  it('holds at most one full-cost hash in memory at a time (128 MiB each), however many logins arrive together', async () => {
    let peak = 0;
    let samples = 0;
    const timer = setInterval(() => {
      peak = Math.max(peak, scryptMemoryInUse());
      samples += 1;
    }, 2);
    const hashes = await Promise.all([hashPassword('a'), hashPassword('b'), hashPassword('c')]);
    clearInterval(timer);
    expect(hashes).toHaveLength(3);
    expect(samples).toBeGreaterThan(0);
    expect(peak).toBe(SCRYPT_MEMORY_BUDGET);
    expect(SCRYPT_MEMORY_BUDGET).toBe(128 * SCRYPT_PARAMS.N * SCRYPT_PARAMS.r);
    expect(scryptMemoryInUse()).toBe(0);
  });
});
