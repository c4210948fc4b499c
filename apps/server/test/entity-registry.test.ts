import { inTenant } from '@crm/db';
import '@crm/domain';
import { describe, expect, it } from 'vitest';
import type { TestResponse } from '../src/testing.ts';
import { tenantWorld } from './app-fixture.ts';

// Document 001's entity registry over the whole server: canonical entities are 003 persons and
// companies, links attach records of other apps. Every path, its status codes, tenant isolation,
// and that a refused write appends nothing.

const { t, acme, other, users } = await tenantWorld('registry', {
  viewer: ['viewer', 'Vic'],
  user: ['user', 'Uma'],
  manager: ['manager', 'Max'],
});
const { viewer, user, manager } = users;

const R = '/api/v1/entity-registry';
const REGISTRY_EVENTS = ['CanonicalRegistered', 'EntityLinked', 'EntityUnlinked', 'CanonicalMerged', 'CanonicalAbsorbed'];

let seq = 0;
const ref = (app = 'sales', entityType = 'lead') => ({ app, entityType, entityId: `${entityType}-${++seq}` });
const register = (token: string, body: Record<string, unknown>) => t.request('POST', `${R}/register`, { token, body });
const link = (token: string, body: Record<string, unknown>) => t.request('POST', `${R}/link`, { token, body });
const autoLink = (token: string, body: Record<string, unknown>) => t.request('POST', `${R}/auto-link`, { token, body });
const merge = (token: string, body: Record<string, unknown>) => t.request('POST', `${R}/merge`, { token, body });

/** Runs a request that must be refused with this status and code, and proves it appended nothing. */
async function refused(status: number, code: string | undefined, send: () => Promise<TestResponse>) {
  const before = await t.eventCount(acme.tenantId);
  const res = await send();
  expect([res.status, res.body?.success], JSON.stringify(res.body)).toEqual([status, false]);
  if (code) expect(res.body.code).toBe(code);
  expect(await t.eventCount(acme.tenantId)).toBe(before);
  return res;
}

describe('register', () => {
  it('creates a 003 person with its first link (201), the entityId kept as text', async () => {
    const res = await register(user.token, {
      name: 'Jane Doe',
      email: 'Jane.Doe@Company.com',
      entityClass: 'person',
      app: 'sales',
      entityType: 'lead',
      entityId: 42,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      success: true,
      data: {
        entityClass: 'person',
        name: 'Jane Doe',
        email: 'jane.doe@company.com',
        status: 'active',
        mergedInto: null,
        link: { app: 'sales', entityType: 'lead', entityId: '42', linkedVia: 'register', linkedBy: user.userId },
      },
    });
    const id = res.body.data.id as string;
    expect(res.body.data.links.map((l: { id: string }) => l.id)).toEqual([res.body.data.link.id]);
    // The canonical entity of a person IS the 003 person.
    const person = await t.request('GET', `/api/crm/persons/${id}/`, { token: acme.token });
    expect([person.status, person.body.name, person.body.primary_email]).toEqual([200, 'Jane Doe', 'jane.doe@company.com']);
    expect(await t.eventCount(acme.tenantId, ['CanonicalRegistered', 'EntityLinked'])).toBeGreaterThanOrEqual(2);
  });

  it('creates a company for the organization class (company is the same class)', async () => {
    const res = await register(user.token, {
      name: 'Globex',
      email: 'hello@globex.example',
      entityClass: 'company',
      ...ref('billing', 'customer'),
    });
    expect([res.status, res.body.data.entityClass, res.body.data.email]).toEqual([201, 'organization', 'hello@globex.example']);
    const org = await t.request('GET', `/api/crm/organizations/${res.body.data.id}/`, { token: acme.token });
    expect([org.status, org.body.name], org.text).toEqual([200, 'Globex']);
  });

  it('refuses an unknown class (listing the classes), bad input, a taken reference or email, and viewers, appending nothing', async () => {
    const bad = await refused(400, 'validation_error', () => register(user.token, { name: 'X', entityClass: 'robot', ...ref() }));
    expect(bad.body.message).toMatch(/person.*organization.*company/);
    await refused(400, 'validation_error', () => register(user.token, { name: 'X', app: 'sales', entityType: 'lead' }));
    await refused(400, 'validation_error', () => register(user.token, { name: 'X', ...ref(), app: 'no spaces' }));
    await refused(400, 'validation_error', () => register(user.token, { name: 'X', ...ref(), extra: 1 }));
    await refused(400, 'name_or_email_required', () => register(user.token, { ...ref() }));
    await refused(400, 'name_required', () => register(user.token, { entityClass: 'organization', email: 'a@b.example', ...ref() }));
    const first = await register(user.token, { name: 'Taken Ref', ...ref('shop', 'customer') });
    const held = first.body.data.link;
    const dup = await refused(409, 'entity_already_linked', () =>
      register(user.token, { name: 'Other', app: 'SHOP', entityType: 'customer', entityId: held.entityId }),
    );
    expect(dup.body.error.details).toEqual({ canonicalId: first.body.data.id, linkId: held.id });
    await register(user.token, { name: 'Mail Holder', email: 'holder@acme.example', ...ref() });
    const taken = await refused(409, 'canonical_email_taken', () => register(user.token, { email: 'HOLDER@acme.example', ...ref() }));
    expect(taken.body.error.details.canonicalId).toBeDefined();
    await refused(403, 'permission_denied', () => register(viewer.token, { name: 'V', ...ref() }));
    await refused(401, 'authentication_required', () => t.request('POST', `${R}/register`, { body: { name: 'V', ...ref() } }));
  });
});

