import { describe, expect, it } from 'vitest';
import type { TestResponse, TestTenant } from '../src/testing.ts';
import { tenantWorld } from './app-fixture.ts';

// Document 001's notification templates over the whole server: the system templates come from
// the notification sources (sales.lead_assigned is the pipeline's); a tenant admin customises and
// resets them; anyone previews. Also each user's digest settings. Every path, its statuses,
// tenant isolation, and that a refused write appends nothing.

const { t, acme, other, users } = await tenantWorld('tpl', { viewer: ['viewer', 'Vic'], user: ['user', 'Uma'] });
const { viewer, user } = users;

const T = '/api/v1/notifications/templates';
const KEY = 'sales.lead_assigned';
const DIGEST = '/api/v1/notifications/analytics/digest/settings';
/** A user's digest settings until they change them. */
const DIGEST_DEFAULTS = { frequency: 'off', time: '09:00', timezone: 'UTC', weekday: 'monday', nextDigestAt: null, updatedAt: null };

/** A request that must be refused with this status and code, and append nothing. */
async function refused(tenant: TestTenant, status: number, code: string, send: () => Promise<TestResponse>) {
  const before = await t.eventCount(tenant.tenantId);
  const res = await send();
  expect([res.status, res.body?.success, res.body?.code], res.text).toEqual([status, false, code]);
  expect(await t.eventCount(tenant.tenantId)).toBe(before);
  return res;
}

const customize = (token: string, body: Record<string, unknown>, key = KEY, method = 'PUT') =>
  t.request(method, `${T}/${key}/customize`, { token, body });

describe('templates list and detail', () => {
  it('lists every source’s template grouped by module, for every role', async () => {
    const res = await t.request('GET', T, { token: viewer.token });
    expect(res.status, res.text).toBe(200);
    const { modules, total } = res.body.data;
    const sales = modules.find((m: { module: string }) => m.module === 'sales');
    expect(sales.templates.map((x: { id: string }) => x.id)).toContain(KEY);
    expect(total).toBe(modules.reduce((n: number, m: { templates: unknown[] }) => n + m.templates.length, 0));
    expect(sales.templates.find((x: { id: string }) => x.id === KEY)).toMatchObject({
      id: KEY,
      module: 'sales',
      customized: false,
      customizedParts: [],
      updatedAt: null,
    });
  });

  it('shows a template with its subject, body, variables and samples; an unknown one is a 404', async () => {
    const res = await t.request('GET', `${T}/${KEY}`, { token: user.token });
    expect(res.status, res.text).toBe(200);
    const d = res.body.data;
    expect(d.variables).toEqual(expect.arrayContaining([{ name: 'dealName', sample: 'Acme renewal' }]));
    expect(d.system.emailSubject).toContain('{{dealName}}');
    expect(d.override).toBeNull();
    expect(d.effective).toEqual(d.system);
    const missing = await t.request('GET', `${T}/sales.nothing_here`, { token: user.token });
    expect([missing.status, missing.body.code]).toEqual([404, 'template_not_found']);
    const bad = await t.request('GET', `${T}/${encodeURIComponent('no spaces')}`, { token: user.token });
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_error']);
  });
});

