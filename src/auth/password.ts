import { randomBytes, scrypt as scryptCb, scryptSync, ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * OWASP password storage (Password Storage Cheat Sheet, scrypt): N=2^15 (32 MiB), r=8, p=3 and a 16-byte salt. The
 * cheat sheet lists it with N=2^17/p=1 (128 MiB) and N=2^16/p=2 (64 MiB) as settings of similar defence, trading
 * memory for repetitions; this one costs a quarter of the memory per login for three quarters of the CPU, so a class
 * logging in together does not swell the process (docs/performance.md). Hashes made with other parameters (2^17
 * before) still verify: the parameters travel in the hash.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 3, keyLength: 32 } as const;

/**
 * scrypt claims 128 * N * r bytes outside the JavaScript heap (32 MiB above, whatever p). Node runs up to four at
 * once (libuv's pool), so a class logging in together could hold four times that for nothing but hashing. Hashes
 * wait for this budget instead: two at a time, one per core of the machine this was sized on (each hash is
 * CPU-bound, a third would only wait for a core). A hash with more memory (an older, 2^17 hash) takes the whole
 * budget alone.
 */
export const SCRYPT_MEMORY_BUDGET = 2 * 128 * SCRYPT_PARAMS.N * SCRYPT_PARAMS.r;
let memoryInUse = 0;
const waiting: (() => void)[] = [];

async function withScryptMemory<T>(bytes: number, fn: () => Promise<T>): Promise<T> {
  const need = Math.min(bytes, SCRYPT_MEMORY_BUDGET);
  while (memoryInUse + need > SCRYPT_MEMORY_BUDGET) await new Promise<void>((wake) => waiting.push(wake));
  memoryInUse += need;
  try {
    return await fn();
  } finally {
    memoryInUse -= need;
    for (const wake of waiting.splice(0)) wake();
  }
}

function scrypt(password: string, salt: Buffer, keyLength: number, opts: ScryptOptions & { N: number; r: number }): Promise<Buffer> {
  return withScryptMemory(128 * opts.N * opts.r, () => new Promise((resolve, reject) =>
    scryptCb(password, salt, keyLength, opts, (err, key) => (err ? reject(err) : resolve(key))),
  ));
}

/** 128 * N * r bytes of memory, with room to spare (Node's default cap is 32 MiB). */
const maxmem = (N: number, r: number) => 256 * N * r;

/** Format: scrypt$N$r$p$saltB64$hashB64, so parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keyLength } = SCRYPT_PARAMS;
  const salt = randomBytes(16);
  return formatHash(salt, await scrypt(password, salt, keyLength, { N, r, p, maxmem: maxmem(N, r) }));
}

/**
 * The same hash computed on the calling thread, for a thread of its own (the seed's background hashing,
 * seed/hash-worker.ts); never on the service's event loop, which it would hold for a quarter of a second.
 */
export function hashPasswordSync(password: string): string {
  const { N, r, p, keyLength } = SCRYPT_PARAMS;
  const salt = randomBytes(16);
  return formatHash(salt, scryptSync(password, salt, keyLength, { N, r, p, maxmem: maxmem(N, r) }));
}

function formatHash(salt: Buffer, key: Buffer): string {
  const { N, r, p } = SCRYPT_PARAMS;
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (!N || !r || !p || expected.length === 0) return false;
  const actual = await scrypt(password, salt, expected.length, { N, r, p, maxmem: maxmem(N, r) });
  return timingSafeEqual(actual, expected);
}

/**
 * Whether a stored hash should be replaced by one with today's parameters at the next successful login: one that
 * claims more memory than SCRYPT_PARAMS (the N=2^17 hashes made before issue 15). Besides the memory, its verify
 * takes longer than the unknown-user dummy's, so the time of a wrong password would tell that the account exists.
 * Cheaper hashes (the e2e tests' N=2^14) are left alone.
 */
export function needsRehash(stored: string): boolean {
  const [scheme, N, r] = stored.split('$');
  return scheme === 'scrypt' && Number(N) * Number(r) > SCRYPT_PARAMS.N * SCRYPT_PARAMS.r;
}

/**
 * A hash of a password nobody knows, verified against when the username does not exist, so an unknown user
 * costs the same scrypt work as a wrong password and the two cannot be told apart by timing.
 */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}

/** Bytes of scrypt memory claimed right now (for the test of the budget). */
export function scryptMemoryInUse(): number {
  return memoryInUse;
}
