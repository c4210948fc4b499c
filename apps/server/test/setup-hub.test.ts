import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';

// Document 001's setup hub: a fixed task list per tenant, statuses set by hand or found done by
// the auto-check as the tenant does things, and the completion.

const t = await testApp();

const HUB = '/api/v1/setup-hub';
const EVENTS = ['SetupTaskStatusChanged', 'SetupCompleted'];
const REQUIRED = ['organization_settings', 'customize_pipeline', 'create_first_deal'];

const hub = async (token: string) => {
  const res = await t.request('GET', HUB, { token });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
};
const statusOf = (data: any, code: string) => data.tasks.find((x: any) => x.code === code).status;
const setTask = (token: string, code: string, status: unknown, method = 'PATCH') =>
  t.request(method, `${HUB}/tasks/${code}`, { token, body: { status } });
const autoCheck = async (a: TestTenant) => {
  const res = await t.request('POST', `${HUB}/auto-check`, { token: a.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
};

describe('setup hub (document 001)', () => {
  it('starts with every task pending and no progress', async () => {
    const a = await t.registerTenant();
    const data = await hub(a.token);
    expect(data.tasks.length).toBeGreaterThanOrEqual(8);
    expect(data.tasks.every((x: any) => x.status === 'pending' && x.source === null)).toBe(true);
    expect(data.tasks.find((x: any) => x.code === 'review_permissions')).toMatchObject({ autoCheckable: false, required: false });
    expect(data.progress).toEqual({ done: 0, completed: 0, skipped: 0, total: data.tasks.length, percent: 0 });
    expect(data).toMatchObject({ completed: false, completedAt: null, requiredOpen: REQUIRED });
  });

  it('sets a task status by PATCH or PUT, counts progress, and records nothing for the same status', async () => {
    const a = await t.registerTenant();
    const started = await setTask(a.token, 'invite_teammate', 'in_progress');
    expect(started.status).toBe(200);
    expect(started.body.data.tasks.find((x: any) => x.code === 'invite_teammate')).toMatchObject({
      status: 'in_progress',
      source: 'manual',
      updatedBy: a.userId,
      updatedAt: expect.any(String),
    });
    expect((await setTask(a.token, 'review_permissions', 'completed', 'PUT')).status).toBe(200);
    const skipped = (await setTask(a.token, 'configure_smtp', 'skipped')).body.data;
    expect(skipped.progress).toMatchObject({ done: 2, completed: 1, skipped: 1, percent: Math.floor(200 / skipped.progress.total) });
    const before = await t.eventCount(a.tenantId, EVENTS);
    expect((await setTask(a.token, 'configure_smtp', 'skipped')).status).toBe(200);
    expect(await t.eventCount(a.tenantId, EVENTS)).toBe(before);
    expect(statusOf(await hub(a.token), 'invite_teammate')).toBe('in_progress');
  });

  it('loses no change when admins set several tasks at once', async () => {
    const a = await t.registerTenant();
    const codes = ['invite_teammate', 'configure_smtp', 'add_person', 'add_organization', 'create_api_key', 'review_permissions'];
    const results = await Promise.all(codes.map((code) => setTask(a.token, code, 'skipped')));
    expect(results.map((r) => r.status)).toEqual(codes.map(() => 200));
    const data = await hub(a.token);
    expect(codes.map((code) => statusOf(data, code))).toEqual(codes.map(() => 'skipped'));
    expect(data.progress.skipped).toBe(codes.length);
  });

  it('refuses an unknown task with 404 and a bad status with 400, writing nothing', async () => {
    const a = await t.registerTenant();
    const before = await t.eventCount(a.tenantId, EVENTS);
    const unknown = await setTask(a.token, 'launch_rocket', 'completed');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'setup_task_not_found']);
    for (const status of ['done', '', null, 3]) {
      const bad = await setTask(a.token, 'invite_teammate', status);
      expect([bad.status, bad.body.code]).toEqual([400, 'validation_error']);
    }
    const extra = await t.request('PATCH', `${HUB}/tasks/invite_teammate`, { token: a.token, body: { status: 'completed', note: 'x' } });
    expect(extra.status).toBe(400);
    expect(await t.eventCount(a.tenantId, EVENTS)).toBe(before);
  });

  it('auto-check moves tasks as the tenant does things, and records only what changed', async () => {
    const a = await t.registerTenant();
    const first = await autoCheck(a);
    expect(first.changes).toEqual([]);
    expect(await t.eventCount(a.tenantId, EVENTS)).toBe(0);

    await t.request('POST', '/v1/crm/deals', { token: a.token, body: { name: 'First', domain: 'acme.com', value_usd: 10 } });
    await t.request('POST', '/api/crm/persons/', { token: a.token, body: { name: 'Pat' } });
    await setTask(a.token, 'create_api_key', 'skipped');
    await t.request('POST', '/api/v1/api-keys', { token: a.token, body: { name: 'integration' } });
    const second = await autoCheck(a);
    expect(second.changes).toEqual([
      { code: 'create_first_deal', from: 'pending', to: 'completed' },
      { code: 'add_person', from: 'pending', to: 'completed' },
      { code: 'create_api_key', from: 'skipped', to: 'completed' },
    ]);
    expect(second.setup.tasks.find((x: any) => x.code === 'create_first_deal').source).toBe('auto_check');

    await t.request('PATCH', '/api/v1/org-settings/general.timezone', { token: a.token, body: { value: 'Europe/Berlin' } });
    await t.request('POST', '/v1/crm/stages', { token: a.token, body: { name: 'Demo booked' } });
    await t.request('POST', '/api/accounts/', { token: a.token, body: { name: 'Acme' } });
    await t.createUser(a, 'user', 'Mate');
    await t.request('PUT', '/api/v1/settings/email/smtp', {
      token: a.token,
      body: { host: 'smtp.example.com', port: 587, username: 'u', password: 'secret-password' },
    });
    await t.request('POST', '/v1/business-profile', { token: a.token, body: { industry: 'Software' } });
    const third = await autoCheck(a);
    expect(third.changes.map((c: any) => c.code).sort()).toEqual(
      ['organization_settings', 'customize_pipeline', 'add_organization', 'invite_teammate', 'configure_smtp', 'business_profile'].sort(),
    );
    expect(statusOf(third.setup, 'review_permissions')).toBe('pending');
    expect(third.setup.requiredOpen).toEqual([]);

    const before = await t.eventCount(a.tenantId, EVENTS);
    expect((await autoCheck(a)).changes).toEqual([]);
    expect(await t.eventCount(a.tenantId, EVENTS)).toBe(before);
  });

  it('completes once the required tasks are done or skipped, and only once', async () => {
    const a = await t.registerTenant();
    const early = await t.request('POST', `${HUB}/complete`, { token: a.token });
    expect([early.status, early.body.code]).toEqual([409, 'setup_required_tasks_open']);
    expect(early.body.error.details.tasks).toEqual(REQUIRED);
    expect(await t.eventCount(a.tenantId, EVENTS)).toBe(0);

    for (const code of REQUIRED) await setTask(a.token, code, 'skipped');
    const done = await t.request('POST', `${HUB}/complete`, { token: a.token });
    expect(done.status).toBe(200);
    expect(done.body.data).toMatchObject({ completed: true, completedAt: expect.any(String), completedBy: a.userId });
    expect((await hub(a.token)).completed).toBe(true);

    const before = await t.eventCount(a.tenantId, EVENTS);
    const again = await t.request('POST', `${HUB}/complete`, { token: a.token });
    expect([again.status, again.body.code]).toEqual([409, 'setup_already_completed']);
    expect(await t.eventCount(a.tenantId, EVENTS)).toBe(before);
  });

  it('is per tenant, readable by every role and changed by tenant admins only', async () => {
    const a = await t.registerTenant();
    const b = await t.registerTenant();
    await setTask(a.token, 'invite_teammate', 'completed');
    expect(statusOf(await hub(b.token), 'invite_teammate')).toBe('pending');
    const viewer = await t.createUser(a, 'viewer', 'Vi');
    const manager = await t.createUser(a, 'manager', 'Man');
    expect(statusOf(await hub(viewer.token), 'invite_teammate')).toBe('completed');
    for (const token of [viewer.token, manager.token]) {
      const res = await setTask(token, 'invite_teammate', 'pending');
      expect([res.status, res.body.code]).toEqual([403, 'permission_denied']);
      expect((await t.request('POST', `${HUB}/auto-check`, { token })).status).toBe(403);
    }
    expect((await t.request('GET', HUB)).status).toBe(401);
  });
});
