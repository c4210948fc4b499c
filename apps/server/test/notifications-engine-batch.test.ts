import { NotificationRunner } from '@crm/api';
import { onPg } from '@crm/db/testing';
import type { KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { notificationWorld } from './notifications-fixture.ts';

// The engine reads what it needs of a batch's recipients once per batch: their status, their
// preferences and their tenants' template overrides, one query each whatever the number of
// recipients (it read them once per recipient before). Each recipient still gets what their own
// settings say, across two tenants in one batch. Statements are counted on their way to the database.

const { t, s, acme } = await notificationWorld('engine-batch');
const globex = await t.registerTenant('engine-batch-other');
const N = '/api/v1/notifications';

const seen: string[] = [];
const counted: KyselyPlugin = {
  transformQuery(args) {
    seen.push(t.services.db.getExecutor().compileQuery(args.node, args.queryId).sql);
    return args.node;
  },
  transformResult: async (args) => args.result,
};
const runner = new NotificationRunner({ ...t.services, db: t.services.db.withPlugin(counted) }, { batchSize: 1000 });
const reading = (table: string) => seen.filter((q) => new RegExp(`\\bfrom ${table}\\b`, 'i').test(q)).length;

describe('the engine, one batch of many recipients', () => {
  it('reads preferences, template overrides and user status once per batch, and applies each recipient’s own', async () => {
    const plain = await Promise.all(Array.from({ length: 12 }, (_, i) => t.createUser(acme, 'user', `Plain${i}`)));
    const [muted, emailOnly] = await Promise.all([t.createUser(acme, 'user', 'Muted'), t.createUser(acme, 'user', 'Mailed')]);
    const others = await Promise.all(Array.from({ length: 4 }, (_, i) => t.createUser(globex, 'user', `Other${i}`)));
    const gone = await t.createUser(globex, 'user', 'Gone');

    expect((await t.request('PUT', `/v1/notifications/rules/event/sales.lead_assigned/toggle`, { token: muted.token })).status).toBe(200);
    const inAppOff = { eventKey: 'sales.lead_assigned', channel: 'in_app', enabled: false };
    expect((await t.request('PUT', `${N}/preferences`, { token: emailOnly.token, body: inAppOff })).status).toBe(200);
    const custom = await t.request('PUT', `${N}/templates/sales.lead_assigned/customize`, {
      token: acme.token,
      body: { title: 'Yours now: {{dealName}}' },
    });
    expect(custom.status, custom.text).toBe(200);
    expect((await t.request('DELETE', `/api/v1/users/${gone.userId}`, { token: globex.token })).status).toBe(200);

    // Everything above is in the log; the engine catches up to here before the counted batch.
    await s.run();
    for (const u of [...plain, muted, emailOnly]) await s.dealFor(acme, u.userId, `For ${u.userId}`);
    for (const u of [...others, gone]) await s.dealFor(globex, u.userId, `For ${u.userId}`);

    // Each batch is counted on its own; on pg other files' transactions may hold the log's readers
    // back, so the deals can take more than one batch there (on PGlite they are one).
    const mine = async () => (await s.rows(acme.tenantId)).length + (await s.rows(globex.tenantId)).length;
    const perBatch: { preferences: number; overrides: number; status: number }[] = [];
    for (let i = 0; i < 600 && (await mine()) < plain.length + 1 + others.length; i++) {
      seen.length = 0;
      if ((await runner.runOnce()) === 0) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      perBatch.push({
        preferences: reading('notification_preferences'),
        overrides: reading('notification_template_overrides'),
        status: seen.filter((q) => /\bfrom users u\s+join unnest\b/i.test(q)).length,
      });
    }
    if (!onPg) expect(perBatch).toEqual([{ preferences: 1, overrides: 1, status: 1 }]);
    for (const b of perBatch) {
      expect(b.preferences).toBeLessThanOrEqual(1);
      expect(b.overrides).toBeLessThanOrEqual(1);
      expect(b.status).toBeLessThanOrEqual(1);
    }

    const acmeRows = await s.rows(acme.tenantId);
    const byUser = new Map(acmeRows.map((r) => [r.user_id, r]));
    for (const u of plain) expect(byUser.get(u.userId)).toMatchObject({ title: `Yours now: For ${u.userId}`, dismissed_at: null });
    expect(byUser.has(muted.userId)).toBe(false);
    expect(byUser.get(emailOnly.userId)).toMatchObject({ title: `Yours now: For ${emailOnly.userId}`, email_state: 'pending' });
    expect(byUser.get(emailOnly.userId)!.dismissed_at).not.toBeNull();

    const globexRows = await s.rows(globex.tenantId);
    expect(globexRows.map((r) => [r.user_id, r.title])).toEqual(others.map((u) => [u.userId, `New deal assigned: For ${u.userId}`]));
  });
});
