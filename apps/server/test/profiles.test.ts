import { identity } from '@crm/domain';
import { describe, expect, it } from 'vitest';
import { tenantWorld } from './app-fixture.ts';

// Permission profiles, the caller's effective permissions and organization settings (document 001),
// over the whole server.

const { t, acme, other, users } = await tenantWorld('profiles', { viewer: ['viewer', 'Vic'], manager: ['manager', 'Max'] });
const { viewer, manager } = users;

const create = (token: string, body: Record<string, unknown>) => t.request('POST', '/api/v1/profiles', { token, body });

describe('the permission catalogue', () => {
  it('lists every permission of the system, grouped by area, Ibl.CRM strings included', async () => {
    const res = await t.request('GET', '/api/v1/profiles/permissions', { token: viewer.token });
    expect(res.status).toBe(200);
    const ids = res.body.data.permissions.map((p: { id: string }) => p.id);
    expect(ids).toEqual([...identity.PERMISSIONS]);
    expect(ids).toContain('Ibl.CRM/Persons/write');
    const persons = res.body.data.areas.find((a: { area: string }) => a.area === 'persons');
    expect(persons.permissions.map((p: { id: string }) => p.id)).toContain('Ibl.CRM/Persons/write');
    expect(res.body.data.permissions.every((p: { description: string }) => p.description.length > 0)).toBe(true);
    expect((await t.request('GET', '/api/v1/profiles/permissions')).status).toBe(401);
  });
});

describe('profiles', () => {
  it('creates, reads, changes, deactivates and reactivates a profile (tenant_admin only)', async () => {
    const made = await create(acme.token, { name: 'Sales Manager', description: 'Full sales access', permissions: ['crm.deals.write'] });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      success: true,
      data: { name: 'Sales Manager', description: 'Full sales access', permissions: ['crm.deals.write'], isActive: true, userCount: 0 },
    });
    const id = made.body.data.id as number;
    expect(Number.isInteger(id)).toBe(true);

    const got = await t.request('GET', `/api/v1/profiles/${id}`, { token: viewer.token });
    expect([got.status, got.body.data.name]).toEqual([200, 'Sales Manager']);
    const list = await t.request('GET', '/api/v1/profiles', { token: viewer.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((p: { id: number }) => p.id)).toContain(id);

    const patched = await t.request('PATCH', `/api/v1/profiles/${id}`, {
      token: acme.token,
      body: { name: 'Sales Lead', permissions: ['crm.deals.write', 'crm.deals.export'] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ name: 'Sales Lead', permissions: ['crm.deals.export', 'crm.deals.write'] });

    const off = await t.request('DELETE', `/api/v1/profiles/${id}`, { token: acme.token });
    expect([off.status, off.body.data.isActive]).toEqual([200, false]);
    const available = await t.request('GET', '/api/v1/users/profiles', { token: viewer.token });
    expect(available.status).toBe(200);
    expect(available.body.data.map((p: { id: number }) => p.id)).not.toContain(id);
    const on = await t.request('POST', `/api/v1/profiles/${id}/activate`, { token: acme.token });
    expect([on.status, on.body.data.isActive]).toEqual([200, true]);
    const again = await t.request('GET', '/api/v1/users/profiles', { token: viewer.token });
    expect(again.body.data.map((p: { id: number }) => p.id)).toContain(id);
  });

  it('refuses bad input, duplicates, unknown ids and non-admins, appending nothing', async () => {
    const base = await create(acme.token, { name: 'Unique One' });
    expect(base.status).toBe(201);
    const before = await t.eventCount(acme.tenantId);
    const dup = await create(acme.token, { name: 'unique one' });
    expect([dup.status, dup.body.code]).toEqual([409, 'profile_name_taken']);
    expect((await create(acme.token, { name: 'X', permissions: ['root.everything'] })).status).toBe(400);
    expect((await create(acme.token, { name: '' })).status).toBe(400);
    expect((await create(acme.token, { name: 'bad\u0000name' })).status).toBe(400);
    expect((await create(acme.token, { name: 'Extra', extra: 1 })).status).toBe(400);
    for (const token of [viewer.token, manager.token]) {
      const res = await create(token, { name: 'Nope' });
      expect([res.status, res.body.code]).toEqual([403, 'permission_denied']);
      expect((await t.request('PATCH', `/api/v1/profiles/${base.body.data.id}`, { token, body: { name: 'Z' } })).status).toBe(403);
      expect((await t.request('DELETE', `/api/v1/profiles/${base.body.data.id}`, { token })).status).toBe(403);
      expect((await t.request('POST', `/api/v1/profiles/${base.body.data.id}/activate`, { token })).status).toBe(403);
    }
    const missing = await t.request('GET', '/api/v1/profiles/999999', { token: acme.token });
    expect([missing.status, missing.body.code]).toEqual([404, 'profile_not_found']);
    expect((await t.request('PATCH', '/api/v1/profiles/999999', { token: acme.token, body: { name: 'Q' } })).status).toBe(404);
    expect((await t.request('DELETE', '/api/v1/profiles/999999', { token: acme.token })).status).toBe(404);
    expect((await t.request('POST', '/api/v1/profiles/999999/activate', { token: acme.token })).status).toBe(404);
    expect((await t.request('GET', '/api/v1/profiles/abc', { token: acme.token })).status).toBe(400);
    expect(await t.eventCount(acme.tenantId)).toBe(before);
  });

  it('keeps tenants apart', async () => {
    const mine = await create(acme.token, { name: 'Acme only' });
    const id = mine.body.data.id as number;
    expect((await t.request('GET', `/api/v1/profiles/${id}`, { token: other.token })).status).toBe(404);
    expect((await t.request('PATCH', `/api/v1/profiles/${id}`, { token: other.token, body: { name: 'Taken' } })).status).toBe(404);
    const theirs = await t.request('GET', '/api/v1/profiles', { token: other.token });
    expect(theirs.body.data.map((p: { name: string }) => p.name)).not.toContain('Acme only');
    // The same name is free in another tenant.
    expect((await create(other.token, { name: 'Acme only' })).status).toBe(201);
  });
});