describe('customise and reset', () => {
  it('saves an override (PUT or PATCH), keeps parts left out, and changes nothing for the same text', async () => {
    const before = await t.eventCount(acme.tenantId);
    const put = await customize(acme.token, { emailSubject: 'Heads up: {{ dealName }} is yours', title: 'Yours: {{dealName}}' });
    expect(put.status, put.text).toBe(200);
    expect(put.body.data).toMatchObject({
      customized: true,
      customizedParts: ['title', 'emailSubject'],
      override: { title: 'Yours: {{dealName}}', body: null, emailSubject: 'Heads up: {{ dealName }} is yours', emailBody: null },
      updatedBy: acme.userId,
    });
    expect(put.body.data.effective.body).toBe(put.body.data.system.body);
    const patch = await customize(acme.token, { emailBody: 'Hello,\n{{actorName}} gave you {{dealName}}.' }, KEY, 'PATCH');
    expect(patch.body.data.customizedParts).toEqual(['title', 'emailSubject', 'emailBody']);
    expect(await t.eventCount(acme.tenantId, ['NotificationTemplateCustomized'])).toBeGreaterThanOrEqual(2);
    const again = await customize(acme.token, { title: 'Yours: {{dealName}}' });
    expect(again.status).toBe(200);
    expect(await t.eventCount(acme.tenantId)).toBe(before + 2);

    const list = await t.request('GET', T, { token: viewer.token });
    const row = list.body.data.modules.flatMap((m: { templates: unknown[] }) => m.templates).find((x: { id: string }) => x.id === KEY);
    expect(row.customized).toBe(true);
    expect(row.updatedAt).not.toBeNull();
  });

  it('refuses unknown variables naming them, empty changes, bad input and non-admins, appending nothing', async () => {
    const res = await refused(acme, 400, 'unknown_template_variables', () =>
      customize(acme.token, { body: '{{dealName}} for {{customerName}}', emailBody: '{{ secret }}' }),
    );
    expect(res.body.message).toContain('{{customerName}}');
    expect(res.body.error.details).toMatchObject({ unknown: ['customerName', 'secret'], parts: ['body', 'emailBody'] });
    await refused(acme, 400, 'nothing_to_customize', () => customize(acme.token, {}));
    await refused(acme, 400, 'validation_error', () => customize(acme.token, { title: '' }));
    await refused(acme, 400, 'validation_error', () => customize(acme.token, { title: 'x'.repeat(201) }));
    await refused(acme, 400, 'validation_error', () => customize(acme.token, { title: 'ok', extra: 1 }));
    await refused(acme, 400, 'invalid_text', () => customize(acme.token, { title: 'nul \u0000 byte' }));
    await refused(acme, 404, 'template_not_found', () => customize(acme.token, { title: 'x' }, 'sales.nothing_here'));
    await refused(acme, 403, 'permission_denied', () => customize(user.token, { title: 'x' }));
    await refused(acme, 403, 'permission_denied', () => t.request('DELETE', `${T}/${KEY}/override`, { token: viewer.token }));
    await refused(acme, 401, 'authentication_required', () => t.request('PUT', `${T}/${KEY}/customize`, { body: { title: 'x' } }));
  });

  it('keeps each tenant’s overrides to itself', async () => {
    const mine = await t.request('GET', `${T}/${KEY}`, { token: acme.token });
    expect(mine.body.data.customized).toBe(true);
    const theirs = await t.request('GET', `${T}/${KEY}`, { token: other.token });
    expect([theirs.status, theirs.body.data.customized, theirs.body.data.override]).toEqual([200, false, null]);
    const preview = await t.request('POST', `${T}/${KEY}/preview`, { token: other.token });
    expect(preview.body.data.email.subject).toBe('You have been assigned Acme renewal');
    await refused(other, 404, 'template_override_not_found', () => t.request('DELETE', `${T}/${KEY}/override`, { token: other.token }));
  });

  it('resets to the system default (200, the template as it now is), then 404 with nothing to reset', async () => {
    const res = await t.request('DELETE', `${T}/${KEY}/override`, { token: acme.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ customized: false, override: null, customizedParts: [] });
    expect(res.body.data.effective).toEqual(res.body.data.system);
    expect(await t.eventCount(acme.tenantId, ['NotificationTemplateReset'])).toBe(1);
    await refused(acme, 404, 'template_override_not_found', () => t.request('DELETE', `${T}/${KEY}/override`, { token: acme.token }));
    await refused(acme, 404, 'template_not_found', () => t.request('DELETE', `${T}/nope.nope/override`, { token: acme.token }));
  });
});

