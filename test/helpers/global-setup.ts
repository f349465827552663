import { randomBytes, scrypt } from 'node:crypto';
import { DEMO_PASSWORD, DEMO_USERS } from '../../seed/demo-users';

/**
 * scrypt parameters of the demo users' password hashes in e2e tests: N=2^14 instead of the service's 2^17 (see
 * src/auth/password.ts), so that each login costs about 50 ms instead of about 0.45 s. The parameters travel in the
 * hash (scrypt$N$r$p$salt$hash), so logins still run the service's own verifyPassword on a real scrypt hash; hashes
 * the service makes itself (POST /users, a password change, the unknown-user dummy) keep the full cost, and the
 * production parameters are checked by src/auth/password.spec.ts and seed/generator.spec.ts.
 */
const TEST_SCRYPT = { N: 2 ** 14, r: 8, p: 1, keyLength: 32 } as const;

function hash(password: string): Promise<string> {
  const { N, r, p, keyLength } = TEST_SCRYPT;
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (err, key) =>
      err ? reject(err) : resolve(['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$'))),
  );
}

/**
 * Jest globalSetup for the e2e project: the demo password is hashed once for the whole run (one hash per demo user,
 * each with its own salt) instead of 12 full-cost scrypt runs per suite. The hashes travel to the test workers in an
 * environment variable; test/helpers/shared-hashes.ts hands them to the seed.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env.TEST_DEMO_PASSWORD_HASHES) {
    process.env.TEST_DEMO_PASSWORD_HASHES = JSON.stringify(await Promise.all(DEMO_USERS.map(() => hash(DEMO_PASSWORD))));
  }
}