describe('link, reverse lookup, get and unlink', () => {
  it('links records of other apps, finds the entity back from each, and removes a link', async () => {
    const made = await register(user.token, { name: 'Link Target', ...ref('sales', 'lead') });
    const id = made.body.data.id as string;
    const ticket = { app: 'Support', entityType: 'Ticket', entityId: 'T-100' };
    const linked = await link(user.token, { canonicalId: id, ...ticket });
    expect(linked.status).toBe(201);
    expect(linked.body.data).toMatchObject({ canonicalId: id, app: 'support', entityType: 'ticket', entityId: 'T-100', linkedVia: 'link' });

    const found = await t.request('GET', `${R}/by-entity/support/ticket/T-100`, { token: viewer.token });
    expect([found.status, found.body.data.id, found.body.data.link.id]).toEqual([200, id, linked.body.data.id]);
    // Apps and types are identifiers (case-insensitive); the id in the app is kept exactly.
    expect((await t.request('GET', `${R}/by-entity/SUPPORT/ticket/T-100`, { token: viewer.token })).status).toBe(200);
    expect((await t.request('GET', `${R}/by-entity/support/ticket/t-100`, { token: viewer.token })).body.code).toBe('link_not_found');

    const got = await t.request('GET', `${R}/${id}`, { token: viewer.token });
    expect(got.status).toBe(200);
    expect(got.body.data.links.map((l: { app: string }) => l.app)).toEqual(['sales', 'support']);

    await refused(409, 'entity_already_linked', () => link(user.token, { canonicalId: id, ...ticket }));
    await refused(404, 'canonical_not_found', () => link(user.token, { canonicalId: crypto.randomUUID(), ...ref() }));
    await refused(400, 'validation_error', () => link(user.token, { canonicalId: 'nope', ...ref() }));
    await refused(403, 'permission_denied', () => link(viewer.token, { canonicalId: id, ...ref() }));

    const removed = await t.request('DELETE', `${R}/links/${linked.body.data.id}`, { token: user.token });
    expect([removed.status, removed.body.data.id]).toEqual([200, linked.body.data.id]);
    await refused(404, 'link_not_found', () => t.request('DELETE', `${R}/links/${linked.body.data.id}`, { token: user.token }));
    await refused(400, 'validation_error', () => t.request('DELETE', `${R}/links/not-a-uuid`, { token: user.token }));
    await refused(403, 'permission_denied', () => t.request('DELETE', `${R}/links/${made.body.data.link.id}`, { token: viewer.token }));
    expect((await t.request('GET', `${R}/by-entity/support/ticket/T-100`, { token: viewer.token })).status).toBe(404);
    // The reference is free again.
    expect((await link(user.token, { canonicalId: id, ...ticket })).status).toBe(201);

    expect((await t.request('GET', `${R}/${crypto.randomUUID()}`, { token: viewer.token })).body.code).toBe('canonical_not_found');
    expect((await t.request('GET', `${R}/not-a-uuid`, { token: viewer.token })).status).toBe(400);
    expect((await t.request('GET', `${R}/${id}`)).status).toBe(401);
  });

  it('treats a 003 person or organization created elsewhere as a canonical entity', async () => {
    const person = (await t.request('POST', '/api/crm/persons/', { token: acme.token, body: { name: 'Made In 003' } })).body.id as string;
    const res = await link(user.token, { canonicalId: person, ...ref('marketing', 'contact') });
    expect(res.status).toBe(201);
    const got = await t.request('GET', `${R}/${person}`, { token: viewer.token });
    expect(got.body.data).toMatchObject({ id: person, entityClass: 'person', name: 'Made In 003' });
  });
});