describe('effective permissions', () => {
  it('adds the active profile’s permissions to the role’s, and takes them away when removed', async () => {
    const person = () => t.request('POST', '/api/crm/persons/', { token: viewer.token, body: { name: 'Pat Profile' } });
    expect((await person()).status).toBe(403);

    const prof = await create(acme.token, { name: 'Person writers', permissions: ['Ibl.CRM/Persons/write'] });
    const id = prof.body.data.id as number;
    const assign = await t.request('PATCH', `/api/v1/users/${viewer.userId}`, { token: acme.token, body: { profileId: id } });
    expect([assign.status, assign.body.data.profileId]).toEqual([200, id]);
    expect((await t.request('GET', `/api/v1/profiles/${id}`, { token: acme.token })).body.data.userCount).toBe(1);

    const created = await person();
    expect(created.status).toBe(201);
    const me = await t.request('GET', '/api/v1/permissions/me', { token: viewer.token });
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ userId: viewer.userId, role: 'viewer', profile: { id, name: 'Person writers', isActive: true } });
    expect(me.body.data.permissions).toContain('Ibl.CRM/Persons/write');
    expect(me.body.data.rolePermissions).not.toContain('Ibl.CRM/Persons/write');
    expect(me.body.data.profilePermissions).toEqual(['Ibl.CRM/Persons/write']);

    // Deactivating the profile takes its permissions away; reactivating gives them back.
    await t.request('DELETE', `/api/v1/profiles/${id}`, { token: acme.token });
    expect((await person()).status).toBe(403);
    await t.request('POST', `/api/v1/profiles/${id}/activate`, { token: acme.token });
    expect((await person()).status).toBe(201);

    const removed = await t.request('PATCH', `/api/v1/profiles/${id}`, { token: acme.token, body: { permissions: [] } });
    expect(removed.status).toBe(200);
    expect((await person()).status).toBe(403);
    const after = await t.request('GET', '/api/v1/permissions/me', { token: viewer.token });
    expect(after.body.data.permissions).not.toContain('Ibl.CRM/Persons/write');
    expect(after.body.data.permissions).toEqual([...identity.permissionsOf('viewer')].sort());
  });

  it('refuses to assign a missing or inactive profile, or one holding what the manager lacks', async () => {
    const plain = await t.createUser(acme, 'user', 'Pia');
    const strong = await create(acme.token, { name: 'Admins of users', permissions: ['users.admin'] });
    const weak = await create(acme.token, { name: 'Deal readers', permissions: ['crm.deals.read'] });
    const off = await create(acme.token, { name: 'Switched off' });
    await t.request('DELETE', `/api/v1/profiles/${off.body.data.id}`, { token: acme.token });
    const before = await t.eventCount(acme.tenantId);
    const patch = (token: string, profileId: number) => t.request('PATCH', `/api/v1/users/${plain.userId}`, { token, body: { profileId } });

    const exceeds = await patch(manager.token, strong.body.data.id);
    expect([exceeds.status, exceeds.body.code]).toEqual([403, 'profile_exceeds_grantor']);
    const inactive = await patch(manager.token, off.body.data.id);
    expect([inactive.status, inactive.body.code]).toEqual([409, 'profile_inactive']);
    const unknown = await patch(acme.token, 999_999);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'profile_not_found']);
    const invite = await t.request('POST', '/api/v1/users', {
      token: manager.token,
      body: { email: 'grant@profiles.example.com', firstName: 'G', lastName: 'R', profileId: strong.body.data.id },
    });
    expect(invite.status).toBe(403);
    expect(await t.eventCount(acme.tenantId)).toBe(before);

    expect((await patch(manager.token, weak.body.data.id)).status).toBe(200);
    expect((await patch(acme.token, strong.body.data.id)).status).toBe(200);
  });

  it('serves GET /api/v1/users/profiles, not GET /api/v1/users/{id}', async () => {
    const res = await t.request('GET', '/api/v1/users/profiles', { token: viewer.token });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.data)).toBe(true);
    expect(res.body.data.every((p: { isActive: boolean }) => p.isActive)).toBe(true);
    expect((await t.request('GET', '/api/v1/permissions/me')).status).toBe(401);
  });
});

