import { randomUUID } from 'node:crypto';
import { type DbHandle, inTenant } from '@crm/db';
import { onPg, openTestDb } from '@crm/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyForWrite } from './keys.ts';

// Two first writes of one subject in two transactions (two first chat messages of one author, in
// two channels) both get the key the first one made. PGlite's one connection cannot interleave them.

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(() => h.close());

describe.runIf(onPg)('keyForWrite under a race (pg)', () => {
  it('answers the second writer the key the first one committed while it waited', async () => {
    const tenantId = randomUUID();
    const subject = { tenantId, subjectType: 'user', subjectId: '7' };
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let made!: () => void;
    const inserted = new Promise<void>((r) => {
      made = r;
    });
    const first = inTenant(h.db, tenantId, async (tx) => {
      const key = await keyForWrite(tx, subject);
      made();
      await held; // still uncommitted: the second insert waits on it
      return key;
    });
    await inserted;
    const second = inTenant(h.db, tenantId, (tx) => keyForWrite(tx, subject));
    await new Promise((r) => setTimeout(r, 200));
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a).not.toBeNull();
    expect(b?.equals(a!)).toBe(true);
  });
});