describe('search and list', () => {
  it('search finds by name or email, case-insensitively, best match first, with a class filter', async () => {
    await register(user.token, { name: 'Searchable Sam', email: 'sam@search.example', ...ref() });
    await register(user.token, { name: 'Sam Searchable Org', entityClass: 'organization', ...ref() });
    const byEmail = await t.request('GET', `${R}/search?q=SAM@SEARCH.example`, { token: viewer.token });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.data[0]).toMatchObject({ name: 'Searchable Sam', email: 'sam@search.example', linkCount: 1 });
    const byName = await t.request('GET', `${R}/search?q=searchable`, { token: viewer.token });
    expect(byName.body.data.map((e: { name: string }) => e.name).sort()).toEqual(['Sam Searchable Org', 'Searchable Sam']);
    const orgs = await t.request('GET', `${R}/search?q=searchable&class=organization`, { token: viewer.token });
    expect(orgs.body.data.map((e: { name: string }) => e.name)).toEqual(['Sam Searchable Org']);
    expect((await t.request('GET', `${R}/search?q=x&class=robot`, { token: viewer.token })).status).toBe(400);
    expect((await t.request('GET', `${R}/search?q=searchable`, { token: other.token })).body.data).toEqual([]);
  });

  it('list pages with page and limit, and filters by class and app', async () => {
    const all = await t.request('GET', `${R}/list?limit=2`, { token: viewer.token });
    expect(all.status).toBe(200);
    expect(all.body.data).toMatchObject({ page: 1, limit: 2 });
    expect(all.body.data.entities).toHaveLength(2);
    const total = all.body.data.total as number;
    expect(all.body.data.totalPages).toBe(Math.ceil(total / 2));
    const last = await t.request('GET', `${R}/list?limit=2&page=${Math.ceil(total / 2)}`, { token: viewer.token });
    expect(last.body.data.entities.length).toBe(total % 2 === 0 ? 2 : 1);
    const orgs = await t.request('GET', `${R}/list?class=organization&limit=200`, { token: viewer.token });
    expect(orgs.body.data.entities.every((e: { entityClass: string }) => e.entityClass === 'organization')).toBe(true);
    const billing = await t.request('GET', `${R}/list?app=billing`, { token: viewer.token });
    expect(billing.body.data.entities.map((e: { name: string }) => e.name)).toEqual(['Globex']);
    expect((await t.request('GET', `${R}/list?limit=0`, { token: viewer.token })).status).toBe(400);
    expect((await t.request('GET', `${R}/list?page=abc`, { token: viewer.token })).status).toBe(400);
    expect((await t.request('GET', `${R}/list`, { token: other.token })).body.data.total).toBe(0);
  });
});

