import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';

const t = await testApp();

const DEAL_EVENTS = [
  'DealCreated',
  'DealUpdated',
  'DealMoved',
  'DealDeleted',
  'DealContactAttached',
  'DealContactUpdated',
  'DealContactDetached',
  'ActivityLogged',
];
const stagesOf = async (a: TestTenant) => (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages as any[];
const newDeal = async (a: TestTenant, body: Record<string, unknown> = {}) => {
  const res = await t.request('POST', '/v1/crm/deals', { token: a.token, body: { name: 'Deal', value_usd: 100, ...body } });
  if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
  return res.body;
};

describe('deals (document 000)', () => {
  it('creates a deal in the first stage, owned by its creator, with value as a number', async () => {
    const a = await t.registerTenant();
    const [lead] = await stagesOf(a);
    const deal = await newDeal(a, { name: 'Acme renewal', domain: 'ACME.com', value_usd: 1234.5 });
    expect(deal).toMatchObject({
      name: 'Acme renewal',
      domain: 'acme.com',
      value_usd: 1234.5,
      stage_id: lead.id,
      owner_user_id: a.userId,
      version: 1,
    });
    const got = await t.request('GET', `/v1/crm/deals/${deal.id}`, { token: a.token });
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('"1"');
    expect(got.body).toMatchObject({ id: deal.id, contacts: [], activities: [] });
  });

  it('updates only what changed and records before and after', async () => {
    const a = await t.registerTenant();
    const deal = await newDeal(a, { name: 'Old', value_usd: 10 });
    const res = await t.request('PATCH', `/v1/crm/deals/${deal.id}`, {
      token: a.token,
      body: { name: 'New', value_usd: 10, domain: 'new.io' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'New', domain: 'new.io', value_usd: 10, version: 2 });
    const timeline = await t.request('GET', `/v1/crm/deals/${deal.id}/timeline`, { token: a.token });
    expect(timeline.body.entries[1]).toMatchObject({
      version: 2,
      event: 'DealUpdated',
      actor_user_id: a.userId,
      changes: { name: { from: 'Old', to: 'New' }, domain: { from: null, to: 'new.io' } },
    });
    expect(timeline.body.entries[1].changes.value_usd).toBeUndefined();
  });

  it('moves a deal, stamping a stage_changed activity that says from where to where and who', async () => {
    const a = await t.registerTenant();
    const [lead, qualified] = await stagesOf(a);
    const deal = await newDeal(a);
    const moved = await t.request('PATCH', `/v1/crm/deals/${deal.id}/move`, { token: a.token, body: { stage_id: qualified.id } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ stage_id: qualified.id, version: 2 });
    const acts = await t.request('GET', `/v1/crm/deals/${deal.id}/activities`, { token: a.token });
    expect(acts.body.activities).toEqual([
      expect.objectContaining({
        type: 'stage_changed',
        body: 'Moved from Lead to Qualified',
        actor_user_id: a.userId,
        data: { from_stage_id: lead.id, to_stage_id: qualified.id, reason: 'user' },
      }),
    ]);
    // A move to the stage it is in changes nothing.
    const same = await t.request('PATCH', `/v1/crm/deals/${deal.id}/move`, { token: a.token, body: { stage_id: qualified.id } });
    expect(same.body.version).toBe(2);
  });

  it('logs activities and lists them newest first', async () => {
    const a = await t.registerTenant();
    const deal = await newDeal(a);
    const call = await t.request('POST', `/v1/crm/deals/${deal.id}/activities`, {
      token: a.token,
      body: { type: 'call', body: 'Intro call' },
    });
    expect(call.status).toBe(201);
    const meeting = await t.request('POST', `/v1/crm/deals/${deal.id}/activities`, {
      token: a.token,
      body: { type: 'meeting', body: 'Demo', scheduled_for: '2030-01-02T15:00:00Z' },
    });
    expect(meeting.body).toMatchObject({ type: 'meeting', scheduled_for: '2030-01-02T15:00:00.000Z', actor_user_id: a.userId });
    const list = await t.request('GET', `/v1/crm/deals/${deal.id}/activities`, { token: a.token });
    expect(list.body.activities.map((x: any) => x.body)).toEqual(['Demo', 'Intro call']);
    const bad = await t.request('POST', `/v1/crm/deals/${deal.id}/activities`, {
      token: a.token,
      body: { type: 'stage_changed', body: 'forged' },
    });
    expect(bad.status).toBe(400);
  });

  it('filters the list by stage, owner, minimum value and text, and pages it', async () => {
    const a = await t.registerTenant();
    const seller = await t.createUser(a, 'user', 'Sally');
    const [lead, qualified] = await stagesOf(a);
    await newDeal(a, { name: 'Alpha Corp', domain: 'alpha.com', value_usd: 50 });
    await newDeal(a, { name: 'Beta LLC', domain: 'beta.io', value_usd: 500, stage_id: qualified.id });
    await newDeal(a, { name: 'Gamma 100%_off', value_usd: 5000, owner_user_id: seller.userId });
    const names = async (qs: string) =>
      (await t.request('GET', `/v1/crm/deals${qs}`, { token: a.token })).body.deals.map((d: any) => d.name).sort();
    expect(await names('')).toEqual(['Alpha Corp', 'Beta LLC', 'Gamma 100%_off']);
    expect(await names(`?stage_id=${lead.id}`)).toEqual(['Alpha Corp', 'Gamma 100%_off']);
    expect(await names(`?owner_user_id=${seller.userId}`)).toEqual(['Gamma 100%_off']);
    expect(await names('?min_value=500')).toEqual(['Beta LLC', 'Gamma 100%_off']);
    expect(await names('?q=BETA')).toEqual(['Beta LLC']);
    expect(await names('?q=alpha.com')).toEqual(['Alpha Corp']);
    expect(await names('?q=%25_')).toEqual(['Gamma 100%_off']); // % and _ are literal
    const page = await t.request('GET', '/v1/crm/deals?page=2&page_size=2', { token: a.token });
    expect(page.body).toMatchObject({ total: 3, page: 2, page_size: 2, has_more: false });
    expect(page.body.deals).toHaveLength(1);
    // `limit` is another name of page_size, heard when page_size is not sent.
    const limited = await t.request('GET', '/v1/crm/deals?limit=2', { token: a.token });
    expect(limited.body).toMatchObject({ total: 3, page_size: 2, has_more: true });
    expect(limited.body.deals).toHaveLength(2);
    expect((await t.request('GET', '/v1/crm/deals?min_value=abc', { token: a.token })).status).toBe(400);
  });

  it('deletes a deal: gone from reads, history kept in the timeline', async () => {
    const a = await t.registerTenant();
    const deal = await newDeal(a);
    const del = await t.request('DELETE', `/v1/crm/deals/${deal.id}`, { token: a.token });
    expect(del.status).toBe(200);
    expect((await t.request('GET', `/v1/crm/deals/${deal.id}`, { token: a.token })).status).toBe(404);
    expect((await t.request('DELETE', `/v1/crm/deals/${deal.id}`, { token: a.token })).status).toBe(404);
    const timeline = await t.request('GET', `/v1/crm/deals/${deal.id}/timeline`, { token: a.token });
    expect(timeline.body.entries.map((e: any) => e.event)).toEqual(['DealCreated', 'DealDeleted']);
  });

  it('refuses stale If-Match writes with 409 and keeps the newer change', async () => {
    const a = await t.registerTenant();
    const [, qualified, proposal] = await stagesOf(a);
    const deal = await newDeal(a);
    const ok = await t.request('PATCH', `/v1/crm/deals/${deal.id}/move`, {
      token: a.token,
      body: { stage_id: qualified.id },
      headers: { 'if-match': '"1"' },
    });
    expect(ok.status).toBe(200);
    for (const [method, path, body] of [
      ['PATCH', `/v1/crm/deals/${deal.id}/move`, { stage_id: proposal.id }],
      ['PATCH', `/v1/crm/deals/${deal.id}`, { name: 'Overwrite' }],
      ['DELETE', `/v1/crm/deals/${deal.id}`, undefined],
    ] as const) {
      const stale = await t.request(method, path, { token: a.token, body, headers: { 'if-match': '"1"' } });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'version_conflict', details: { current_version: 2 } });
    }
    const now = (await t.request('GET', `/v1/crm/deals/${deal.id}`, { token: a.token })).body;
    expect(now).toMatchObject({ stage_id: qualified.id, name: 'Deal', version: 2 });
  });

  it('never loses an update when one deal is moved many times at once', async () => {
    const a = await t.registerTenant();
    const stages = await stagesOf(a);
    const deal = await newDeal(a);
    const targets = Array.from({ length: 10 }, (_, i) => stages[1 + (i % (stages.length - 1))].id);
    // Alternate so that every move really changes the stage.
    const results = await Promise.all(
      targets.map((stage_id, i) =>
        t.request('PATCH', `/v1/crm/deals/${deal.id}/move`, { token: a.token, body: { stage_id: i % 2 ? stages[0].id : stage_id } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const timeline = (await t.request('GET', `/v1/crm/deals/${deal.id}/timeline`, { token: a.token })).body.entries;
    const moves = timeline.filter((e: any) => e.event === 'DealMoved');
    // Each move either changed the stage (an event) or found it already there (nothing to record).
    expect(timeline.map((e: any) => e.version)).toEqual(timeline.map((_: any, i: number) => i + 1));
    for (let i = 1; i < moves.length; i++) expect(moves[i].changes.stage_id.from).toBe(moves[i - 1].changes.stage_id.to);
    const final = (await t.request('GET', `/v1/crm/deals/${deal.id}`, { token: a.token })).body;
    expect(final.version).toBe(1 + moves.length);
    expect(final.stage_id).toBe(moves.at(-1).changes.stage_id.to);
    expect(final.activities.filter((x: any) => x.type === 'stage_changed')).toHaveLength(moves.length);
  });

  it('answers invalid input with 400 and a code, and appends nothing', async () => {
    const a = await t.registerTenant();
    const deal = await newDeal(a);
    const before = await t.eventCount(a.tenantId, DEAL_EVENTS);
    for (const [method, path, body] of [
      ['POST', '/v1/crm/deals', {}],
      ['POST', '/v1/crm/deals', { name: 'x', value_usd: -1 }],
      ['POST', '/v1/crm/deals', { name: 'x', value_usd: '100' }],
      ['POST', '/v1/crm/deals', { name: 'x', stage_id: '00000000-0000-4000-8000-000000000000' }],
      ['POST', '/v1/crm/deals', { name: 'x', owner_user_id: 999999 }],
      ['POST', '/v1/crm/deals', { name: 'x', domain: 'has space.com' }],
      ['PATCH', `/v1/crm/deals/${deal.id}`, { value_usd: null }],
      ['PATCH', `/v1/crm/deals/${deal.id}/move`, {}],
      ['PATCH', `/v1/crm/deals/${deal.id}/move`, { stage_id: 'nope' }],
      ['POST', `/v1/crm/deals/${deal.id}/contacts`, {}],
      ['POST', `/v1/crm/deals/${deal.id}/contacts`, { email: 'not-an-email' }],
      ['POST', `/v1/crm/deals/${deal.id}/activities`, { type: 'call' }],
      ['POST', `/v1/crm/deals/${deal.id}/activities`, { type: 'call', body: 'x', scheduled_for: 'tomorrow' }],
    ] as const) {
      const res = await t.request(method, path, { token: a.token, body });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}: ${res.text}`).toBe(400);
      expect(res.body.code).toMatch(/^[a-z_]+$/);
    }
    expect(await t.eventCount(a.tenantId, DEAL_EVENTS)).toBe(before);
  });
});

describe('contacts on a deal', () => {
  it('attaches people, links an existing person by email instead of making a twin, and detaches', async () => {
    const a = await t.registerTenant();
    const d1 = await newDeal(a, { name: 'One' });
    const d2 = await newDeal(a, { name: 'Two' });
    const jane = await t.request('POST', `/v1/crm/deals/${d1.id}/contacts`, {
      token: a.token,
      body: { name: 'Jane Roe', email: 'Jane@Example.com', phone: '+1 555 0100', title: 'CTO', role: 'champion' },
    });
    expect(jane.status).toBe(201);
    expect(jane.body).toMatchObject({
      deal_id: d1.id,
      name: 'Jane Roe',
      email: 'jane@example.com',
      phone: '+1 555 0100',
      title: 'CTO',
      role: 'champion',
    });
    const again = await t.request('POST', `/v1/crm/deals/${d2.id}/contacts`, {
      token: a.token,
      body: { name: 'J. Roe', email: 'JANE@example.com' },
    });
    expect(again.body.person_id).toBe(jane.body.person_id);
    expect(again.body.name).toBe('Jane Roe');
    const dup = await t.request('POST', `/v1/crm/deals/${d1.id}/contacts`, { token: a.token, body: { email: 'jane@example.com' } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('contact_already_attached');

    // Person fields change for every deal the person is on; the role only on this one.
    const patched = await t.request('PATCH', `/v1/crm/contacts/${again.body.id}`, {
      token: a.token,
      body: { title: 'CEO', role: 'buyer' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'CEO', role: 'buyer' });
    const onOne = (await t.request('GET', `/v1/crm/deals/${d1.id}/contacts`, { token: a.token })).body.contacts[0];
    expect(onOne).toMatchObject({ title: 'CEO', role: 'champion' });

    expect((await t.request('DELETE', `/v1/crm/contacts/${jane.body.id}`, { token: a.token })).status).toBe(200);
    expect((await t.request('GET', `/v1/crm/deals/${d1.id}/contacts`, { token: a.token })).body.contacts).toEqual([]);
    expect((await t.request('DELETE', `/v1/crm/contacts/${jane.body.id}`, { token: a.token })).status).toBe(404);
  });

  it('refuses an email change to an address another person has', async () => {
    const a = await t.registerTenant();
    const deal = await newDeal(a);
    await t.request('POST', `/v1/crm/deals/${deal.id}/contacts`, { token: a.token, body: { name: 'A', email: 'a@x.com' } });
    const b = await t.request('POST', `/v1/crm/deals/${deal.id}/contacts`, { token: a.token, body: { name: 'B', email: 'b@x.com' } });
    const res = await t.request('PATCH', `/v1/crm/contacts/${b.body.id}`, { token: a.token, body: { email: 'a@x.com' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('email_taken');
  });
});
