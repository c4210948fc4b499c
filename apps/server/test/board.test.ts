import { describe, expect, it } from 'vitest';
import { pipeline } from '@crm/domain';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';

const t = await testApp();

const stagesOf = async (a: TestTenant) => (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages as any[];
const newDeal = async (a: TestTenant, body: Record<string, unknown>, token = a.token) => {
  const res = await t.request('POST', '/v1/crm/deals', { token, body: { name: 'Deal', value_usd: 0, ...body } });
  if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
  return res.body;
};
const move = (a: TestTenant, dealId: string, stageId: string) =>
  t.request('PATCH', `/v1/crm/deals/${dealId}/move`, { token: a.token, body: { stage_id: stageId } });

describe('kanban', () => {
  it('nests deals under stages in order, with counts and sums equal to the deals’ values', async () => {
    const a = await t.registerTenant();
    const stages = await stagesOf(a);
    const values = [0.1, 0.2, 19.99, 1000, 250.5, 3, 7.77, 12345.67, 0.01, 42];
    const expected = new Map<string, { n: number; cents: number }>();
    for (const [i, v] of values.entries()) {
      const stage = stages[i % 3];
      await newDeal(a, { name: `D${i}`, value_usd: v, stage_id: stage.id });
      const e = expected.get(stage.id) ?? { n: 0, cents: 0 };
      expected.set(stage.id, { n: e.n + 1, cents: e.cents + Math.round(v * 100) });
    }
    const board = (await t.request('GET', '/v1/crm/deals/kanban', { token: a.token })).body;
    expect(board.stages.map((s: any) => s.name)).toEqual(stages.map((s) => s.name));
    for (const column of board.stages) {
      const e = expected.get(column.id) ?? { n: 0, cents: 0 };
      expect(column.deal_count).toBe(e.n);
      expect(column.total_value_usd).toBe(e.cents / 100);
      expect(column.deals.every((d: any) => d.stage_id === column.id)).toBe(true);
      const shownCents = column.deals.reduce((c: number, d: any) => c + Math.round(d.value_usd * 100), 0);
      expect(shownCents).toBe(e.cents);
    }
    expect(board.total_deals).toBe(values.length);
    expect(board.total_value_usd).toBe(values.reduce((c, v) => c + Math.round(v * 100), 0) / 100);
  });

  it('pages one column with a cursor: every deal exactly once, totals for the whole column', async () => {
    const a = await t.registerTenant();
    const [lead] = await stagesOf(a);
    const ids = new Set<string>();
    for (let i = 0; i < 23; i++) ids.add((await newDeal(a, { name: `P${i}`, value_usd: 1 })).id);
    const first = (await t.request('GET', '/v1/crm/deals/kanban?per_stage=10', { token: a.token })).body.stages[0];
    expect(first).toMatchObject({ id: lead.id, deal_count: 23, total_value_usd: 23 });
    expect(first.deals).toHaveLength(10);
    const seen = first.deals.map((d: any) => d.id);
    let cursor = first.next_cursor;
    while (cursor) {
      const page = (await t.request('GET', `/v1/crm/deals/kanban?per_stage=10&stage_id=${lead.id}&cursor=${cursor}`, { token: a.token }))
        .body;
      expect(page.stages).toHaveLength(1);
      seen.push(...page.stages[0].deals.map((d: any) => d.id));
      cursor = page.stages[0].next_cursor;
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen)).toEqual(ids);
    const bad = await t.request('GET', `/v1/crm/deals/kanban?stage_id=${lead.id}&cursor=garbage`, { token: a.token });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_cursor');
  });
});

