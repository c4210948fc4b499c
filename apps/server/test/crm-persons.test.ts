import { inSystem, inTenant } from '@crm/db';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';
import { expectDocShape, PREFIXES } from './crm-doc003.ts';

// Document 003's persons and organizations, on both path families. Every answer checked here is
// also validated against the document's own component schemas (OpenAPI 3.0, via ajv: crm-doc003.ts).

const t = await testApp();

// --- helpers ----------------------------------------------------------------------------------

const PERSON_EVENTS = ['PersonCreated', 'PersonUpdated', 'PersonAdded', 'PersonRevised', 'PersonDeleted'];
const ORG_EVENTS = ['CompanyCreated', 'CompanyUpdated', 'CompanyDeleted'];

async function org(a: TestTenant, body: Record<string, unknown>, prefix = '/api/crm') {
  const res = await t.request('POST', `${prefix}/organizations/`, { token: a.token, body });
  expect(res.status, res.text).toBe(201);
  expectDocShape('Organization', res.body);
  return res.body;
}
async function person(a: TestTenant, body: Record<string, unknown>, prefix = '/api/crm') {
  const res = await t.request('POST', `${prefix}/persons/`, { token: a.token, body });
  expect(res.status, res.text).toBe(201);
  expectDocShape('Person', res.body);
  return res.body;
}

describe.each(PREFIXES)('persons at %s/persons/', (prefix) => {
  it('creates, reads, replaces, updates and deletes a person, each answer as the document shapes it', async () => {
    const a = await t.registerTenant();
    const o = await org(a, { name: 'Acme' }, prefix);
    const p = await person(
      a,
      {
        name: 'Alice Chen',
        primary_email: 'Alice@Example.com',
        emails: ['a2@example.com'],
        contact_numbers: [{ kind: 'mobile', value: '+1 555' }],
        job_title: 'CTO',
        organization: o.id,
        owner: a.userId,
        lifecycle_stage: 'qualified',
        unique_id: 'crm-1',
        metadata: { source: 'import' },
      },
      prefix,
    );
    expect(p).toMatchObject({
      name: 'Alice Chen',
      primary_email: 'alice@example.com',
      emails: ['a2@example.com'],
      job_title: 'CTO',
      organization: o.id,
      owner: a.userId,
      platform_user: null,
      lifecycle_stage: 'qualified',
      unique_id: 'crm-1',
      active: true,
      metadata: { source: 'import' },
    });
    expect(typeof p.platform).toBe('number');
    expect(p.platform).toBe(o.platform);

    const got = await t.request('GET', `${prefix}/persons/${p.id}/`, { token: a.token });
    expect(got.status).toBe(200);
    expectDocShape('Person', got.body);
    expect(got.body).toEqual(p);

    // PUT replaces every editable field: what it leaves out goes back to its default. Read-only
    // fields sent back from a GET are accepted and ignored.
    const put = await t.request('PUT', `${prefix}/persons/${p.id}/`, {
      token: a.token,
      body: {
        ...got.body,
        name: 'Alice C.',
        job_title: undefined,
        unique_id: undefined,
        organization: undefined,
        metadata: undefined,
        emails: undefined,
        contact_numbers: undefined,
        id: 'ignored',
        active: false,
      },
    });
    expect(put.status, put.text).toBe(200);
    expectDocShape('Person', put.body);
    expect(put.body).toMatchObject({
      id: p.id,
      name: 'Alice C.',
      primary_email: 'alice@example.com',
      job_title: '',
      unique_id: '',
      organization: null,
      metadata: {},
      emails: [],
      contact_numbers: [],
      active: true,
      owner: a.userId,
      lifecycle_stage: 'qualified',
    });

    // PATCH changes only what it is given.
    const patch = await t.request('PATCH', `${prefix}/persons/${p.id}/`, { token: a.token, body: { lifecycle_stage: 'customer' } });
    expect(patch.status).toBe(200);
    expectDocShape('Person', patch.body);
    expect(patch.body).toMatchObject({ name: 'Alice C.', lifecycle_stage: 'customer', owner: a.userId });

    const before = await t.eventCount(a.tenantId);
    const del = await t.request('DELETE', `${prefix}/persons/${p.id}/`, { token: a.token });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect(await t.eventCount(a.tenantId, ['PersonDeleted'])).toBe(1);
    expect(await t.eventCount(a.tenantId)).toBe(before + 1);
    expect((await t.request('GET', `${prefix}/persons/${p.id}/`, { token: a.token })).status).toBe(404);
    expect((await t.request('DELETE', `${prefix}/persons/${p.id}/`, { token: a.token })).status).toBe(404);
  });
});

