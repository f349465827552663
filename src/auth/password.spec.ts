import { hashPassword, hashPasswordSync, needsRehash, SCRYPT_MEMORY_BUDGET, SCRYPT_PARAMS, scryptMemoryInUse, verifyPassword } from './password';

describe('password hashing (scrypt, OWASP parameters)', () => {
  let hash: string;
  beforeAll(async () => {
    hash = await hashPassword('correct horse battery staple');
  });

  it('stores scrypt with N=2^15, r=8, p=3 (OWASP, 32 MiB) and a 16-byte salt', () => {
    const [scheme, N, r, p, salt] = hash.split('$');
    expect(scheme).toBe('scrypt');
    expect([Number(N), Number(r), Number(p)]).toEqual([2 ** 15, 8, 3]);
    expect([SCRYPT_PARAMS.N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p]).toEqual([2 ** 15, 8, 3]);
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toEqual(await hashPassword('same'));
  });

  it('hashes on the calling thread in the same format, with its own salt (hashPasswordSync)', async () => {
    const sync = hashPasswordSync('correct horse battery staple');
    expect(sync.split('$').slice(0, 4)).toEqual(hash.split('$').slice(0, 4));
    expect(sync).not.toEqual(hash);
    await expect(verifyPassword('correct horse battery staple', sync)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', sync)).resolves.toBe(false);
  });

  it('asks for a rehash only of hashes that claim more memory than today\'s parameters', () => {
    expect(needsRehash(`scrypt$${2 ** 17}$8$1$c2FsdA==$aGFzaA==`)).toBe(true);
    expect(needsRehash(`scrypt$${2 ** 15}$16$1$c2FsdA==$aGFzaA==`)).toBe(true);
    expect(needsRehash(hash)).toBe(false);
    expect(needsRehash(`scrypt$${2 ** 14}$8$1$c2FsdA==$aGFzaA==`)).toBe(false);
    expect(needsRehash('plaintext')).toBe(false);
  });

  it('refuses malformed stored hashes instead of throwing', async () => {
    await expect(verifyPassword('x', 'plaintext')).resolves.toBe(false);
    await expect(verifyPassword('x', 'scrypt$0$8$1$AAAA$')).resolves.toBe(false);
  });

  it('verifies a hash made with the earlier parameters (N=2^17, p=1), which takes the whole budget alone', async () => {
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = scryptSync('old password', salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 2 ** 17 * 8 });
    const old = ['scrypt', 2 ** 17, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, scryptMemoryInUse())), 2);
    const [ok, wrong] = await Promise.all([verifyPassword('old password', old), verifyPassword('new password', old)]);
    clearInterval(timer);
    expect([ok, wrong]).toEqual([true, false]);
    expect(peak).toBe(SCRYPT_MEMORY_BUDGET);
  });

  it('holds at most two hashes in memory at a time (32 MiB each), however many logins arrive together', async () => {
    let peak = 0;
    let samples = 0;
    const timer = setInterval(() => {
      peak = Math.max(peak, scryptMemoryInUse());
      samples += 1;
    }, 2);
    const hashes = await Promise.all([hashPassword('a'), hashPassword('b'), hashPassword('c'), hashPassword('d'), hashPassword('e')]);
    clearInterval(timer);
    expect(hashes).toHaveLength(5);
    expect(samples).toBeGreaterThan(0);
    expect(peak).toBe(SCRYPT_MEMORY_BUDGET);
    expect(SCRYPT_MEMORY_BUDGET).toBe(2 * 32 * 1024 * 1024);
    expect(scryptMemoryInUse()).toBe(0);
  });
});