describe('stage delete', () => {
  it('re-homes the stage’s deals to the first remaining stage, as moves in each deal’s history', async () => {
    const a = await t.registerTenant();
    const [lead, qualified, proposal] = await stagesOf(a);
    const inQualified = [
      await newDeal(a, { name: 'Q1', stage_id: qualified.id }),
      await newDeal(a, { name: 'Q2', stage_id: qualified.id }),
    ];
    const elsewhere = await newDeal(a, { name: 'P1', stage_id: proposal.id });
    const res = await t.request('DELETE', `/v1/crm/stages/${qualified.id}`, { token: a.token });
    expect(res.body).toMatchObject({ deleted: true, moved_deals: 2, moved_to_stage_id: lead.id });
    for (const d of inQualified) {
      const got = (await t.request('GET', `/v1/crm/deals/${d.id}`, { token: a.token })).body;
      expect(got.stage_id).toBe(lead.id);
      expect(got.activities[0]).toMatchObject({
        type: 'stage_changed',
        body: 'Moved from Qualified to Lead (stage deleted)',
        data: { reason: 'stage_deleted' },
      });
    }
    expect((await t.request('GET', `/v1/crm/deals/${elsewhere.id}`, { token: a.token })).body.stage_id).toBe(proposal.id);
    // Deleting the first stage sends its deals to the new first one.
    await t.request('DELETE', `/v1/crm/stages/${lead.id}`, { token: a.token });
    for (const d of inQualified)
      expect((await t.request('GET', `/v1/crm/deals/${d.id}`, { token: a.token })).body.stage_id).toBe(proposal.id);
  });

  it('does not let a concurrent move strand a deal in a deleted stage', async () => {
    const a = await t.registerTenant();
    const [, qualified] = await stagesOf(a);
    const deals = await Promise.all(Array.from({ length: 8 }, (_, i) => newDeal(a, { name: `C${i}` })));
    await Promise.all([
      ...deals.map((d) => move(a, d.id, qualified.id)),
      t.request('DELETE', `/v1/crm/stages/${qualified.id}`, { token: a.token }),
    ]);
    const live = new Set((await stagesOf(a)).map((s) => s.id));
    expect(live.has(qualified.id)).toBe(false);
    for (const d of deals) {
      const got = (await t.request('GET', `/v1/crm/deals/${d.id}`, { token: a.token })).body;
      expect(live.has(got.stage_id)).toBe(true);
    }
  });
});

describe('leaderboard', () => {
  it('sums closed-won value per owner over the look-back window', async () => {
    const a = await t.registerTenant();
    const sally = await t.createUser(a, 'user', 'Sally');
    const stages = await stagesOf(a);
    const won = stages.find((s) => s.is_won);
    const lost = stages.find((s) => s.is_lost);
    const mine = [await newDeal(a, { value_usd: 100 }), await newDeal(a, { value_usd: 50.25 })];
    const hers = [await newDeal(a, { value_usd: 1000 }, sally.token), await newDeal(a, { value_usd: 7 }, sally.token)];
    for (const d of [...mine, ...hers]) await move(a, d.id, won.id);
    await move(a, hers[1].id, lost.id); // no longer won: not counted
    await newDeal(a, { value_usd: 99999 }); // never won

    const board = (await t.request('GET', '/v1/crm/leaderboard?days=30', { token: a.token })).body;
    expect(board.entries).toEqual([
      expect.objectContaining({ rank: 1, owner_user_id: sally.userId, won_value_usd: 1000, won_count: 1, owner_name: 'Sally Seller' }),
      expect.objectContaining({ rank: 2, owner_user_id: a.userId, won_value_usd: 150.25, won_count: 2 }),
    ]);
    const defaulted = (await t.request('GET', '/v1/crm/leaderboard', { token: a.token })).body;
    expect(defaulted.days).toBe(30);
    expect((await t.request('GET', '/v1/crm/leaderboard?days=0', { token: a.token })).status).toBe(400);
  });

  it('counts a deal by when it was won: outside the window it drops out', async () => {
    const a = await t.registerTenant();
    const won = (await stagesOf(a)).find((s) => s.is_won);
    const d = await newDeal(a, { value_usd: 10 });
    await move(a, d.id, won.id);
    // An API key, because the access token would have expired by the time we pretend it is.
    const key = (await t.request('POST', '/api/v1/api-keys', { token: a.token, body: {} })).body.data.key;
    const realNow = t.services.clock.now;
    try {
      // Ten days later: inside a 30-day window, outside a 7-day one.
      t.services.clock.now = () => new Date(Date.now() + 10 * 86_400_000);
      expect((await t.request('GET', '/v1/crm/leaderboard?days=30', { token: key })).body.entries).toHaveLength(1);
      expect((await t.request('GET', '/v1/crm/leaderboard?days=7', { token: key })).body.entries).toEqual([]);
    } finally {
      t.services.clock.now = realNow;
    }
  });
});