describe('organization settings', () => {
  it('lists every known key with its default, by category and by key', async () => {
    const all = await t.request('GET', '/api/v1/org-settings', { token: viewer.token });
    expect(all.status).toBe(200);
    expect(all.body.data.settings).toMatchObject({
      'general.timezone': 'UTC',
      'general.locale': 'en-US',
      'general.currency': 'USD',
      'security.session_timeout_minutes': 480,
      'security.password_min_length': 8,
    });
    expect(all.body.data.items.every((s: { isDefault: boolean }) => s.isDefault)).toBe(true);
    const security = await t.request('GET', '/api/v1/org-settings/by-category/security', { token: viewer.token });
    expect(security.status).toBe(200);
    expect(Object.keys(security.body.data.settings).sort()).toEqual(['security.password_min_length', 'security.session_timeout_minutes']);
    const nope = await t.request('GET', '/api/v1/org-settings/by-category/nope', { token: viewer.token });
    expect([nope.status, nope.body.code]).toEqual([404, 'setting_category_not_found']);
    const one = await t.request('GET', '/api/v1/org-settings/general.currency', { token: viewer.token });
    expect([one.status, one.body.data.value, one.body.data.category]).toEqual([200, 'USD', 'general']);
    const unknown = await t.request('GET', '/api/v1/org-settings/general.nope', { token: viewer.token });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'setting_not_found']);
    expect((await t.request('GET', '/api/v1/org-settings')).status).toBe(401);
  });

  it('validates each key’s value, refuses non-admins and unknown keys, appending nothing', async () => {
    const before = await t.eventCount(acme.tenantId);
    const bad: [string, unknown][] = [
      ['general.timezone', 'Mars/Olympus'],
      ['general.timezone', 5],
      ['general.locale', 'not a locale'],
      ['general.currency', 'usd'],
      ['general.currency', 'XYZ'],
      ['general.date_format', 'D/M/Y'],
      ['branding.primary_color', 'red'],
      ['branding.logo_url', 'http://insecure.example.com/logo.png'],
      ['security.session_timeout_minutes', 4],
      ['security.session_timeout_minutes', 1441],
      ['security.session_timeout_minutes', 30.5],
      ['security.password_min_length', 7],
      ['security.password_min_length', 129],
      ['crm.default_pipeline_currency', 'EURO'],
    ];
    for (const [key, value] of bad) {
      const res = await t.request('PATCH', `/api/v1/org-settings/${key}`, { token: acme.token, body: { value } });
      expect([key, res.status, res.body.code]).toEqual([key, 400, 'invalid_setting_value']);
    }
    expect((await t.request('PATCH', '/api/v1/org-settings/general.timezone', { token: acme.token, body: {} })).status).toBe(400);
    const unknown = await t.request('PATCH', '/api/v1/org-settings/general.nope', { token: acme.token, body: { value: 1 } });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'setting_not_found']);
    for (const token of [viewer.token, manager.token]) {
      const res = await t.request('PATCH', '/api/v1/org-settings/general.timezone', { token, body: { value: 'Europe/Berlin' } });
      expect([res.status, res.body.code]).toEqual([403, 'permission_denied']);
    }
    expect(await t.eventCount(acme.tenantId)).toBe(before);
  });

  it('stores a valid value as an event, shows it, and keeps tenants apart', async () => {
    const before = await t.eventCount(acme.tenantId, ['OrgSettingChanged']);
    const good: [string, unknown][] = [
      ['general.timezone', 'Europe/Berlin'],
      ['general.locale', 'de-DE'],
      ['general.currency', 'EUR'],
      ['general.date_format', 'DD.MM.YYYY'],
      ['branding.primary_color', '#112233'],
      ['security.session_timeout_minutes', 60],
      ['security.password_min_length', 12],
      ['crm.default_pipeline_currency', 'EUR'],
    ];
    for (const [key, value] of good) {
      const res = await t.request('PATCH', `/api/v1/org-settings/${key}`, { token: acme.token, body: { value } });
      expect([key, res.status, res.body.data.value, res.body.data.isDefault]).toEqual([key, 200, value, false]);
    }
    expect(await t.eventCount(acme.tenantId, ['OrgSettingChanged'])).toBe(before + good.length);
    // The same value again changes nothing.
    await t.request('PATCH', '/api/v1/org-settings/general.timezone', { token: acme.token, body: { value: 'Europe/Berlin' } });
    expect(await t.eventCount(acme.tenantId, ['OrgSettingChanged'])).toBe(before + good.length);
    const all = await t.request('GET', '/api/v1/org-settings', { token: viewer.token });
    expect(all.body.data.settings).toMatchObject(Object.fromEntries(good));
    const theirs = await t.request('GET', '/api/v1/org-settings/general.timezone', { token: other.token });
    expect(theirs.body.data).toMatchObject({ value: 'UTC', isDefault: true });
  });
});