describe('one person, one organization, whichever path family shows them', () => {
  it('serves the same records under /api/crm/ and the bare paths', async () => {
    const a = await t.registerTenant();
    const o = await org(a, { name: 'Shared' }, '');
    const p = await person(a, { name: 'Bo', organization: o.id }, '/api/crm');
    expect((await t.request('GET', `/persons/${p.id}/`, { token: a.token })).body).toEqual(p);
    expect((await t.request('GET', `/api/crm/organizations/${o.id}/`, { token: a.token })).body).toEqual(o);
  });

  it('shows a deal contact as a person, and deals keep working when that person changes', async () => {
    const a = await t.registerTenant();
    const deal = (await t.request('POST', '/v1/crm/deals', { token: a.token, body: { name: 'D', value_usd: 1 } })).body;
    const contact = (
      await t.request('POST', `/v1/crm/deals/${deal.id}/contacts`, { token: a.token, body: { name: 'Cara', email: 'cara@x.io' } })
    ).body;
    const got = await t.request('GET', `/persons/${contact.person_id}/`, { token: a.token });
    expect(got.status).toBe(200);
    expectDocShape('Person', got.body);
    expect(got.body).toMatchObject({ name: 'Cara', primary_email: 'cara@x.io', lifecycle_stage: 'lead' });
    await t.request('PATCH', `/persons/${contact.person_id}/`, { token: a.token, body: { name: 'Cara Doe' } });
    const contacts = (await t.request('GET', `/v1/crm/deals/${deal.id}/contacts`, { token: a.token })).body;
    expect(JSON.stringify(contacts)).toContain('Cara Doe');
    // A 003 person with an email a contact already holds is refused, not twinned.
    const dup = await t.request('POST', '/persons/', { token: a.token, body: { name: 'Other', primary_email: 'CARA@x.io' } });
    expect(dup.status).toBe(400);
    expect(dup.body.code).toBe('email_taken');
  });

  it('keeps personal fields in a separate `personal` part of the event data', async () => {
    const a = await t.registerTenant();
    const p = await person(a, { name: 'Pia', primary_email: 'pia@x.io', job_title: 'Dev', lifecycle_stage: 'lead' });
    await t.request('PATCH', `/persons/${p.id}/`, { token: a.token, body: { name: 'Pia P', lifecycle_stage: 'customer' } });
    const { rows } = await inSystem(t.handle.db, (tx) =>
      sql<{
        event_type: string;
        data: Record<string, unknown>;
      }>`select event_type, data from es_events where tenant_id = ${a.tenantId} and stream_id = ${p.id} order by stream_version`.execute(
        tx,
      ),
    );
    expect(rows.map((r) => r.event_type)).toEqual(['PersonAdded', 'PersonRevised']);
    // Stored, the personal part is sealed under the person's key (erasure, see erasure.test.ts)...
    for (const clear of ['"Pia"', '"pia@x.io"', '"Dev"']) expect(JSON.stringify(rows)).not.toContain(clear);
    expect(Object.keys(rows[0]!.data).sort()).toEqual([
      '$sealed',
      'lifecycle_stage',
      'metadata',
      'organization_id',
      'owner_user_id',
      'person_id',
      'unique_id',
    ]);
    expect(rows[1]!.data).toMatchObject({ changes: { lifecycle_stage: { from: 'lead', to: 'customer' } } });
    expect(rows[1]!.data).not.toHaveProperty('personal');
    // ...and read through the store it is a separate `personal` part again.
    const events = await inTenant(t.handle.db, a.tenantId, (tx) =>
      t.services.store.readStream(tx, a.tenantId, { type: 'person', id: p.id }),
    );
    expect((events[0]!.data as { personal: unknown }).personal).toMatchObject({ name: 'Pia', primary_email: 'pia@x.io', job_title: 'Dev' });
    expect(Object.keys(events[0]!.data as object)).not.toContain('name');
    expect(events[1]!.data).toEqual({
      changes: { lifecycle_stage: { from: 'lead', to: 'customer' } },
      personal: { name: { from: 'Pia', to: 'Pia P' } },
    });
  });
});

