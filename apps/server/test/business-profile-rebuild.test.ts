import { describe, expect, it } from 'vitest';
import { expectRebuildEqualsLive, rebuildTestApp } from './rebuild-fixture.ts';

// The business profiles and the setup hub rebuilt from the log equal the live rows (a rebuild uses
// a schema of its own, so this file gets a database of its own on pg).
const t = await rebuildTestApp();

describe('business profiles and setup hub rebuilt from position 0', () => {
  it('equal the live rows after creates, updates, skips, resets, task changes, an auto-check and the completion', async () => {
    const a = await t.registerTenant('rb-bp');
    const rep = await t.createUser(a, 'user', 'Rep');
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await t.request(method, path, { token, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path} ${res.text}`).toBeLessThan(300);
    };
    await call(a.token, 'POST', '/v1/business-profile', { industry: 'Software', target_geos: ['US'] });
    await call(a.token, 'PUT', '/v1/business-profile', { target_geos: ['DE', 'FR'], team_size: '2-10' });
    await call(rep.token, 'POST', '/v1/business-profile/skip');
    await call(rep.token, 'DELETE', '/v1/business-profile');
    await call(rep.token, 'POST', '/v1/business-profile', { sales_motion: 'inbound' });
    await call(a.token, 'PATCH', '/api/v1/setup-hub/tasks/review_permissions', { status: 'in_progress' });
    await call(a.token, 'POST', '/v1/crm/deals', { name: 'First', value_usd: 1 });
    await call(a.token, 'POST', '/api/v1/setup-hub/auto-check');
    for (const code of ['organization_settings', 'customize_pipeline']) {
      await call(a.token, 'PATCH', `/api/v1/setup-hub/tasks/${code}`, { status: 'skipped' });
    }
    await call(a.token, 'POST', '/api/v1/setup-hub/complete');

    await expectRebuildEqualsLive(t, ['business_profiles', 'setup_hub']);
  });
});
