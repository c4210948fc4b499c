import { randomBytes } from 'node:crypto';
import { type DbHandle, inSystem, inTenant } from '@crm/db';
import { openTestDb } from '@crm/db/testing';
import { eventCodec, eventSchemas, identity, inlineProjections, systemClock, upcasters } from '@crm/domain';
import { EventStore } from '@crm/eventstore';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTenantSuspended, UsageError } from './commands.ts';

let h: DbHandle;
const slug = `cli-susp-${randomBytes(4).toString('hex')}`;
let tenantId: string;
beforeAll(async () => {
  h = await openTestDb();
  tenantId = identity.newTenantId();
  const store = new EventStore({ inlineProjections, upcasters, schemas: eventSchemas, codec: eventCodec });
  await inTenant(h.db, tenantId, (tx) =>
    identity.registerTenant(
      { tx, tenantId, store, userId: null, clock: systemClock, metadata: { source: 'cli' as const } },
      { tenantId, companyName: 'CLI', slug, adminEmail: 'a@cli.test', adminFirstName: 'A', adminLastName: 'B', passwordHash: 'x' },
    ),
  );
});
afterAll(() => h.close());

const status = async () => (await inSystem(h.db, (tx) => identity.getTenant(tx, tenantId)))!.status;
const events = async () =>
  (
    await inSystem(h.db, (tx) =>
      sql<{ event_type: string; data: unknown }>`select event_type, data from es_events
        where tenant_id = ${tenantId} and stream_type = 'tenant' order by global_position`.execute(tx),
    )
  ).rows;

describe('suspend-tenant / reactivate-tenant', () => {
  it('suspends by id and reactivates by slug, each once, with events on the tenant stream', async () => {
    expect(await setTenantSuspended(h.db, tenantId, true, 'unpaid')).toMatchObject({ status: 'suspended', changed: true });
    expect(await status()).toBe('suspended');
    expect(await setTenantSuspended(h.db, tenantId, true)).toMatchObject({ changed: false });
    expect(await setTenantSuspended(h.db, slug, false)).toMatchObject({ status: 'active', changed: true });
    expect(await status()).toBe('active');
    expect((await events()).map((e) => e.event_type)).toEqual(['TenantRegistered', 'TenantSuspended', 'TenantReactivated']);
    expect((await events())[1]!.data).toEqual({ reason: 'unpaid' });
  });

  it('refuses a missing or unknown tenant as a usage error', async () => {
    await expect(setTenantSuspended(h.db, undefined, true)).rejects.toBeInstanceOf(UsageError);
    await expect(setTenantSuspended(h.db, 'no-such-tenant-here', true)).rejects.toBeInstanceOf(UsageError);
    await expect(setTenantSuspended(h.db, '00000000-0000-4000-8000-000000000000', false)).rejects.toBeInstanceOf(UsageError);
  });
});
