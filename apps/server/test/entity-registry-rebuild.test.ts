import { describe, expect, it } from 'vitest';
import { expectRebuildEqualsLive, rebuildTestApp } from './rebuild-fixture.ts';

// The registry's read models rebuilt from the log equal the live rows (a rebuild uses a schema of
// its own, so this file gets a database of its own on pg).
const t = await rebuildTestApp();

describe('registry entities and links rebuilt from position 0', () => {
  it('equal the live rows after registers, links, unlinks, auto-links and merges', async () => {
    const a = await t.registerTenant('rb-reg');
    const post = async (path: string, body: unknown) =>
      (await t.request('POST', `/api/v1/entity-registry${path}`, { token: a.token, body })).body.data;
    const p1 = await post('/register', { name: 'P1', email: 'p1@rb.example', app: 'sales', entityType: 'lead', entityId: 1 });
    const p2 = await post('/register', { name: 'P2', app: 'sales', entityType: 'lead', entityId: 2 });
    const o1 = await post('/register', { name: 'O1', entityClass: 'organization', app: 'billing', entityType: 'account', entityId: 'a1' });
    const o2 = await post('/register', { name: 'O2', entityClass: 'organization', app: 'billing', entityType: 'account', entityId: 'a2' });
    const l = await post('/link', { canonicalId: p2.id, app: 'support', entityType: 'ticket', entityId: 't1' });
    await post('/auto-link', { email: 'P1@rb.example', app: 'crm', entityType: 'contact', entityId: 'c1' });
    await post('/auto-link', { email: 'new@rb.example', app: 'crm', entityType: 'contact', entityId: 'c2' });
    await t.request('DELETE', `/api/v1/entity-registry/links/${l.id}`, { token: a.token });
    await post('/link', { canonicalId: p2.id, app: 'support', entityType: 'ticket', entityId: 't2' });
    expect((await post('/merge', { winnerId: p1.id, loserId: p2.id })).movedLinkIds).toHaveLength(2);
    expect((await post('/merge', { winnerId: o1.id, loserId: o2.id })).movedLinkIds).toHaveLength(1);

    await expectRebuildEqualsLive(t, ['registry_entities', 'registry_links']);
  });
});