describe('auto-link', () => {
  it('links to the person with the email, whatever its case; the same link again writes nothing', async () => {
    const made = await register(user.token, { name: 'Auto Ann', email: 'ann@auto.example', ...ref() });
    const crm = ref('crm', 'contact');
    const res = await autoLink(user.token, { email: 'ANN@Auto.Example', ...crm });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: made.body.data.id, created: false, alreadyLinked: false, link: { linkedVia: 'auto_link' } });
    const before = await t.eventCount(acme.tenantId);
    const again = await autoLink(user.token, { email: 'ann@auto.example', ...crm });
    expect([again.status, again.body.data.alreadyLinked, again.body.data.link.id]).toEqual([200, true, res.body.data.link.id]);
    expect(await t.eventCount(acme.tenantId)).toBe(before);
  });

  it('creates the canonical entity when no one has the email', async () => {
    const res = await autoLink(user.token, { email: 'New.Person@Auto.example', name: 'New Person', ...ref('crm', 'contact') });
    expect(res.body.data).toMatchObject({ created: true, alreadyLinked: false, email: 'new.person@auto.example', name: 'New Person' });
    const person = await t.request('GET', `/api/crm/persons/${res.body.data.id}/`, { token: acme.token });
    expect(person.status).toBe(200);
    const nameless = await autoLink(user.token, { email: 'nameless@auto.example', ...ref('crm', 'contact') });
    expect(nameless.body.data).toMatchObject({ created: true, name: 'nameless@auto.example' });
    const org = await autoLink(user.token, { email: 'info@initech.example', name: 'Initech', entityClass: 'organization', ...ref() });
    expect(org.body.data).toMatchObject({ created: true, entityClass: 'organization' });
    const orgAgain = await autoLink(user.token, { email: 'INFO@initech.example', entityClass: 'organization', ...ref() });
    expect(orgAgain.body.data).toMatchObject({ created: false, id: org.body.data.id });
  });

  it('refuses a reference linked to another entity, a missing email and viewers, appending nothing', async () => {
    const a = await register(user.token, { name: 'Holder A', email: 'a@holder.example', ...ref() });
    await register(user.token, { name: 'Holder B', email: 'b@holder.example', ...ref() });
    const held = a.body.data.link;
    await refused(409, 'entity_already_linked', () =>
      autoLink(user.token, { email: 'b@holder.example', app: held.app, entityType: held.entityType, entityId: held.entityId }),
    );
    await refused(409, 'entity_already_linked', () =>
      autoLink(user.token, { email: 'c@holder.example', app: held.app, entityType: held.entityType, entityId: held.entityId }),
    );
    await refused(400, 'validation_error', () => autoLink(user.token, { ...ref() }));
    await refused(400, 'validation_error', () => autoLink(user.token, { email: 'not-an-email', ...ref() }));
    await refused(403, 'permission_denied', () => autoLink(viewer.token, { email: 'v@holder.example', ...ref() }));
  });
});

