import { inSystem } from '@crm/db';
import { eventCodec, inlineProjections, upcasters } from '@crm/domain';
import { rebuildProjections } from '@crm/eventstore';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { notificationWorld } from './notifications-fixture.ts';

// The engine as a projection of the log: a replay from position 0 writes the same rows, with the
// same ids and the same read state, because the read-state events are applied again in log
// order; each tenant's rows stay its own. Its own database: the replay resets the checkpoint.

const { t, s, acme, uma } = await notificationWorld('engine', { isolated: true });
const globex = await t.registerTenant('engine-other');
const gus = await t.createUser(globex, 'user', 'Gus');
const N = '/api/v1/notifications';

const stateOf = async (tenantId: string) =>
  (await s.rows(tenantId)).map(({ seq: _seq, ...row }) => row).sort((a, b) => a.id.localeCompare(b.id));

describe('replay', () => {
  it('marks read, in log order, rows the engine writes after a mark-all-read for events before it', async () => {
    await s.dealFor(acme, uma.userId, 'First');
    await s.run();
    await s.dealFor(acme, uma.userId, 'Second'); // not yet seen by the engine
    expect((await t.request('POST', `${N}/mark-all-read`, { token: uma.token })).body.data).toEqual({ unreadCount: 0 });
    await s.run();
    const rows = await s.rows(acme.tenantId);
    expect(rows.map((r) => [r.title, r.read_at !== null])).toEqual([
      ['New deal assigned: First', true],
      ['New deal assigned: Second', true],
    ]);
  });

  it('writes the same rows again, ids and read state included, from position 0', async () => {
    const deal = await s.dealFor(acme, uma.userId, 'Third');
    await s.move(acme, deal);
    await s.dealFor(globex, gus.userId, 'Elsewhere');
    await s.run();
    const [third, moved] = (await t.request('GET', `${N}?limit=2`, { token: uma.token })).body.data.notifications;
    await t.request('PATCH', `${N}/${moved.id}/read`, { token: uma.token });
    await t.request('DELETE', `${N}/${third.id}`, { token: uma.token });
    const before = await stateOf(acme.tenantId);
    expect(before).toHaveLength(4);

    await inSystem(t.handle.db, async (tx) => {
      await sql`delete from notifications`.execute(tx);
      await sql`update es_checkpoints set transaction_id = '0', position = 0 where name = 'notifications.engine'`.execute(tx);
    });
    await s.run();
    expect(await stateOf(acme.tenantId)).toEqual(before);
    expect((await stateOf(globex.tenantId)).map((r) => [r.user_id, r.title])).toEqual([[gus.userId, 'New deal assigned: Elsewhere']]);
  });

  it('survives a rebuild of the inline projections: preferences rebuilt equal, inbox rows untouched', async () => {
    await t.request('PUT', `${N}/preferences`, {
      token: uma.token,
      body: { eventKey: 'sales.lead_assigned', channel: 'email', enabled: false },
    });
    await t.request('PUT', `${N}/preferences/dnd`, {
      token: uma.token,
      body: { enabled: true, startTime: '23:00', endTime: '06:30', timezone: 'Europe/Paris' },
    });
    const before = await stateOf(acme.tenantId);
    const prefs = (await t.request('GET', `${N}/preferences`, { token: uma.token })).body.data;
    const check = await rebuildProjections(t.handle.db, inlineProjections, { swap: false, upcasters, codec: eventCodec });
    expect(check.differences.notification_preferences).toEqual({ onlyLive: 0, onlyRebuilt: 0 });
    await rebuildProjections(t.handle.db, inlineProjections, { swap: true, upcasters, codec: eventCodec });
    expect(await stateOf(acme.tenantId)).toEqual(before);
    expect((await t.request('GET', `${N}/preferences`, { token: uma.token })).body.data).toEqual(prefs);
  });

  it('keeps each tenant to its own rows', async () => {
    const acmeIds = (await s.rows(acme.tenantId)).map((r) => r.id);
    const theirs = await t.request('GET', N, { token: gus.token });
    expect(theirs.body.data.notifications.map((n: { id: string }) => n.id).some((id: string) => acmeIds.includes(id))).toBe(false);
    await s.refused(acme.tenantId, 404, 'notification_not_found', () =>
      t.request('PATCH', `${N}/${acmeIds[0]}/read`, { token: gus.token }),
    );
  });
});
