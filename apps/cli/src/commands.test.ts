import { Writable } from 'node:stream';
import { asOwner, type DbHandle, inTenant } from '@crm/db';
import { onPg, openTestDb } from '@crm/db/testing';
import { eventCodec, eventSchemas, identity, inlineProjections, pipeline, systemClock, upcasters } from '@crm/domain';
import { EventStore } from '@crm/eventstore';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportEvents, rebuild, setPlan, UsageError, verify } from './commands.ts';

// Rebuild swaps nothing here (--check), but it makes shadow tables: a database of its own on pg.
let h: DbHandle;
const slug = `cli-${randomBytes(4).toString('hex')}`;
let tenantId: string;
beforeAll(async () => {
  h = await openTestDb({ isolated: true });
  tenantId = identity.newTenantId();
  const store = new EventStore({ inlineProjections, upcasters, schemas: eventSchemas, codec: eventCodec });
  await inTenant(h.db, tenantId, async (tx) => {
    const c = { tx, tenantId, store, userId: null, clock: systemClock, metadata: { source: 'cli' as const } };
    await identity.registerTenant(c, {
      tenantId,
      companyName: 'CLI',
      slug,
      adminEmail: 'a@cli.test',
      adminFirstName: 'A',
      adminLastName: 'B',
      passwordHash: 'x',
    });
    await pipeline.stages.seedDefaultStages(c);
  });
});
afterAll(() => h.close());

const sink = () => {
  const lines: string[] = [];
  const out = new Writable({ write: (chunk, _enc, done) => (lines.push(...String(chunk).trim().split('\n')), done()) });
  return { out, lines };
};

describe(`CLI commands (${onPg ? 'pg' : 'PGlite'})`, () => {
  it('sets a plan, ending the trial', async () => {
    await setPlan(h.db, slug, 'enterprise');
    const t = await inTenant(h.db, tenantId, (tx) => identity.getTenant(tx, tenantId));
    expect(t).toMatchObject({ plan: 'enterprise', trial_ends_at: null });
    await expect(setPlan(h.db, slug, 'platinum')).rejects.toBeInstanceOf(UsageError);
    await expect(setPlan(h.db, 'no-such-tenant', 'pro')).rejects.toThrow(/no tenant/);
  });

  it('exports the log as NDJSON in order, resumable from a checkpoint', async () => {
    const all = sink();
    const summary = await exportEvents(h.db, all.out, { slug });
    const events = all.lines.map((l) => JSON.parse(l));
    expect(summary.events).toBe(events.length);
    expect(events.map((e) => e.type).slice(0, 3)).toEqual(['TenantRegistered', 'UserRegistered', 'StageAdded']);
    const rest = sink();
    await exportEvents(h.db, rest.out, { slug, after: events[2].checkpoint });
    expect(rest.lines.map((l) => JSON.parse(l).eventId)).toEqual(events.slice(3).map((e) => e.eventId));
    await expect(exportEvents(h.db, sink().out, { after: 'garbage' })).rejects.toBeInstanceOf(UsageError);
  });

  it('rebuilds every projection and finds no drift', async () => {
    const report = await rebuild(h.db, true);
    for (const d of Object.values(report.differences)) expect(d).toEqual({ onlyLive: 0, onlyRebuilt: 0 });
  });

  it('verifies the hash chains, and names a tampered event', async () => {
    expect((await verify(h.db, slug)).breaks).toEqual([]);
    await asOwner(h.db, (tx) =>
      sql`update es_events set data = data || '{"plan":"free"}' where tenant_id = ${tenantId} and event_type = 'TenantPlanChanged'`.execute(
        tx,
      ),
    );
    const { breaks } = await verify(h.db, slug);
    expect(breaks).toEqual([expect.objectContaining({ streamType: 'tenant', reason: 'hash_mismatch' })]);
    // And the forged fact shows as drift between the live read model and a rebuild from the log.
    const report = await rebuild(h.db, true);
    expect(report.differences.tenants).toEqual({ onlyLive: 1, onlyRebuilt: 1 });
  });
});