describe('person rules', () => {
  it('refuses an organization of another tenant, a taken unique_id and unknown fields, writing nothing', async () => {
    const a = await t.registerTenant();
    const b = await t.registerTenant();
    const theirs = await org(b, { name: 'Theirs' });
    await person(a, { name: 'One', unique_id: 'ext-1' });
    await person(a, { name: 'Blank 1', unique_id: '' });
    await person(a, { name: 'Blank 2' });
    const before = await t.eventCount(a.tenantId);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'X', organization: theirs.id }, 'organization_not_found'],
      [{ name: 'X', unique_id: 'ext-1' }, 'unique_id_taken'],
      [{ name: 'X', nickname: 'x' }, 'validation_error'],
      [{ name: 'X', lifecycle_stage: 'prospect' }, 'validation_error'],
      [{ name: 'X', owner: 999_999 }, 'owner_not_found'],
      [{ name: 'X', metadata: null }, 'validation_error'],
      [{ name: '' }, 'validation_error'],
      [{ name: 'X', metadata: { k: 'a\u0000b' } }, 'invalid_text'],
    ];
    for (const [body, code] of cases) {
      const res = await t.request('POST', '/api/crm/persons/', { token: a.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code, JSON.stringify(body)).toBe(code);
      expect(typeof res.body.detail).toBe('string');
    }
    // The same unique_id in another tenant is fine.
    await person(b, { name: 'One', unique_id: 'ext-1' });
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });

  it("answers 404 for another tenant's person on every path, and changes nothing", async () => {
    const a = await t.registerTenant();
    const b = await t.registerTenant();
    const p = await person(a, { name: 'Mine' });
    const before = await t.eventCount(a.tenantId);
    for (const prefix of PREFIXES) {
      for (const [method, body] of [['GET'], ['PUT', { name: 'Stolen' }], ['PATCH', { name: 'Stolen' }], ['DELETE']] as const) {
        const res = await t.request(method, `${prefix}/persons/${p.id}/`, { token: b.token, ...(body ? { body } : {}) });
        expect(res.status, `${method} ${res.text}`).toBe(404);
        expect(res.body.code).toBe('person_not_found');
      }
    }
    const list = await t.request('GET', '/persons/', { token: b.token });
    expect(list.body.count).toBe(0);
    expect(await t.eventCount(a.tenantId)).toBe(before);
    expect((await t.request('GET', `/persons/${p.id}/`, { token: a.token })).body.name).toBe('Mine');
  });

  it('lets every role read and user, manager and tenant_admin write; a viewer is refused and nothing is written', async () => {
    const a = await t.registerTenant();
    const viewer = await t.createUser(a, 'viewer', 'Vic');
    const user = await t.createUser(a, 'user', 'Uma');
    expect((await t.request('GET', '/persons/', { token: viewer.token })).status).toBe(200);
    const before = await t.eventCount(a.tenantId);
    const refused = await t.request('POST', '/persons/', { token: viewer.token, body: { name: 'X' } });
    expect(refused.status).toBe(403);
    expect(refused.body.details).toEqual({ permission: 'Ibl.CRM/Persons/write' });
    expect(await t.eventCount(a.tenantId)).toBe(before);
    expect((await t.request('POST', '/persons/', { token: user.token, body: { name: 'Y' } })).status).toBe(201);
  });
});

