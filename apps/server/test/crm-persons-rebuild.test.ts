import { describe, it } from 'vitest';
import { expectRebuildEqualsLive, rebuildTestApp } from './rebuild-fixture.ts';

// Persons and companies rebuilt from the log equal the live rows (a rebuild uses a schema of its
// own, so this file gets a database of its own on pg).
const t = await rebuildTestApp();

describe('persons and companies rebuilt from position 0', () => {
  it('equal the live rows after creates, changes, deletes and cleared references', async () => {
    const a = await t.registerTenant('rb-p');
    const post = async (path: string, body: unknown) => (await t.request('POST', path, { token: a.token, body })).body;
    const o1 = await post('/api/crm/organizations/', { name: 'One', address: { city: 'Oslo' } });
    const o2 = await post('/organizations/', { name: 'Two' });
    const p1 = await post('/persons/', { name: 'P1', organization: o1.id, primary_email: 'p1@x.io', unique_id: 'u1', metadata: { a: 1 } });
    await post('/persons/', { name: 'P2', organization: o1.id });
    const p3 = await post('/persons/', { name: 'P3', organization: o2.id });
    const deal = await post('/v1/crm/deals', { name: 'D', value_usd: 1 });
    await post(`/v1/crm/deals/${deal.id}/contacts`, { name: 'Contact', email: 'c@x.io' });
    await t.request('PATCH', `/persons/${p1.id}/`, { token: a.token, body: { lifecycle_stage: 'customer', job_title: 'CEO' } });
    await t.request('PUT', `/organizations/${o2.id}/`, { token: a.token, body: { name: 'Two Ltd', owner: a.userId } });
    await t.request('DELETE', `/organizations/${o1.id}/`, { token: a.token });
    await t.request('DELETE', `/persons/${p3.id}/`, { token: a.token });

    await expectRebuildEqualsLive(t, ['persons', 'companies']);
  });
});
