import { eventCodec, inlineProjections, upcasters } from '@crm/domain';
import { rebuildProjections } from '@crm/eventstore';
import { expect } from 'vitest';
import type { TestApp } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';

/**
 * For a file whose tests rebuild the read models from the log: a test app with a database of its
 * own (a rebuild uses a schema of its own, so on pg the file must not share one), closed after the
 * file's tests. At the top of the file: `const t = await rebuildTestApp();`.
 */
export const rebuildTestApp = (): Promise<TestApp> => testApp({ isolated: true });

/**
 * Rebuilds every projection from position 0 beside the live tables (no swap) and expects each
 * rebuilt table to equal the live one; `tables` must be among those compared.
 */
export async function expectRebuildEqualsLive(t: TestApp, tables: readonly string[]) {
  const check = await rebuildProjections(t.handle.db, inlineProjections, { swap: false, upcasters, codec: eventCodec });
  expect(Object.keys(check.differences)).toEqual(expect.arrayContaining([...tables]));
  for (const [table, diff] of Object.entries(check.differences)) expect(diff, table).toEqual({ onlyLive: 0, onlyRebuilt: 0 });
}
