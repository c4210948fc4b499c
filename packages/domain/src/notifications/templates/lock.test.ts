import { randomUUID } from 'node:crypto';
import { onPg, useTestDb } from '@crm/db/testing';
import { describe, expect, it } from 'vitest';
import { secondWhileFirstHolds } from '../../testing/race.ts';
import { lockedVersion } from './queries.ts';

// Two first writers of one new stream (two first digest-settings changes of a user) must queue:
// the lock has to hold before the stream has a row to lock. PGlite's one connection cannot interleave them.

const h = useTestDb();

describe.runIf(onPg)('lockedVersion (pg)', () => {
  it('makes a second writer of a stream that does not exist yet wait for the first', async () => {
    const tenantId = randomUUID();
    const stream = { type: 'notification_digest', id: randomUUID() };
    const order: string[] = [];
    await secondWhileFirstHolds(
      h.db,
      tenantId,
      async (tx, hold) => {
        await lockedVersion(tx, tenantId, stream);
        await hold();
        order.push('first done');
      },
      async (tx) => {
        await lockedVersion(tx, tenantId, stream);
        order.push('second locked');
      },
    );
    expect(order).toEqual(['first done', 'second locked']);
  });
});
