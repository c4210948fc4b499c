import { describe, expect, it } from 'vitest';
import { expectRebuildEqualsLive, rebuildTestApp } from './rebuild-fixture.ts';

// Template overrides and digest settings are folded from the log alone: rebuilt from position 0
// they equal the live rows (two tenants customising the same template key included).

const t = await rebuildTestApp();

describe('notification template and digest read models rebuilt from the log', () => {
  it('equal the live rows after customisations, a reset and digest setting changes', async () => {
    const [a, b] = [await t.registerTenant('tpl-rebuild'), await t.registerTenant('tpl-rebuild')];
    const T = '/api/v1/notifications/templates/sales.lead_assigned';
    for (const [tenant, body] of [
      [a, { title: 'A: {{dealName}}' }],
      [b, { emailSubject: 'B: {{dealName}}' }],
      [a, { body: 'by {{actorName}}', title: null }],
    ] as const)
      expect((await t.request('PUT', `${T}/customize`, { token: tenant.token, body })).status).toBe(200);
    expect((await t.request('DELETE', `${T}/override`, { token: b.token })).status).toBe(200);
    const S = '/api/v1/notifications/analytics/digest/settings';
    expect((await t.request('PUT', S, { token: a.token, body: { frequency: 'daily', timezone: 'Asia/Tokyo' } })).status).toBe(200);
    expect((await t.request('PUT', S, { token: a.token, body: { frequency: 'weekly', weekday: 'sunday' } })).status).toBe(200);
    expect((await t.request('PUT', S, { token: b.token, body: { time: '18:45' } })).status).toBe(200);
    await expectRebuildEqualsLive(t, ['notification_template_overrides', 'notification_digest_settings']);
  });
});
