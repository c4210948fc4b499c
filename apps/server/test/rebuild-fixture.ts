import { eventCodec, inlineProjections, upcasters } from '@crm/domain';
import { rebuildProjections } from '@crm/eventstore';
import { afterAll, beforeAll, expect } from 'vitest';
import { startTestApp, type TestApp } from '../src/testing.ts';

/**
 * For a file whose tests rebuild the read models from the log: a test app with a database of its
 * own (a rebuild uses a schema of its own, so on pg the file must not share one), started before
 * the file's tests and closed after them. Call it at the top of the file; `app()` is the app.
 */
export function rebuildTestApp(): () => TestApp {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ isolated: true });
  });
  afterAll(() => t.close());
  return () => t;
}

/**
 * Rebuilds every projection from position 0 beside the live tables (no swap) and expects each
 * rebuilt table to equal the live one; `tables` must be among those compared.
 */
export async function expectRebuildEqualsLive(t: TestApp, tables: readonly string[]) {
  const check = await rebuildProjections(t.handle.db, inlineProjections, { swap: false, upcasters, codec: eventCodec });
  expect(Object.keys(check.differences)).toEqual(expect.arrayContaining([...tables]));
  for (const [table, diff] of Object.entries(check.differences)) expect(diff, table).toEqual({ onlyLive: 0, onlyRebuilt: 0 });
}