describe('person lists', () => {
  it('pages with {count, next, previous, results} and absolute links, page_size capped', async () => {
    const a = await t.registerTenant();
    for (let i = 0; i < 5; i++) await person(a, { name: `P${i}` });
    const first = await t.request('GET', '/api/crm/persons/?page_size=2', { token: a.token });
    expect(first.status).toBe(200);
    expectDocShape('PaginatedPersonList', first.body);
    expect(first.body).toMatchObject({ count: 5, previous: null });
    expect(first.body.results.map((p: { name: string }) => p.name)).toEqual(['P0', 'P1']);
    expect(first.body.next).toBe('http://localhost/api/crm/persons/?page_size=2&page=2');
    const last = await t.request('GET', '/api/crm/persons/?page_size=2&page=3', { token: a.token });
    expect(last.body).toMatchObject({ count: 5, next: null, previous: 'http://localhost/api/crm/persons/?page_size=2&page=2' });
    expect(last.body.results.map((p: { name: string }) => p.name)).toEqual(['P4']);
    const capped = await t.request('GET', '/persons/?page_size=100000', { token: a.token });
    expect(capped.status).toBe(200);
    expect(capped.body.results).toHaveLength(5);
    expect((await t.request('GET', '/persons/?page=0', { token: a.token })).status).toBe(400);
  });

  it('filters by lifecycle_stage, owner, organization, created_at range, metadata key and name', async () => {
    const a = await t.registerTenant();
    const u = await t.createUser(a, 'user', 'Ola');
    const o = await org(a, { name: 'Filters Inc' });
    const p1 = await person(a, {
      name: 'Anna Alpha',
      lifecycle_stage: 'customer',
      owner: u.userId,
      organization: o.id,
      metadata: { vip: true },
    });
    await new Promise((r) => setTimeout(r, 20));
    const mid = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const p2 = await person(a, { name: 'Ben Beta', metadata: { tier: 1 } });
    const names = async (q: string) => {
      const res = await t.request('GET', `/persons/?${q}`, { token: a.token });
      expect(res.status, res.text).toBe(200);
      expectDocShape('PaginatedPersonList', res.body);
      return res.body.results.map((p: { id: string }) => p.id);
    };
    expect(await names('lifecycle_stage=customer')).toEqual([p1.id]);
    expect(await names(`owner=${u.userId}`)).toEqual([p1.id]);
    expect(await names(`organization=${o.id}`)).toEqual([p1.id]);
    expect(await names(`created_at__gte=${encodeURIComponent(mid)}`)).toEqual([p2.id]);
    expect(await names(`created_at__lte=${encodeURIComponent(mid)}`)).toEqual([p1.id]);
    expect(await names('metadata__has_key=vip')).toEqual([p1.id]);
    expect(await names('metadata__has_key=tier')).toEqual([p2.id]);
    expect(await names('name=BETA')).toEqual([p2.id]);
    expect(await names('name=%25')).toEqual([]);
    expect((await t.request('GET', '/persons/?lifecycle_stage=prospect', { token: a.token })).status).toBe(400);
  });
});

