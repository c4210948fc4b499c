import { describe, expect, it } from 'vitest';
import { expectRebuildEqualsLive, rebuildTestApp } from './rebuild-fixture.ts';

// Merges, undos and user links rebuilt from the log equal the live rows: persons, deal contacts
// (re-pointed, dropped and restored links) and person_merges (a database of its own on pg).
const t = await rebuildTestApp();

describe('merge read models rebuilt from position 0', () => {
  it('equal the live rows after a merge, an undo, a second merge and a link', async () => {
    const a = await t.registerTenant('rb-m');
    const post = async (path: string, body?: unknown) => {
      const res = await t.request('POST', path, { token: a.token, body });
      expect(res.status, res.text).toBeLessThan(300);
      return res.body;
    };
    const p = await post('/api/crm/persons/', { name: 'Prim', primary_email: 'prim@x.io' });
    const d1 = await post('/api/crm/persons/', { name: 'Dup1' });
    const d2 = await post('/api/crm/persons/', { name: 'Dup2' });
    const both = await post('/v1/crm/deals', { name: 'Both', value_usd: 1 });
    const solo = await post('/v1/crm/deals', { name: 'Solo', value_usd: 1 });
    await post(`/v1/crm/deals/${both.id}/contacts`, { person_id: p.id, role: 'a' });
    await post(`/v1/crm/deals/${both.id}/contacts`, { person_id: d1.id, role: 'b' });
    await post(`/v1/crm/deals/${solo.id}/contacts`, { person_id: d1.id, role: 'c' });
    await post(`/v1/crm/deals/${solo.id}/contacts`, { person_id: d2.id, role: 'd' });
    const m1 = await post('/api/crm/persons/merge/', { primary_id: p.id, duplicate_ids: [d1.id, d2.id] });
    await post(`/api/crm/persons/merges/${m1.merge_id}/undo/`);
    await post('/persons/merge/', { primary_id: p.id, duplicate_ids: [d2.id] });
    await post('/api/v1/users', { email: 'PRIM@x.io', firstName: 'Prim', lastName: 'User', role: 'user' });

    await expectRebuildEqualsLive(t, ['persons', 'crm_deal_contacts', 'person_merges']);
  });
});
