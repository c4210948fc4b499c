import type { identity } from '@crm/domain';
import { afterAll } from 'vitest';
import { startTestApp, type TestApp } from '../src/testing.ts';

// The setup a test file shares between its tests, made at the top of the file (top-level await)
// and closed after the file's tests: `const t = await testApp();`.

export type TestAppOptions = Parameters<typeof startTestApp>[0];

/** A user added by `TestApp.createUser`. */
export type TestUser = Awaited<ReturnType<TestApp['createUser']>>;

/** The users a file wants, by the name its tests call them: `{ bea: ['user', 'Bea'] }` is a role and a first name. */
export type Cast = Record<string, readonly [role: identity.Role, firstName: string]>;

/** As long as a beforeAll may take (vitest.config.ts): top-level setup has no timeout of its own. */
const SETUP_TIMEOUT_MS = 60_000;

/** The file's app, closed after its tests. */
export async function testApp(options?: TestAppOptions): Promise<TestApp> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the test app did not start within ${SETUP_TIMEOUT_MS / 1000} s`)), SETUP_TIMEOUT_MS);
  });
  const t = await Promise.race([startTestApp(options), timedOut]).finally(() => clearTimeout(timer));
  afterAll(() => t.close());
  return t;
}

/**
 * The file's app with the tenant its tests work in (`acme`, slug prefix `prefix`), another tenant
 * to prove isolation (`other`, `<prefix>-other`), and `users` of acme, made in the cast's order.
 */
export async function tenantWorld<const C extends Cast>(prefix: string, cast: C, options?: TestAppOptions) {
  const t = await testApp(options);
  const acme = await t.registerTenant(prefix);
  const other = await t.registerTenant(`${prefix}-other`);
  const users = {} as { [K in keyof C]: TestUser };
  for (const [name, [role, firstName]] of Object.entries(cast)) users[name as keyof C] = await t.createUser(acme, role, firstName);
  return { t, acme, other, users };
}