describe('preview', () => {
  it('renders with the sample values, in-app and email, text and escaped HTML', async () => {
    const res = await t.request('POST', `${T}/${KEY}/preview`, { token: viewer.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({
      id: KEY,
      variables: { dealName: 'Acme renewal', actorName: 'Jane Roe' },
      inApp: { title: 'New deal assigned: Acme renewal' },
      email: { subject: 'You have been assigned Acme renewal' },
    });
    expect(res.body.data.email.html).toMatch(/^<p>.*Acme renewal.*<\/p>$/s);
  });

  it('renders with the values given, an unsaved draft, and the tenant’s override; refuses unknown names', async () => {
    await customize(acme.token, { emailSubject: 'Custom: {{dealName}}' });
    const res = await t.request('POST', `${T}/${KEY}/preview`, {
      token: user.token,
      body: { variables: { dealName: '<b>Big</b> & co' }, template: { emailBody: 'Deal: {{dealName}}\n\nby {{actorName}}' } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.email).toEqual({
      subject: 'Custom: <b>Big</b> & co',
      text: 'Deal: <b>Big</b> & co\n\nby Jane Roe',
      html: '<p>Deal: &lt;b&gt;Big&lt;/b&gt; &amp; co</p>\n<p>by Jane Roe</p>',
    });
    expect(res.body.data.inApp.title).toBe('New deal assigned: <b>Big</b> & co');
    const unknown = await t.request('POST', `${T}/${KEY}/preview`, { token: user.token, body: { variables: { nope: 'x' } } });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'unknown_template_variables']);
    const draft = await t.request('POST', `${T}/${KEY}/preview`, { token: user.token, body: { template: { title: '{{nope}}' } } });
    expect([draft.status, draft.body.code]).toEqual([400, 'unknown_template_variables']);
    const missing = await t.request('POST', `${T}/sales.none/preview`, { token: user.token, body: {} });
    expect([missing.status, missing.body.code]).toEqual([404, 'template_not_found']);
    await t.request('DELETE', `${T}/${KEY}/override`, { token: acme.token });
  });
});

describe('digest settings', () => {
  it('start off, change by PUT or PATCH (fields left out kept), with the zone checked by Intl', async () => {
    const get = await t.request('GET', DIGEST, { token: viewer.token });
    expect(get.status, get.text).toBe(200);
    expect(get.body.data).toEqual(DIGEST_DEFAULTS);
    const put = await t.request('PUT', DIGEST, {
      token: viewer.token,
      body: { frequency: 'weekly', time: '07:30', timezone: 'europe/paris', weekday: 'friday' },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.data).toMatchObject({ frequency: 'weekly', time: '07:30', timezone: 'Europe/Paris', weekday: 'friday' });
    const next = new Date(put.body.data.nextDigestAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', weekday: 'long', hour: '2-digit', minute: '2-digit' }).format(next),
    ).toBe('Friday 07:30');
    const patch = await t.request('PATCH', DIGEST, { token: viewer.token, body: { frequency: 'daily' } });
    expect(patch.body.data).toMatchObject({ frequency: 'daily', time: '07:30', timezone: 'Europe/Paris' });
    // Settings are the caller's own.
    const others = await t.request('GET', DIGEST, { token: user.token });
    expect(others.body.data).toEqual(DIGEST_DEFAULTS);
    const before = await t.eventCount(acme.tenantId);
    await t.request('PUT', DIGEST, { token: viewer.token, body: { frequency: 'daily' } });
    expect(await t.eventCount(acme.tenantId)).toBe(before);
  });

  it('refuses an unknown zone, a bad time, an unknown frequency and extra fields, appending nothing', async () => {
    const tz = await refused(acme, 400, 'invalid_timezone', () =>
      t.request('PUT', DIGEST, { token: user.token, body: { frequency: 'daily', timezone: 'Mars/Olympus' } }),
    );
    expect(tz.body.message).toContain('Mars/Olympus');
    await refused(acme, 400, 'validation_error', () => t.request('PUT', DIGEST, { token: user.token, body: { time: '7:30' } }));
    await refused(acme, 400, 'validation_error', () => t.request('PUT', DIGEST, { token: user.token, body: { time: '24:00' } }));
    await refused(acme, 400, 'validation_error', () => t.request('PUT', DIGEST, { token: user.token, body: { frequency: 'hourly' } }));
    await refused(acme, 400, 'validation_error', () => t.request('PUT', DIGEST, { token: user.token, body: { weekday: 'funday' } }));
    await refused(acme, 400, 'validation_error', () => t.request('PUT', DIGEST, { token: user.token, body: { frequency: 'daily', x: 1 } }));
    await refused(acme, 401, 'authentication_required', () => t.request('PUT', DIGEST, { body: { frequency: 'daily' } }));
  });
});