describe('merge, genealogy, timeline and profile', () => {
  it('merges loser into winner: links move, the loser resolves to the winner, both genealogies tell it', async () => {
    const winner = (await register(user.token, { name: 'Win Ner', email: 'win@merge.example', ...ref('sales', 'lead') })).body.data;
    const loser = (await register(user.token, { name: 'Lou Ser', email: 'lou@merge.example', ...ref('support', 'ticket') })).body.data;
    const extra = (await link(user.token, { canonicalId: loser.id, ...ref('billing', 'invoice') })).body.data;
    await t.request('POST', '/api/v1/platform-events', {
      token: user.token,
      body: { canonicalId: loser.id, app: 'support', category: 'engagement', action: 'ticket_opened', occurredAt: '2026-01-01T10:00:00Z' },
    });
    await t.request('POST', '/api/v1/platform-events', {
      token: user.token,
      body: { canonicalId: winner.id, app: 'sales', category: 'engagement', action: 'email_opened', occurredAt: '2026-02-01T10:00:00Z' },
    });

    await refused(403, 'permission_denied', () => merge(user.token, { winnerId: winner.id, loserId: loser.id }));
    const res = await merge(manager.token, { winnerId: winner.id, loserId: loser.id });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ winnerId: winner.id, loserId: loser.id, entityClass: 'person' });
    expect(res.body.data.movedLinkIds.sort()).toEqual([loser.link.id, extra.id].sort());
    expect(res.body.data.winner.links.map((l: { id: string }) => l.id).sort()).toEqual([winner.link.id, loser.link.id, extra.id].sort());

    const gone = await t.request('GET', `${R}/${loser.id}`, { token: viewer.token });
    expect(gone.body.data).toMatchObject({ status: 'merged', mergedInto: winner.id, links: [] });
    const lookup = await t.request('GET', `${R}/by-entity/billing/invoice/${extra.entityId}`, { token: viewer.token });
    expect([lookup.body.data.id, lookup.body.data.link.linkedVia]).toEqual([winner.id, 'merge']);
    const listed = await t.request('GET', `${R}/search?q=lou@merge.example`, { token: viewer.token });
    expect(listed.body.data).toEqual([]);

    // The person's own history (the people module's merge) and the registry's links, in log order.
    const wg = (await t.request('GET', `${R}/${winner.id}/genealogy`, { token: viewer.token })).body.data;
    expect(wg.entries.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'registered',
      'linked',
      'absorbed',
      'linked',
      'linked',
    ]);
    const absorbed = wg.entries[3];
    expect(absorbed).toMatchObject({ origin: 'people', otherCanonicalIds: [loser.id], source: 'rest', actor: { type: 'user' } });
    expect(absorbed.mergeId).toEqual(expect.any(String));
    expect(wg.entries[4]).toMatchObject({ origin: 'registry', link: { via: 'merge' }, otherCanonicalIds: [loser.id] });
    const lg = (await t.request('GET', `${R}/${loser.id}/genealogy`, { token: viewer.token })).body.data;
    expect(lg).toMatchObject({ status: 'merged', mergedInto: winner.id });
    expect(lg.entries.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'registered',
      'linked',
      'linked',
      'merged_into',
      'unlinked',
      'unlinked',
    ]);
    expect(lg.entries[3]).toMatchObject({
      action: 'linked',
      link: { id: extra.id, via: 'link' },
      actor: { type: 'user', id: user.userId },
    });
    expect(lg.entries[5]).toMatchObject({ action: 'unlinked', otherCanonicalIds: [winner.id] });
    // The people module merged the persons: the loser is inactive and points at the winner.
    const row = await inTenant(t.handle.db, acme.tenantId, (tx) =>
      tx.selectFrom('persons').select(['active', 'merged_into']).where('id', '=', loser.id).executeTakeFirstOrThrow(),
    );
    expect(row).toEqual({ active: false, merged_into: winner.id });

    // The loser's events are the winner's now: timeline and profile count both, newest first.
    const timeline = (await t.request('GET', `${R}/${winner.id}/timeline`, { token: viewer.token })).body.data;
    expect(timeline.events.map((e: { action: string }) => e.action)).toEqual(['email_opened', 'ticket_opened']);
    const paged = (await t.request('GET', `${R}/${winner.id}/timeline?limit=1&page=2`, { token: viewer.token })).body.data;
    expect([paged.total, paged.totalPages, paged.events[0].action]).toEqual([2, 2, 'ticket_opened']);
    const profile = (await t.request('GET', `${R}/${winner.id}/profile`, { token: viewer.token })).body.data;
    expect(profile.mergedIds).toEqual([loser.id]);
    expect(profile.apps.map((a: { app: string; linkCount: number }) => [a.app, a.linkCount])).toEqual([
      ['billing', 1],
      ['sales', 1],
      ['support', 1],
    ]);
    expect(profile.record).toMatchObject({ name: 'Win Ner', email: 'win@merge.example', lifecycleStage: 'lead' });
    expect(profile.events).toMatchObject({
      totalEvents: 2,
      appCount: 2,
      firstSeen: '2026-01-01T10:00:00.000Z',
      lastSeen: '2026-02-01T10:00:00.000Z',
    });

    // Refusals: again, into itself, across classes, unknown ids; each appends nothing.
    await refused(409, 'canonical_merged', () => merge(manager.token, { winnerId: winner.id, loserId: loser.id }));
    await refused(409, 'canonical_merged', () => link(user.token, { canonicalId: loser.id, ...ref() }));
    await refused(400, 'merge_same_entity', () => merge(manager.token, { winnerId: winner.id, loserId: winner.id }));
    const org = (await register(user.token, { name: 'Merge Org', entityClass: 'organization', ...ref() })).body.data;
    await refused(400, 'entity_class_mismatch', () => merge(manager.token, { winnerId: winner.id, loserId: org.id }));
    await refused(404, 'canonical_not_found', () => merge(manager.token, { winnerId: winner.id, loserId: crypto.randomUUID() }));
    await refused(400, 'validation_error', () => merge(manager.token, { winnerId: winner.id }));
  });

  it('a person merge undone by the people module makes the loser live again in the registry', async () => {
    const winner = (await register(user.token, { name: 'Undo Winner', ...ref() })).body.data;
    const loser = (await register(user.token, { name: 'Undo Loser', ...ref() })).body.data;
    await t.request('POST', '/api/v1/platform-events', {
      token: user.token,
      body: { canonicalId: loser.id, app: 'sales', category: 'engagement', action: 'before_undo' },
    });
    expect((await merge(manager.token, { winnerId: winner.id, loserId: loser.id })).status).toBe(200);
    const absorbed = (await t.request('GET', `${R}/${winner.id}/genealogy`, { token: viewer.token })).body.data.entries.find(
      (e: { action: string }) => e.action === 'absorbed',
    );
    const undo = await t.request('POST', `/api/crm/persons/merges/${absorbed.mergeId}/undo/`, { token: acme.token });
    expect(undo.status).toBe(200);
    const back = (await t.request('GET', `${R}/${loser.id}`, { token: viewer.token })).body.data;
    expect([back.status, back.mergedInto]).toEqual(['active', null]);
    // Its events are its own again; the links the merge moved stay with the winner.
    expect((await t.request('GET', `${R}/${winner.id}/timeline`, { token: viewer.token })).body.data.total).toBe(0);
    expect((await t.request('GET', `${R}/${loser.id}/timeline`, { token: viewer.token })).body.data.total).toBe(1);
    expect((await t.request('GET', `${R}/${winner.id}`, { token: viewer.token })).body.data.links).toHaveLength(2);
    const lg = (await t.request('GET', `${R}/${loser.id}/genealogy`, { token: viewer.token })).body.data.entries;
    expect(lg.map((e: { action: string }) => e.action)).toContain('unmerged');
  });

  it('merges companies too, marking the loser merged in the registry', async () => {
    const a = (await register(user.token, { name: 'Merge Co A', entityClass: 'organization', ...ref() })).body.data;
    const b = (await register(user.token, { name: 'Merge Co B', entityClass: 'organization', ...ref() })).body.data;
    const res = await merge(acme.token, { winnerId: a.id, loserId: b.id });
    expect([res.status, res.body.data.entityClass]).toEqual([200, 'organization']);
    expect((await t.request('GET', `${R}/${b.id}`, { token: viewer.token })).body.data).toMatchObject({
      status: 'merged',
      mergedInto: a.id,
    });
    const orgs = (await t.request('GET', `${R}/list?class=organization&limit=200`, { token: viewer.token })).body.data.entities;
    expect(orgs.map((e: { id: string }) => e.id)).toContain(a.id);
    expect(orgs.map((e: { id: string }) => e.id)).not.toContain(b.id);
  });

  it('unlink shows in the genealogy; unknown entities are 404 on every read', async () => {
    const made = (await register(user.token, { name: 'Gene Alogy', ...ref() })).body.data;
    await t.request('DELETE', `${R}/links/${made.link.id}`, { token: user.token });
    const g = (await t.request('GET', `${R}/${made.id}/genealogy`, { token: viewer.token })).body.data;
    expect(g.entries.map((e: { action: string }) => e.action)).toEqual(['created', 'registered', 'linked', 'unlinked']);
    const missing = crypto.randomUUID();
    for (const path of ['', '/genealogy', '/timeline', '/profile']) {
      const res = await t.request('GET', `${R}/${missing}${path}`, { token: viewer.token });
      expect([res.status, res.body.code], path).toEqual([404, 'canonical_not_found']);
    }
  });
});

