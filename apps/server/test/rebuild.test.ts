import { eventCodec, inlineProjections, upcasters } from '@crm/domain';
import { rebuildProjections } from '@crm/eventstore';
import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';

// Swapping projection tables changes the schema: this file gets a database of its own on pg.
const t = await testApp({ isolated: true });

async function busyTenant(prefix: string): Promise<TestTenant & { dealIds: string[] }> {
  const a = await t.registerTenant(prefix);
  const seller = await t.createUser(a, 'user', 'Rebuild');
  const stages = (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages;
  const won = stages.find((s: any) => s.is_won);
  await t.request('POST', '/v1/crm/stages', { token: a.token, body: { name: 'Extra', order: 2 } });
  await t.request('PATCH', `/v1/crm/stages/${stages[1].id}`, { token: a.token, body: { name: 'Renamed', color: '#abc' } });
  const dealIds: string[] = [];
  for (let i = 0; i < 12; i++) {
    const d = (
      await t.request('POST', '/v1/crm/deals', {
        token: i % 3 ? a.token : seller.token,
        body: { name: `Deal ${i}`, value_usd: 100 * i + 0.5, domain: `d${i}.com`, stage_id: stages[i % 4].id },
      })
    ).body;
    dealIds.push(d.id);
    if (i % 2) await t.request('PATCH', `/v1/crm/deals/${d.id}/move`, { token: a.token, body: { stage_id: won.id } });
    if (i % 3 === 0)
      await t.request('PATCH', `/v1/crm/deals/${d.id}`, { token: a.token, body: { value_usd: 999, name: `Deal ${i} (upsized)` } });
    if (i % 4 === 0) {
      await t.request('POST', `/v1/crm/deals/${d.id}/contacts`, {
        token: a.token,
        body: { name: `P${i}`, email: `p${i % 8}@x.com`, role: 'buyer' },
      });
      await t.request('POST', `/v1/crm/deals/${d.id}/activities`, { token: a.token, body: { type: 'note', body: `note ${i}` } });
    }
  }
  await t.request('DELETE', `/v1/crm/deals/${dealIds[5]}`, { token: a.token });
  await t.request('DELETE', `/v1/crm/stages/${stages[0].id}`, { token: a.token }); // re-homes deals
  return { ...a, dealIds };
}

const views = async (a: TestTenant & { dealIds: string[] }) => ({
  kanban: (await t.request('GET', '/v1/crm/deals/kanban?per_stage=50', { token: a.token })).body,
  leaderboard: (await t.request('GET', '/v1/crm/leaderboard?days=30', { token: a.token })).body.entries,
  deal: (await t.request('GET', `/v1/crm/deals/${a.dealIds[0]}`, { token: a.token })).body,
  timeline: (await t.request('GET', `/v1/crm/deals/${a.dealIds[3]}/timeline`, { token: a.token })).body,
  stages: (await t.request('GET', '/v1/crm/stages', { token: a.token })).body,
});

describe('projections rebuilt from position 0', () => {
  it('equal the live ones, table by table, and answer the same after a swap', async () => {
    const a = await busyTenant('rb-a');
    const b = await busyTenant('rb-b');

    const check = await rebuildProjections(t.handle.db, inlineProjections, { swap: false, upcasters, codec: eventCodec });
    expect(check.events).toBeGreaterThan(80);
    for (const [table, diff] of Object.entries(check.differences)) {
      expect(diff, table).toEqual({ onlyLive: 0, onlyRebuilt: 0 });
    }
    expect(Object.keys(check.differences)).toEqual(
      expect.arrayContaining([
        'crm_stages',
        'crm_deals',
        'crm_deal_contacts',
        'crm_activities',
        'crm_deal_timeline',
        'persons',
        'users',
        'tenants',
      ]),
    );

    const before = [await views(a), await views(b)];
    await rebuildProjections(t.handle.db, inlineProjections, { swap: true, upcasters, codec: eventCodec });
    const after = [await views(a), await views(b)];
    // Leaderboard windows are relative to now; compare the entries, not the timestamps.
    expect(after).toEqual(before);

    // The swapped-in tables take writes, keep tenants apart, and rebuild clean again.
    const deal = await t.request('POST', '/v1/crm/deals', { token: a.token, body: { name: 'After swap', value_usd: 1 } });
    expect(deal.status).toBe(201);
    expect((await t.request('GET', `/v1/crm/deals/${deal.body.id}`, { token: b.token })).status).toBe(404);
    const again = await rebuildProjections(t.handle.db, inlineProjections, { swap: false, upcasters, codec: eventCodec });
    for (const diff of Object.values(again.differences)) expect(diff).toEqual({ onlyLive: 0, onlyRebuilt: 0 });
  });
});
