import { useDemoPasswordHashes } from '../../seed/generator';

/** Seeds in this test process reuse the demo password hashes made once by global-setup.ts, when there are some. */
export function useSharedDemoPasswordHashes(): void {
  const shared = process.env.TEST_DEMO_PASSWORD_HASHES;
  if (shared) useDemoPasswordHashes(JSON.parse(shared) as string[]);
}