describe('concurrent writers', () => {
  it('one reference linked by five writers at once: one link, four 409s', async () => {
    const ids = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => (await register(user.token, { name: `Racer ${i}`, ...ref() })).body.data.id as string),
    );
    const contested = ref('race', 'item');
    const res = await Promise.all(ids.map((canonicalId) => link(user.token, { canonicalId, ...contested })));
    expect(res.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(res.filter((r) => r.status === 409).every((r) => r.body.code === 'entity_already_linked')).toBe(true);
  });

  it('five auto-links of one new email at once create one person and link the rest to it', async () => {
    const res = await Promise.all(
      Array.from({ length: 5 }, () => autoLink(user.token, { email: 'Race@Auto.example', ...ref('race', 'lead') })),
    );
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(res.filter((r) => r.body.data.created)).toHaveLength(1);
    expect(new Set(res.map((r) => r.body.data.id)).size).toBe(1);
    const found = await t.request('GET', `${R}/search?q=race@auto.example`, { token: viewer.token });
    expect(found.body.data).toHaveLength(1);
    expect(found.body.data[0].linkCount).toBe(5);
  });
});

describe('tenant isolation', () => {
  it('another tenant finds nothing of this one on any path, and cannot write to it', async () => {
    const made = (await register(user.token, { name: 'Private Pia', email: 'pia@private.example', ...ref('sales', 'lead') })).body.data;
    const mine = (await register(other.token, { name: 'Other Olga', ...ref() })).body.data;
    const l = made.link;
    for (const path of [
      `${R}/${made.id}`,
      `${R}/${made.id}/genealogy`,
      `${R}/${made.id}/timeline`,
      `${R}/${made.id}/profile`,
      `${R}/by-entity/${l.app}/${l.entityType}/${l.entityId}`,
    ]) {
      const res = await t.request('GET', path, { token: other.token });
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain('Private Pia');
    }
    for (const path of [`${R}/search?q=pia`, `${R}/list?q=pia`]) {
      const res = await t.request('GET', path, { token: other.token });
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('Private Pia');
    }
    await refused(404, 'link_not_found', () => t.request('DELETE', `${R}/links/${l.id}`, { token: other.token }));
    await refused(404, 'canonical_not_found', () => link(other.token, { canonicalId: made.id, ...ref() }));
    await refused(404, 'canonical_not_found', () => merge(other.token, { winnerId: mine.id, loserId: made.id }));
    // The same reference may name an entity in each tenant.
    expect((await link(other.token, { canonicalId: mine.id, app: l.app, entityType: l.entityType, entityId: l.entityId })).status).toBe(
      201,
    );
    const pia = await autoLink(other.token, { email: 'pia@private.example', ...ref() });
    expect([pia.body.data.created, pia.body.data.id === made.id]).toEqual([true, false]);
    expect(await t.eventCount(acme.tenantId, REGISTRY_EVENTS)).toBeGreaterThan(0);
  });
});