describe('CSV export', () => {
  it('exports every deal with its current stage, round-trips through a CSV parser and neutralises formulas', async () => {
    const a = await t.registerTenant();
    const [lead, qualified] = await stagesOf(a);
    // Names are trimmed on input, so tab- and CR-led cells are covered by csv.test.ts.
    const names = ['=HYPERLINK("http://evil","x")', '+1+1', '-2', '@SUM(A1)', 'Comma, Inc', 'Quote "Q" Ltd', 'Line\nBreak', 'Plain'];
    for (const [i, name] of names.entries()) await newDeal(a, { name, value_usd: i + 0.5, stage_id: i % 2 ? qualified.id : lead.id });
    const res = await t.app.request('/v1/crm/deals/export', { headers: { authorization: `Bearer ${a.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await res.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = pipeline.deals.parseCsv(text);
    expect(header).toEqual([...pipeline.deals.EXPORT_COLUMNS]);
    expect(rows).toHaveLength(names.length);
    const col = (name: string) => header!.indexOf(name);
    const byName = new Map(rows.map((r) => [r[col('name')], r]));
    for (const [i, name] of names.entries()) {
      const shown = /^[=+\-@\t\r]/.test(name) ? `'${name}` : name;
      const row = byName.get(shown);
      expect(row, shown).toBeDefined();
      expect(row![col('value_usd')]).toBe((i + 0.5).toFixed(2));
      expect(row![col('stage_name')]).toBe(i % 2 ? 'Qualified' : 'Lead');
    }
  });

  it('streams page after page (more deals than one page)', async () => {
    const a = await t.registerTenant();
    const b = await t.registerTenant();
    await newDeal(b, { name: 'Not yours' });
    const stage = (await stagesOf(a))[0];
    // 1,100 deals straight through the domain: the export pages by 1,000.
    const { runCommand } = await import('@crm/api');
    await runCommand(
      { services: t.services, requestId: 'seed', source: 'system', principal: null, authError: null, clientIp: null, tenantId: a.tenantId },
      async (c) => {
        for (let i = 0; i < 1100; i++)
          await pipeline.deals.createDeal(c, { name: `Bulk ${i}`, domain: null, valueUsd: 1, stageId: stage.id, ownerUserId: null });
      },
    );
    const text = await (await t.app.request('/v1/crm/deals/export', { headers: { authorization: `Bearer ${a.token}` } })).text();
    const rows = pipeline.deals.parseCsv(text).slice(1);
    expect(rows).toHaveLength(1100);
    expect(new Set(rows.map((r) => r[0])).size).toBe(1100);
    expect(text).not.toContain('Not yours');
  });
});

describe('tenant isolation on every pipeline path', () => {
  it('gives another tenant’s deals, contacts and activities a 404 and changes nothing', async () => {
    const a = await t.registerTenant('iso-a');
    const b = await t.registerTenant('iso-b');
    const bStage = (await stagesOf(b))[1];
    const bDeal = await newDeal(b, { name: 'B secret', value_usd: 777 });
    const bContact = (
      await t.request('POST', `/v1/crm/deals/${bDeal.id}/contacts`, { token: b.token, body: { name: 'B person', email: 'p@b.com' } })
    ).body;
    const before = await t.eventCount(b.tenantId);
    for (const [method, path, body] of [
      ['GET', `/v1/crm/deals/${bDeal.id}`, undefined],
      ['PATCH', `/v1/crm/deals/${bDeal.id}`, { name: 'mine' }],
      ['PATCH', `/v1/crm/deals/${bDeal.id}/move`, { stage_id: bStage.id }],
      ['DELETE', `/v1/crm/deals/${bDeal.id}`, undefined],
      ['GET', `/v1/crm/deals/${bDeal.id}/timeline`, undefined],
      ['GET', `/v1/crm/deals/${bDeal.id}/contacts`, undefined],
      ['POST', `/v1/crm/deals/${bDeal.id}/contacts`, { name: 'x' }],
      ['PATCH', `/v1/crm/contacts/${bContact.id}`, { name: 'x' }],
      ['DELETE', `/v1/crm/contacts/${bContact.id}`, undefined],
      ['GET', `/v1/crm/deals/${bDeal.id}/activities`, undefined],
      ['POST', `/v1/crm/deals/${bDeal.id}/activities`, { type: 'note', body: 'x' }],
      ['GET', `/v1/crm/deals/kanban?stage_id=${bStage.id}`, undefined],
    ] as const) {
      const res = await t.request(method, path, { token: a.token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // A's own deal cannot be moved into B's stage, nor given B's person.
    const aDeal = await newDeal(a, { name: 'A deal' });
    expect((await move(a, aDeal.id, bStage.id)).status).toBe(400);
    expect(
      (await t.request('POST', `/v1/crm/deals/${aDeal.id}/contacts`, { token: a.token, body: { person_id: bContact.person_id } })).status,
    ).toBe(400);
    // A attaching the same email gets a person of its own, not B's.
    const aContact = (await t.request('POST', `/v1/crm/deals/${aDeal.id}/contacts`, { token: a.token, body: { email: 'p@b.com' } })).body;
    expect(aContact.person_id).not.toBe(bContact.person_id);
    expect(await t.eventCount(b.tenantId)).toBe(before);

    const everything = [
      (await t.request('GET', '/v1/crm/deals', { token: a.token })).text,
      (await t.request('GET', '/v1/crm/deals/kanban', { token: a.token })).text,
      (await t.request('GET', '/v1/crm/leaderboard', { token: a.token })).text,
      await (await t.app.request('/v1/crm/deals/export', { headers: { authorization: `Bearer ${a.token}` } })).text(),
    ].join('\n');
    expect(everything).not.toContain(bDeal.id);
    expect(everything).not.toContain('B secret');
  });
});

describe('board changes over tRPC', () => {
  it('streams changes over a real WebSocket and resumes from lastEventId without missing any', async () => {
    const a = await t.registerTenant();
    const [lead, qualified] = await stagesOf(a);
    const deal = await newDeal(a, { name: 'Live' });
    const server = await t.listen();
    const { createLiveClient } = await import('@crm/client');
    const received: Array<{ id: string; type: string; to?: string }> = [];
    const subscribe = (lastEventId?: string) => {
      const { client, close } = createLiveClient({ url: server.url, token: a.token });
      const sub = client.pipeline.board.changes.subscribe(lastEventId ? { lastEventId } : undefined, {
        // A feed without lastEventId starts at the log's readable head, which on pg may still sit
        // before the deal's creation while another transaction in the cluster is open: the
        // creation may then arrive too. The moves below are what this test follows.
        onData: (msg: any) => {
          if (msg.data.type !== 'DealCreated') received.push({ id: msg.id, type: msg.data.type, to: msg.data.data?.to_stage_id });
        },
      });
      return () => {
        sub.unsubscribe();
        close();
      };
    };
    const waitFor = async (n: number) => {
      // Up to 30 s: on pg any open transaction in the cluster holds the log's readers back.
      for (let i = 0; i < 600 && received.length < n; i++) await new Promise((r) => setTimeout(r, 50));
      expect(received.length).toBe(n);
    };
    try {
      let stop = subscribe();
      await new Promise((r) => setTimeout(r, 300));
      await move(a, deal.id, qualified.id);
      await move(a, deal.id, lead.id);
      await waitFor(2);
      stop();
      const resumeFrom = received[1]!.id;
      // Changes while nobody listens...
      await move(a, deal.id, qualified.id);
      await t.request('POST', `/v1/crm/deals/${deal.id}/activities`, { token: a.token, body: { type: 'note', body: 'hi' } });
      // ...arrive after reconnecting from the last id seen, once each.
      stop = subscribe(resumeFrom);
      await waitFor(4);
      stop();
      expect(received.map((r) => r.type)).toEqual(['DealMoved', 'DealMoved', 'DealMoved', 'ActivityLogged']);
      expect(received.map((r) => r.to)).toEqual([qualified.id, lead.id, qualified.id, undefined]);
      expect(new Set(received.map((r) => r.id)).size).toBe(4);
    } finally {
      await server.close();
    }
  });
});

describe('a live subscription whose credential stops holding', () => {
  it('ends with UNAUTHORIZED at the next change once the user is deactivated, and sends nothing after', async () => {
    const a = await t.registerTenant();
    const [lead, qualified] = await stagesOf(a);
    const deal = await newDeal(a, { name: 'Watched' });
    const watcher = await t.createUser(a, 'user', 'Wes');
    const server = await t.listen();
    const { createLiveClient } = await import('@crm/client');
    const { client, close } = createLiveClient({ url: server.url, token: watcher.token });
    const received: string[] = [];
    let failure = null as { data?: { code?: string } } | null;
    const sub = client.pipeline.board.changes.subscribe(undefined, {
      onData: (msg: any) => {
        if (msg.data.type === 'DealMoved') received.push(msg.data.data.to_stage_id);
      },
      onError: (error: any) => {
        failure = error;
      },
    });
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 600 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
    };
    try {
      await new Promise((r) => setTimeout(r, 300));
      await move(a, deal.id, qualified.id);
      await until(() => received.length === 1);
      expect(received).toEqual([qualified.id]);
      expect((await t.request('DELETE', `/api/v1/users/${watcher.userId}`, { token: a.token })).status).toBe(200);
      // The next change is not sent: the stream ends with the credential's refusal instead.
      await move(a, deal.id, lead.id);
      await until(() => failure !== null);
      expect(failure?.data?.code).toBe('UNAUTHORIZED');
      expect(received).toEqual([qualified.id]);
    } finally {
      sub.unsubscribe();
      close();
      await server.close();
    }
  });
});

describe('kanban reuse', () => {
  it('serves every change at once, however it was written', async () => {
    const a = await t.registerTenant();
    const [lead, qualified] = await stagesOf(a);
    const board = async () => (await t.request('GET', '/v1/crm/deals/kanban', { token: a.token })).body;
    const d = await newDeal(a, { name: 'Cached', value_usd: 5 });
    const first = await t.request('GET', '/v1/crm/deals/kanban', { token: a.token });
    expect(first.body.stages[0].deal_count).toBe(1);
    // A reuse: the same answer, to the byte, as JSON.
    const again = await t.request('GET', '/v1/crm/deals/kanban', { token: a.token });
    expect([again.text, again.headers.get('content-type')]).toEqual([first.text, first.headers.get('content-type')]);
    // Another query is another answer, never the reused one.
    await newDeal(a, { name: 'Second', value_usd: 1 });
    const one = (await t.request('GET', '/v1/crm/deals/kanban?per_stage=1', { token: a.token })).body;
    expect([one.stages[0].deal_count, one.stages[0].deals.length, one.per_stage]).toEqual([2, 1, 1]);
    expect((await board()).stages[0].deals.length).toBe(2);
    await t.request('DELETE', `/v1/crm/deals/${(await board()).stages[0].deals[0].id}`, { token: a.token });
    expect((await board()).stages[0].deal_count).toBe(1);
    await move(a, d.id, qualified.id);
    let b = await board();
    expect([b.stages[0].deal_count, b.stages[1].deal_count]).toEqual([0, 1]);
    // A write that skips the HTTP layer: reuse is checked against the log, not in-process news.
    const { runCommand } = await import('@crm/api');
    await runCommand(
      {
        services: t.services,
        requestId: 'other',
        source: 'system',
        principal: null,
        authError: null,
        clientIp: null,
        tenantId: a.tenantId,
      },
      (c) => pipeline.deals.createDeal(c, { name: 'Elsewhere', domain: null, valueUsd: 7, stageId: lead.id, ownerUserId: null }),
    );
    b = await board();
    expect(b.stages[0]).toMatchObject({ deal_count: 1, total_value_usd: 7 });
    expect(b.total_value_usd).toBe(12);
  });
});
