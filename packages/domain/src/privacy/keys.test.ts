import { randomUUID } from 'node:crypto';
import { onPg, useTestDb } from '@crm/db/testing';
import { describe, expect, it } from 'vitest';
import { secondWhileFirstHolds } from '../testing/race.ts';
import { keyForWrite } from './keys.ts';

// Two first writes of one subject in two transactions (two first chat messages of one author, in
// two channels) both get the key the first one made. PGlite's one connection cannot interleave them.

const h = useTestDb();

describe.runIf(onPg)('keyForWrite under a race (pg)', () => {
  it('answers the second writer the key the first one committed while it waited', async () => {
    const tenantId = randomUUID();
    const subject = { tenantId, subjectType: 'user', subjectId: '7' };
    const [a, b] = await secondWhileFirstHolds(
      h.db,
      tenantId,
      async (tx, hold) => {
        const key = await keyForWrite(tx, subject);
        await hold(); // still uncommitted: the second insert waits on it
        return key;
      },
      (tx) => keyForWrite(tx, subject),
    );
    expect(a).not.toBeNull();
    expect(b?.equals(a!)).toBe(true);
  });
});
