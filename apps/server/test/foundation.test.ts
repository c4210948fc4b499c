import { inSystem } from '@crm/db';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testApp } from './app-fixture.ts';

const t = await testApp();

describe('getting in (document 001)', () => {
  it('answers health with the database status', async () => {
    const res = await t.request('GET', '/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, data: { status: 'ok', database: 'ok' } });
    const sys = await t.request('GET', '/api/v1/health/system');
    expect(sys.body.data.services.database.status).toBe('ok');
  });

  it('registers a tenant on a Pro trial and logs its admin in', async () => {
    const reg = await t.request('POST', '/api/v1/tenants/register', {
      body: {
        companyName: 'Acme Corp',
        slug: `acme-${Date.now()}`,
        adminEmail: 'Admin@Acme.com',
        adminPassword: 'secure-password',
        adminFirstName: 'John',
        adminLastName: 'Doe',
      },
    });
    expect(reg.status).toBe(201);
    expect(reg.body.data.tenant).toMatchObject({ name: 'Acme Corp', plan: 'pro', status: 'active' });
    const trialDays = (Date.parse(reg.body.data.tenant.trialEndsAt) - Date.now()) / 86_400_000;
    expect(Math.round(trialDays)).toBe(14);
    expect(reg.body.data.user).toMatchObject({ id: expect.any(Number), email: 'admin@acme.com', role: 'tenant_admin' });

    const login = await t.request('POST', '/api/v1/auth/login', {
      body: { email: 'admin@acme.com', password: 'secure-password', tenantSlug: reg.body.data.tenant.slug },
    });
    expect(login.status).toBe(200);
    expect(login.body.data).toMatchObject({ accessToken: expect.stringMatching(/^eyJ/), refreshToken: expect.any(String) });
    expect(login.body.data.user.id).toBe(reg.body.data.user.id);

    const me = await t.request('GET', '/api/v1/auth/me', { token: login.body.data.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ id: reg.body.data.user.id, email: 'admin@acme.com', tenantId: reg.body.data.tenant.id });
  });

  it('refuses a taken slug with 409 and writes nothing', async () => {
    const a = await t.registerTenant('dup');
    const again = await t.request('POST', '/api/v1/tenants/register', {
      body: {
        companyName: 'Other',
        slug: a.slug,
        adminEmail: 'x@y.com',
        adminPassword: 'secure-password',
        adminFirstName: 'X',
        adminLastName: 'Y',
      },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('slug_taken');
    const { rows } = await inSystem(t.handle.db, (tx) =>
      sql<{
        n: string;
      }>`select count(*)::text as n from es_events where event_type = 'TenantRegistered' and data->>'slug' = ${a.slug}`.execute(tx),
    );
    expect(rows[0]!.n).toBe('1');
  });

  it('gives one answer for a wrong password, an unknown email and an unknown tenant', async () => {
    const a = await t.registerTenant('login');
    for (const body of [
      { email: a.email, password: 'wrong-password', tenantSlug: a.slug },
      { email: 'nobody@example.com', password: a.password, tenantSlug: a.slug },
      { email: a.email, password: a.password, tenantSlug: 'no-such-tenant' },
    ]) {
      const res = await t.request('POST', '/api/v1/auth/login', { body });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, code: 'invalid_credentials' });
    }
  });

  it('answers bad input with 400 and a machine-readable code', async () => {
    const res = await t.request('POST', '/api/v1/tenants/register', { body: { companyName: 'X', slug: 'NO SPACES', adminEmail: 'bad' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_error');
    expect(res.body.error.details.map((d: any) => d.path)).toEqual(expect.arrayContaining(['slug', 'adminEmail', 'adminPassword']));
    const notJson = await t.request('POST', '/api/v1/auth/login', { raw: '{"email":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe('invalid_json');
  });

  it('refuses missing, malformed and forged credentials with 401', async () => {
    expect((await t.request('GET', '/api/v1/auth/me')).body.code).toBe('authentication_required');
    expect((await t.request('GET', '/api/v1/auth/me', { headers: { authorization: 'Basic abc' } })).body.code).toBe(
      'invalid_authorization',
    );
    const forged = await t.request('GET', '/api/v1/auth/me', { token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.AAAA' });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('invalid_token');
    expect((await t.request('GET', '/v1/crm/stages', { token: 'cdb_nope' })).body.code).toBe('invalid_api_key');
  });

  it('issues cdb_ API keys that work as Bearer credentials until revoked', async () => {
    const a = await t.registerTenant('keys');
    const created = await t.request('POST', '/api/v1/api-keys', { token: a.token, body: { name: 'ci' } });
    expect(created.status).toBe(201);
    const key: string = created.body.data.key;
    expect(key).toMatch(/^cdb_[A-Za-z0-9_-]{43}$/);
    expect((await t.request('GET', '/v1/crm/stages', { token: key })).status).toBe(200);
    const listed = await t.request('GET', '/api/v1/api-keys', { token: a.token });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    await t.request('DELETE', `/api/v1/api-keys/${created.body.data.id}`, { token: a.token });
    expect((await t.request('GET', '/v1/crm/stages', { token: key })).status).toBe(401);
  });

  it('answers unknown paths with 404 route_not_found as JSON', async () => {
    const res = await t.request('GET', '/v1/nothing/here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'route_not_found' });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('serves the same router over /trpc to the typed client', async () => {
    const a = await t.registerTenant('trpc');
    const client = t.client(a.token);
    const me = await client.auth.me.query();
    expect(me.tenantId).toBe(a.tenantId);
    const stages = await client.pipeline.stages.list.query();
    expect(stages.map((s) => s.name)).toEqual(['Lead', 'Qualified', 'Proposal', 'Negotiation', 'Closed Won', 'Closed Lost']);
    await expect(client.pipeline.stages.create.mutate({ name: '' })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST', appCode: 'validation_error' },
    });
  });
});

describe('sessions (document 001)', () => {
  const login = async (a: { email: string; password: string; slug: string }) =>
    (await t.request('POST', '/api/v1/auth/login', { body: { email: a.email, password: a.password, tenantSlug: a.slug } })).body.data;

  it('rotates refresh tokens, and revokes the family when a used one comes back', async () => {
    const a = await t.registerTenant('refresh');
    const first = await login(a);
    const second = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.data.refreshToken).not.toBe(first.refreshToken);
    expect((await t.request('GET', '/api/v1/auth/me', { token: second.body.data.accessToken })).status).toBe(200);

    const third = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: second.body.data.refreshToken } });
    expect(third.status).toBe(200);

    // The first token again, after its successor was used (so not a second tab within the grace
    // window, see credentials.test.ts): it was copied. The whole family stops working.
    const replay = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_refresh_token');
    expect((await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: third.body.data.refreshToken } })).status).toBe(401);
  });

  it('logs out one device, or all of them', async () => {
    const a = await t.registerTenant('logout');
    const laptop = await login(a);
    const phone = await login(a);
    const tablet = await login(a);
    const out = await t.request('POST', '/api/v1/auth/logout', { token: laptop.accessToken, body: { refreshToken: laptop.refreshToken } });
    expect(out.body.data.revokedSessions).toBe(1);
    expect((await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: laptop.refreshToken } })).status).toBe(401);
    expect((await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: phone.refreshToken } })).status).toBe(200);
    const all = await t.request('POST', '/api/v1/auth/logout-all', { token: tablet.accessToken });
    // Every session but the laptop's: the harness's own login, the phone's rotated token, the tablet.
    expect(all.body.data.revokedSessions).toBe(3);
    expect((await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: tablet.refreshToken } })).status).toBe(401);
  });

  it('tells a login page a tenant’s name by slug, and whether a slug is free', async () => {
    const a = await t.registerTenant('lookup');
    const found = await t.request('GET', `/api/v1/tenants/by-slug/${a.slug}`);
    expect(found.body.data).toEqual({ id: a.tenantId, name: `Company ${a.slug}`, slug: a.slug });
    expect((await t.request('GET', '/api/v1/tenants/by-slug/no-such-slug-x')).status).toBe(404);
    expect((await t.request('GET', `/api/v1/tenants/check-slug/${a.slug}`)).body.data).toEqual({
      slug: a.slug,
      valid: true,
      available: false,
    });
    expect((await t.request('GET', '/api/v1/tenants/check-slug/fresh-slug-123')).body.data.available).toBe(true);
    expect((await t.request('GET', '/api/v1/tenants/check-slug/a')).body.data).toMatchObject({ valid: false, available: false });
  });
});