describe.each(PREFIXES)('organizations at %s/organizations/', (prefix) => {
  it('creates, reads, replaces, updates, lists and deletes, names unique per tenant (case-sensitive)', async () => {
    const a = await t.registerTenant();
    const b = await t.registerTenant();
    const o = await org(a, { name: 'Acme', address: { city: 'Oslo' }, owner: a.userId, metadata: { size: 10 } }, prefix);
    expect(o).toMatchObject({ name: 'Acme', address: { city: 'Oslo' }, owner: a.userId, metadata: { size: 10 } });
    const before = await t.eventCount(a.tenantId);
    const dup = await t.request('POST', `${prefix}/organizations/`, { token: a.token, body: { name: 'Acme' } });
    expect(dup.status).toBe(400);
    expect(dup.body.code).toBe('name_taken');
    expect(await t.eventCount(a.tenantId)).toBe(before);
    await org(a, { name: 'acme' }, prefix); // case-sensitive
    await org(b, { name: 'Acme' }, prefix); // another tenant
    const other = await org(a, { name: 'Other' }, prefix);
    const rename = await t.request('PATCH', `${prefix}/organizations/${other.id}/`, { token: a.token, body: { name: 'Acme' } });
    expect(rename.status).toBe(400);
    expect(rename.body.code).toBe('name_taken');

    const put = await t.request('PUT', `${prefix}/organizations/${o.id}/`, { token: a.token, body: { name: 'Acme Ltd', platform: 7 } });
    expect(put.status).toBe(200);
    expectDocShape('Organization', put.body);
    expect(put.body).toMatchObject({ name: 'Acme Ltd', address: null, owner: null, metadata: {}, platform: o.platform });
    const patch = await t.request('PATCH', `${prefix}/organizations/${o.id}/`, { token: a.token, body: { owner: a.userId } });
    expect(patch.body).toMatchObject({ name: 'Acme Ltd', owner: a.userId });
    expect((await t.request('PATCH', `${prefix}/organizations/${o.id}/`, { token: a.token, body: { nickname: 'x' } })).status).toBe(400);

    const list = await t.request('GET', `${prefix}/organizations/?name=ACME&page_size=1`, { token: a.token });
    expect(list.status).toBe(200);
    expectDocShape('PaginatedOrganizationList', list.body);
    expect(list.body.count).toBe(2);
    expect(list.body.next).toBe(`http://localhost${prefix}/organizations/?name=ACME&page_size=1&page=2`);
    const owned = await t.request('GET', `${prefix}/organizations/?owner=${a.userId}`, { token: a.token });
    expect(owned.body.results.map((r: { id: string }) => r.id)).toEqual([o.id]);

    for (const [method, body] of [['GET'], ['PUT', { name: 'X' }], ['PATCH', { name: 'X' }], ['DELETE']] as const) {
      const res = await t.request(method, `${prefix}/organizations/${o.id}/`, { token: b.token, ...(body ? { body } : {}) });
      expect(res.status, method).toBe(404);
      expect(res.body.code).toBe('organization_not_found');
    }
    const del = await t.request('DELETE', `${prefix}/organizations/${o.id}/`, { token: a.token });
    expect(del.status).toBe(204);
    expect((await t.request('GET', `${prefix}/organizations/${o.id}/`, { token: a.token })).status).toBe(404);
  });
});

describe('deleting an organization', () => {
  it("keeps its persons and clears their reference with an event on each person's stream", async () => {
    const a = await t.registerTenant();
    const o = await org(a, { name: 'Going' });
    const stay = await org(a, { name: 'Staying' });
    const p1 = await person(a, { name: 'P1', organization: o.id });
    const p2 = await person(a, { name: 'P2', organization: o.id });
    const p3 = await person(a, { name: 'P3', organization: stay.id });
    const revised = await t.eventCount(a.tenantId, ['PersonRevised']);
    expect((await t.request('DELETE', `/organizations/${o.id}/`, { token: a.token })).status).toBe(204);
    expect(await t.eventCount(a.tenantId, ['PersonRevised'])).toBe(revised + 2);
    expect(await t.eventCount(a.tenantId, ORG_EVENTS.slice(2))).toBe(1);
    for (const p of [p1, p2]) expect((await t.request('GET', `/persons/${p.id}/`, { token: a.token })).body.organization).toBeNull();
    expect((await t.request('GET', `/persons/${p3.id}/`, { token: a.token })).body.organization).toBe(stay.id);
    // The name is free again, and a person cannot point at the deleted organization.
    await org(a, { name: 'Going' });
    const res = await t.request('PATCH', `/persons/${p1.id}/`, { token: a.token, body: { organization: o.id } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('organization_not_found');
    expect(await t.eventCount(a.tenantId, PERSON_EVENTS)).toBe(3 + 2);
  });
});

describe('concurrent writers', () => {
  it('let one of two simultaneous claims of a name, unique_id or email win, and refuse the other with 400', async () => {
    const a = await t.registerTenant();
    const twice = (path: string, body: unknown) => Promise.all([0, 1].map(() => t.request('POST', path, { token: a.token, body })));
    for (const [path, body, code] of [
      ['/organizations/', { name: 'Race' }, 'name_taken'],
      ['/persons/', { name: 'R', unique_id: 'race-1' }, 'unique_id_taken'],
      ['/persons/', { name: 'R', primary_email: 'race@x.io' }, 'email_taken'],
    ] as const) {
      const res = await twice(path, body);
      expect(res.map((r) => r.status).sort()).toEqual([201, 400]);
      expect(res.find((r) => r.status === 400)!.body.code).toBe(code);
    }
  });
});
