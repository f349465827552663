import { hashDemoPasswords } from '../../seed/generator';

/**
 * Jest globalSetup for the e2e project: the demo password is hashed once for the whole run (12 scrypt runs, about
 * 6 s on two cores) instead of once per suite. The hashes travel to the test workers in an environment variable;
 * test/helpers/shared-hashes.ts hands them to the seed.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env.TEST_DEMO_PASSWORD_HASHES) process.env.TEST_DEMO_PASSWORD_HASHES = JSON.stringify(await hashDemoPasswords());
}
