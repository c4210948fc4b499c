import { NotificationRunner } from '@crm/api';
import { inSystem } from '@crm/db';
import { sql } from 'kysely';
import { notifications } from '@crm/domain';
import { expect } from 'vitest';
import type { TestApp, TestResponse, TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';

// Shared steps of the notification tests: deals that fire notifications, the engine run once to
// the end of the log, and the rows as the database holds them.

export interface Actor {
  token: string;
  userId: number;
}

export function notificationSteps(t: TestApp) {
  const runner = new NotificationRunner(t.services);
  const handles = notifications.notificationEngine({ sources: notifications.notificationSources }).handles;

  /**
   * Runs the engine until it has applied every event committed before the call. On pg another
   * open transaction in the cluster holds the log's readers back, so one catch-up may stop short.
   */
  async function run(): Promise<void> {
    const behind = () =>
      inSystem(t.handle.db, async (tx) => {
        const { rows } = await sql<{ n: string }>`select count(*)::text as n from es_events e
          join es_checkpoints c on c.name = 'notifications.engine'
          where e.global_position <= ${head} and e.event_type = any(${handles}::text[])
            and (e.transaction_id, e.global_position) > (c.transaction_id, c.position)`.execute(tx);
        return Number(rows[0]!.n);
      });
    const head = await inSystem(t.handle.db, async (tx) => {
      const { rows } = await sql<{ p: string | null }>`select max(global_position)::text as p from es_events`.execute(tx);
      return rows[0]!.p ?? '0';
    });
    for (let i = 0; i < 600; i++) {
      await runner.catchUp();
      if ((await behind()) === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the notification engine did not catch up within 30 s');
  }

  /** A deal created by `actor` and owned by `ownerId`; its id. */
  async function dealFor(actor: Actor | TestTenant, ownerId: number | null, name = 'Acme renewal'): Promise<string> {
    const res = await t.request('POST', '/v1/crm/deals', { token: actor.token, body: { name, value_usd: 1000, owner_user_id: ownerId } });
    expect(res.status, res.text).toBe(201);
    return res.body.id;
  }

  /** Moves a deal to another stage of its tenant, as `actor`. */
  async function move(actor: Actor | TestTenant, dealId: string): Promise<void> {
    const stages = await t.request('GET', '/v1/crm/stages', { token: actor.token });
    const deal = await t.request('GET', `/v1/crm/deals/${dealId}`, { token: actor.token });
    const to = stages.body.stages.find((s: { id: string }) => s.id !== deal.body.stage_id);
    const res = await t.request('PATCH', `/v1/crm/deals/${dealId}/move`, { token: actor.token, body: { stage_id: to.id } });
    expect(res.status, res.text).toBe(200);
  }

  /** The tenant's notification rows, oldest first, straight from the table. */
  const rows = (tenantId: string) =>
    inSystem(t.handle.db, (tx) =>
      tx.selectFrom('notifications').selectAll().where('tenant_id', '=', tenantId).orderBy('seq').execute(),
    ) as Promise<notifications.Notification[]>;

  const inbox = (who: { token: string }, query = ''): Promise<TestResponse> =>
    t.request('GET', `/api/v1/notifications${query}`, { token: who.token });

  /** Runs a request that must be refused with this status and code, and proves it appended nothing. */
  async function refused(tenantId: string, status: number, code: string | undefined, send: () => Promise<TestResponse>) {
    const before = await t.eventCount(tenantId);
    const res = await send();
    expect(res.status, res.text).toBe(status);
    if (code) expect(res.body.code).toBe(code);
    expect(await t.eventCount(tenantId)).toBe(before);
    return res;
  }

  return { runner, run, dealFor, move, rows, inbox, refused };
}

/** A test file's app (closed after its tests), a tenant, a plain user of it, and the steps. */
export async function notificationWorld(prefix: string, options: { isolated?: boolean } = {}) {
  const t = await testApp(options);
  const acme = await t.registerTenant(prefix);
  const uma: Actor = await t.createUser(acme, 'user', 'Uma');
  return { t, s: notificationSteps(t), acme, uma };
}
