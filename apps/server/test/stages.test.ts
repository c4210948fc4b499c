import { signJwt } from '@crm/api';
import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';

const t = await testApp();

const STAGE_EVENTS = ['StageAdded', 'StageUpdated', 'StagesReordered', 'StageRemoved'];
const names = async (a: TestTenant) => (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages.map((s: any) => s.name);

describe('pipeline stages (document 000)', () => {
  it('lists a new tenant’s default pipeline in order, with the won and lost stages flagged', async () => {
    const a = await t.registerTenant();
    const res = await t.request('GET', '/v1/crm/stages', { token: a.token });
    expect(res.status).toBe(200);
    expect(res.body.stages.map((s: any) => [s.name, s.order])).toEqual([
      ['Lead', 0],
      ['Qualified', 1],
      ['Proposal', 2],
      ['Negotiation', 3],
      ['Closed Won', 4],
      ['Closed Lost', 5],
    ]);
    expect(res.body.stages.find((s: any) => s.is_won).name).toBe('Closed Won');
    expect(res.body.stages.find((s: any) => s.is_lost).name).toBe('Closed Lost');
  });

  it('creates at a position, renames, recolours and moves one stage', async () => {
    const a = await t.registerTenant();
    const created = await t.request('POST', '/v1/crm/stages', { token: a.token, body: { name: 'Demo', color: '#123abc', order: 1 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Demo', color: '#123abc', order: 1, is_won: false, id: expect.any(String) });
    expect(await names(a)).toEqual(['Lead', 'Demo', 'Qualified', 'Proposal', 'Negotiation', 'Closed Won', 'Closed Lost']);

    const patched = await t.request('PATCH', `/v1/crm/stages/${created.body.id}`, {
      token: a.token,
      body: { name: 'Live demo', color: '#fff', order: 3 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Live demo', color: '#fff', order: 3 });
    expect(await names(a)).toEqual(['Lead', 'Qualified', 'Proposal', 'Live demo', 'Negotiation', 'Closed Won', 'Closed Lost']);
  });

  it('bulk-reorders, and refuses a list that is not every stage once', async () => {
    const a = await t.registerTenant();
    const stages = (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages;
    const reversed = stages.map((s: any) => s.id).reverse();
    const res = await t.request('POST', '/v1/crm/stages/reorder', { token: a.token, body: { stage_ids: reversed } });
    expect(res.status).toBe(200);
    expect(res.body.stages.map((s: any) => s.id)).toEqual(reversed);
    const before = await t.eventCount(a.tenantId);
    const bad = await t.request('POST', '/v1/crm/stages/reorder', { token: a.token, body: { stage_ids: reversed.slice(1) } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'stage_ids_mismatch', details: { missing: [reversed[0]] } });
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });

  it('deletes a stage, and refuses to delete the last one', async () => {
    const a = await t.registerTenant();
    const stages = (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages;
    for (const s of stages.slice(0, -1)) {
      const res = await t.request('DELETE', `/v1/crm/stages/${s.id}`, { token: a.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ deleted: true, stage_id: s.id, moved_deals: 0 });
    }
    const last = await t.request('DELETE', `/v1/crm/stages/${stages.at(-1).id}`, { token: a.token });
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('last_stage');
    expect(await names(a)).toEqual(['Closed Lost']);
    expect((await t.request('DELETE', `/v1/crm/stages/${stages[0].id}`, { token: a.token })).status).toBe(404);
  });

  it('answers invalid input with 400 and a code, and appends no event', async () => {
    const a = await t.registerTenant();
    const before = await t.eventCount(a.tenantId, STAGE_EVENTS);
    const stageId = (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages[0].id;
    for (const [method, path, body] of [
      ['POST', '/v1/crm/stages', {}],
      ['POST', '/v1/crm/stages', { name: 'x', color: 'red' }],
      ['POST', '/v1/crm/stages', { name: 'x', order: -1 }],
      ['POST', '/v1/crm/stages', { name: 'x', is_won: true, is_lost: true }],
      ['PATCH', `/v1/crm/stages/${stageId}`, { name: 42 }],
      ['PATCH', '/v1/crm/stages/not-a-uuid', { name: 'x' }],
      ['POST', '/v1/crm/stages/reorder', { stage_ids: 'nope' }],
    ] as const) {
      const res = await t.request(method, path, { token: a.token, body });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.code).toMatch(/^[a-z_]+$/);
    }
    expect(await t.eventCount(a.tenantId, STAGE_EVENTS)).toBe(before);
  });

  it('refuses a write against a stale If-Match version with 409 and keeps the newer change', async () => {
    const a = await t.registerTenant();
    const stage = (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages[0];
    const first = await t.request('PATCH', `/v1/crm/stages/${stage.id}`, {
      token: a.token,
      body: { name: 'First' },
      headers: { 'if-match': `"${stage.version}"` },
    });
    expect(first.status).toBe(200);
    const stale = await t.request('PATCH', `/v1/crm/stages/${stage.id}`, {
      token: a.token,
      body: { name: 'Second' },
      headers: { 'if-match': `"${stage.version}"` },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'version_conflict', details: { current_version: first.body.version } });
    expect((await names(a))[0]).toBe('First');
  });

  it('loses no write when many clients change the pipeline at once', async () => {
    const a = await t.registerTenant();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => t.request('POST', '/v1/crm/stages', { token: a.token, body: { name: `Parallel ${i}` } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
    const after = await names(a);
    expect(after).toHaveLength(6 + 12);
    for (let i = 0; i < 12; i++) expect(after).toContain(`Parallel ${i}`);
  });

  it('keeps tenants apart on REST and tRPC', async () => {
    const a = await t.registerTenant('a');
    const b = await t.registerTenant('b');
    const bStage = (await t.request('GET', '/v1/crm/stages', { token: b.token })).body.stages[0];
    const before = await t.eventCount(b.tenantId);
    expect((await t.request('GET', `/v1/crm/stages/${bStage.id}`, { token: a.token })).status).toBe(404);
    expect((await t.request('PATCH', `/v1/crm/stages/${bStage.id}`, { token: a.token, body: { name: 'Owned' } })).status).toBe(404);
    expect((await t.request('DELETE', `/v1/crm/stages/${bStage.id}`, { token: a.token })).status).toBe(404);
    const aIds = (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages.map((s: any) => s.id);
    expect(aIds).not.toContain(bStage.id);
    const mixed = await t.request('POST', '/v1/crm/stages/reorder', { token: a.token, body: { stage_ids: [bStage.id, ...aIds] } });
    expect(mixed.status).toBe(400);

    const client = t.client(a.token);
    await expect(client.pipeline.stages.get.query({ stageId: bStage.id })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    await expect(client.pipeline.stages.update.mutate({ stageId: bStage.id, name: 'x' })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
    await expect(client.pipeline.stages.delete.mutate({ stageId: bStage.id })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    expect(await t.eventCount(b.tenantId)).toBe(before);
    expect((await t.request('GET', `/v1/crm/stages/${bStage.id}`, { token: b.token })).body.name).toBe(bStage.name);
  });

  it('gates the CRM behind Pro with 402 and a code naming the plan', async () => {
    const a = await t.registerTenant();
    await t.setPlan(a.tenantId, 'starter');
    const res = await t.request('GET', '/v1/crm/stages', { token: a.token });
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ code: 'plan_upgrade_required', details: { plan: 'starter', required_plan: 'pro' } });
    await t.setPlan(a.tenantId, 'enterprise');
    expect((await t.request('GET', '/v1/crm/stages', { token: a.token })).status).toBe(200);
  });

  it('lets a viewer read the pipeline but not change it', async () => {
    const a = await t.registerTenant();
    // The role is the user's as stored now, not what a token claims (credentials take effect at once).
    const vic = await t.createUser(a, 'viewer', 'Vic');
    const viewer = vic.token;
    // A token that claims more than the user holds grants nothing more.
    const now = Math.floor(Date.now() / 1000);
    const inflated = await signJwt(
      { sub: String(vic.userId), tid: a.tenantId, role: 'tenant_admin', typ: 'access', iat: now, exp: now + 60 },
      t.services.jwtSecret,
    );
    expect((await t.request('POST', '/v1/crm/stages', { token: inflated, body: { name: 'Nope' } })).status).toBe(403);
    expect((await t.request('GET', '/v1/crm/stages', { token: viewer })).status).toBe(200);
    const res = await t.request('POST', '/v1/crm/stages', { token: viewer, body: { name: 'Nope' } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'permission_denied', details: { permission: 'crm.stages.write' } });
  });
});
