import { randomUUID } from 'node:crypto';
import { type DbHandle, inTenant } from '@crm/db';
import { onPg, openTestDb } from '@crm/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockedVersion } from './queries.ts';

// Two first writers of one new stream (two first digest-settings changes of a user) must queue:
// the lock has to hold before the stream has a row to lock. PGlite's one connection cannot interleave them.

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(() => h.close());

describe.runIf(onPg)('lockedVersion (pg)', () => {
  it('makes a second writer of a stream that does not exist yet wait for the first', async () => {
    const tenantId = randomUUID();
    const stream = { type: 'notification_digest', id: randomUUID() };
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const firstHasIt = new Promise<void>((r) => {
      locked = r;
    });
    const first = inTenant(h.db, tenantId, async (tx) => {
      await lockedVersion(tx, tenantId, stream);
      locked();
      await held;
      order.push('first done');
    });
    await firstHasIt;
    const second = inTenant(h.db, tenantId, async (tx) => {
      await lockedVersion(tx, tenantId, stream);
      order.push('second locked');
    });
    await new Promise((r) => setTimeout(r, 200));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first done', 'second locked']);
  });
});
