import { inSystem, inTenant } from '@crm/db';
import { eventCodec, eventSchemas, identity, inlineProjections, systemClock, upcasters } from '@crm/domain';
import { EventStore } from '@crm/eventstore';
import { CREDENTIAL_CACHE_TTL_MS, REFRESH_GRACE_S, runCommand } from '@crm/api';
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { tenantWorld } from './app-fixture.ts';

// Changes take effect at once on every credential (issue 9): a still-unexpired access token or a
// key is refused on the very next request after a deactivation, a lowered role, a logout-all, a
// password change, a suspension, an erasure or a revocation. Also: two tabs refreshing with one
// refresh token, profile-bounded API keys and the password-change throttle. Whole server, real HTTP.

let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const { t, acme, other } = await tenantWorld('cred', {}, { clock });
const PASSWORD = 'Member-Password-42';

interface Member {
  userId: number;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

const login = (tenant: TestTenant, email: string, password: string) =>
  t.request('POST', '/api/v1/auth/login', { body: { email, password, tenantSlug: tenant.slug } });

let seq = 0;
/** A user invited by the tenant's admin, who accepted (set a password) and logged in. */
async function member(tenant: TestTenant, role: identity.Role): Promise<Member> {
  const email = `m${++seq}-${Date.now()}@${tenant.slug}.example.com`;
  const made = await t.request('POST', '/api/v1/users', {
    token: tenant.token,
    body: { email, firstName: 'Mem', lastName: 'Ber', role },
  });
  expect(made.status).toBe(201);
  const { rows } = await inSystem(t.handle.db, (tx) =>
    sql<{ text_body: string }>`select text_body from mail_outbox
      where tenant_id = ${tenant.tenantId} and kind = 'invitation' and to_address = ${email}`.execute(tx),
  );
  const token = /accept-invitation\?token=([A-Za-z0-9_-]{43})\b/.exec(rows[0]!.text_body)![1];
  expect((await t.request('POST', '/api/v1/users/accept-invitation', { body: { token, password: PASSWORD } })).status).toBe(200);
  const res = await login(tenant, email, PASSWORD);
  expect(res.status).toBe(200);
  return { userId: made.body.data.id, email, password: PASSWORD, ...res.body.data };
}

const me = (token: string) => t.request('GET', '/api/v1/auth/me', { token });
const newKey = async (token: string, body: Record<string, unknown> = {}) => {
  const res = await t.request('POST', '/api/v1/api-keys', { token, body: { name: 'integration', ...body } });
  expect(res.status).toBe(201);
  return res.body.data as { id: string; key: string; profileId: number | null };
};
const refused = (res: { status: number; body: { code?: string } | undefined }) => [res.status, res.body?.code];

/** A command as the server runs it (this process's store: its commit clears the credential cache). */
const asOperator = (tenantId: string, fn: Parameters<typeof runCommand>[1]) =>
  runCommand({ services: t.services, requestId: 'test', source: 'cli', principal: null, authError: null, clientIp: null, tenantId }, fn);

describe('every change applies to the next request', () => {
  it('deactivation: the unexpired token and the API key are refused at once; reactivation brings back the key, not the token', async () => {
    const m = await member(acme, 'user');
    const key = await newKey(m.accessToken);
    expect((await me(m.accessToken)).status).toBe(200);
    expect((await me(key.key)).status).toBe(200);

    expect((await t.request('DELETE', `/api/v1/users/${m.userId}`, { token: acme.token })).status).toBe(200);
    expect(refused(await me(m.accessToken))).toEqual([401, 'credentials_revoked']);
    expect(refused(await me(key.key))).toEqual([401, 'credentials_revoked']);
    expect(refused(await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: m.refreshToken } }))).toEqual([
      401,
      'invalid_refresh_token',
    ]);

    expect((await t.request('POST', `/api/v1/users/${m.userId}/activate`, { token: acme.token })).status).toBe(200);
    expect((await me(key.key)).status).toBe(200);
    // The session ended with the deactivation: the user logs in again.
    expect(refused(await me(m.accessToken))).toEqual([401, 'credentials_revoked']);
    const again = await login(acme, m.email, m.password);
    expect((await me(again.body.data.accessToken)).status).toBe(200);
  });

  it('a lowered role: a manager demoted to user loses a manager-only action on the next request, writing nothing', async () => {
    const m = await member(acme, 'manager');
    const ok = await t.request('POST', '/api/v1/users', {
      token: m.accessToken,
      body: { email: `by-manager-${Date.now()}@x.example.com`, firstName: 'A', lastName: 'B', role: 'user' },
    });
    expect(ok.status).toBe(201);

    const demoted = await t.request('PATCH', `/api/v1/users/${m.userId}`, { token: acme.token, body: { role: 'user' } });
    expect(demoted.status).toBe(200);
    const before = await t.eventCount(acme.tenantId);
    const res = await t.request('POST', '/api/v1/users', {
      token: m.accessToken,
      body: { email: `by-demoted-${Date.now()}@x.example.com`, firstName: 'A', lastName: 'B', role: 'user' },
    });
    expect(refused(res)).toEqual([403, 'permission_denied']);
    expect(await t.eventCount(acme.tenantId)).toBe(before);
    // The role comes from the state, not from the token.
    expect((await me(m.accessToken)).body.data.role).toBe('user');
  });

  it('logout-all: every access token of the user (both devices) and every refresh token end', async () => {
    const m = await member(acme, 'user');
    const second = (await login(acme, m.email, m.password)).body.data;
    expect((await me(second.accessToken)).status).toBe(200);

    const out = await t.request('POST', '/api/v1/auth/logout-all', { token: m.accessToken });
    expect(out.status).toBe(200);
    expect(out.body.data.revokedSessions).toBe(2);
    expect(refused(await me(m.accessToken))).toEqual([401, 'credentials_revoked']);
    expect(refused(await me(second.accessToken))).toEqual([401, 'credentials_revoked']);
    expect((await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: second.refreshToken } })).status).toBe(401);
    expect(await t.eventCount(acme.tenantId, ['UserSessionsRevoked'])).toBeGreaterThanOrEqual(1);
    const fresh = (await login(acme, m.email, m.password)).body.data;
    expect((await me(fresh.accessToken)).status).toBe(200);
  });

  it('password change: access tokens issued before it are refused, on this device and the others', async () => {
    const m = await member(acme, 'user');
    const other = (await login(acme, m.email, m.password)).body.data;
    const changed = await t.request('POST', '/api/v1/auth/password/change', {
      token: m.accessToken,
      body: { currentPassword: m.password, newPassword: 'A-New-Password-77' },
    });
    expect(changed.status).toBe(200);
    expect(refused(await me(m.accessToken))).toEqual([401, 'credentials_revoked']);
    expect(refused(await me(other.accessToken))).toEqual([401, 'credentials_revoked']);
    const fresh = await login(acme, m.email, 'A-New-Password-77');
    expect((await me(fresh.body.data.accessToken)).status).toBe(200);
  });

  it('erasure: the erased user’s token and key are refused at once', async () => {
    const m = await member(acme, 'user');
    const key = await newKey(m.accessToken);
    expect((await t.request('DELETE', `/api/v1/users/${m.userId}/permanent`, { token: acme.token })).status).toBe(200);
    expect(refused(await me(m.accessToken))).toEqual([401, 'credentials_revoked']);
    expect(refused(await me(key.key))).toEqual([401, 'invalid_api_key']);
  });

  it('a revoked key fails on the next request; other keys keep working', async () => {
    const a = await newKey(acme.token);
    const b = await newKey(acme.token);
    expect((await me(a.key)).status).toBe(200);
    expect((await t.request('DELETE', `/api/v1/api-keys/${a.id}`, { token: acme.token })).status).toBe(200);
    expect(refused(await me(a.key))).toEqual([401, 'invalid_api_key']);
    expect((await me(b.key)).status).toBe(200);
  });
});

describe('suspended tenants', () => {
  it('refuses logins, tokens, keys and refreshes of that tenant only; reactivation restores them', async () => {
    const tenant = await t.registerTenant('cred-susp');
    const session = (await login(tenant, tenant.email, tenant.password)).body.data;
    const key = await newKey(tenant.token);
    const otherKey = await newKey(other.token);

    await asOperator(tenant.tenantId, (c) => identity.suspendTenant(c, 'unpaid'));
    expect(await t.eventCount(tenant.tenantId, ['TenantSuspended'])).toBe(1);

    expect(refused(await me(tenant.token))).toEqual([403, 'tenant_suspended']);
    expect(refused(await me(key.key))).toEqual([403, 'tenant_suspended']);
    expect(refused(await t.request('GET', '/v1/crm/stages', { token: key.key }))).toEqual([403, 'tenant_suspended']);
    expect(refused(await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } }))).toEqual([
      403,
      'tenant_suspended',
    ]);
    expect(refused(await login(tenant, tenant.email, tenant.password))).toEqual([403, 'tenant_suspended']);
    // A wrong password learns nothing about the suspension.
    expect(refused(await login(tenant, tenant.email, 'Wrong-Password-000'))).toEqual([401, 'invalid_credentials']);

    // Another tenant is untouched.
    expect((await me(other.token)).status).toBe(200);
    expect((await me(otherKey.key)).status).toBe(200);
    expect((await login(other, other.email, other.password)).status).toBe(200);

    await asOperator(tenant.tenantId, (c) => identity.reactivateTenant(c));
    expect((await me(tenant.token)).status).toBe(200);
    expect((await me(key.key)).status).toBe(200);
    // The refresh token refused while suspended was left as it was: it works now.
    expect((await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(200);
    expect((await login(tenant, tenant.email, tenant.password)).status).toBe(200);
  });

  it('a suspension by another process (the CLI) shows within the credential cache’s bound', async () => {
    const tenant = await t.registerTenant('cred-cli');
    expect((await me(tenant.token)).status).toBe(200); // cached now
    // The CLI's own store: its commit does not reach this process's cache, only the TTL does.
    const cliStore = new EventStore({ inlineProjections, upcasters, schemas: eventSchemas, codec: eventCodec });
    const asCli = (fn: (c: Parameters<typeof identity.suspendTenant>[0]) => Promise<boolean>) =>
      inTenant(t.handle.db, tenant.tenantId, (tx) =>
        fn({ tx, tenantId: tenant.tenantId, store: cliStore, userId: null, clock: systemClock, metadata: { source: 'cli' as const } }),
      );
    await asCli((c) => identity.suspendTenant(c));
    const suspendedAt = Date.now();
    await vi.waitFor(async () => expect((await me(tenant.token)).status).toBe(403), { timeout: 5_000, interval: 100 });
    expect(Date.now() - suspendedAt).toBeLessThanOrEqual(CREDENTIAL_CACHE_TTL_MS + 500);
    await asCli((c) => identity.reactivateTenant(c));
    await vi.waitFor(async () => expect((await me(tenant.token)).status).toBe(200), { timeout: 5_000, interval: 100 });
  });
});

describe('two tabs refreshing with one refresh token', () => {
  it('both concurrent refreshes succeed with the same new pair; a reuse after the grace window revokes the family', async () => {
    const m = await member(acme, 'user');
    const [a, b] = await Promise.all([
      t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: m.refreshToken } }),
      t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: m.refreshToken } }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.data.refreshToken).toBe(a.body.data.refreshToken);
    expect(b.body.data.accessToken).toBe(a.body.data.accessToken);
    expect(a.body.data.refreshToken).not.toBe(m.refreshToken);
    expect((await me(a.body.data.accessToken)).status).toBe(200);

    // Nothing in the clear at rest: the answered pair is stored encrypted only.
    const { rows } = await inSystem(t.handle.db, (tx) =>
      sql<{
        row: string;
      }>`select r::text as row from refresh_tokens r where tenant_id = ${acme.tenantId} and user_id = ${m.userId}`.execute(tx),
    );
    const stored = rows.map((r) => r.row).join('\n');
    expect(stored).toContain('.'); // the sealed pair is there
    for (const secret of [m.refreshToken, a.body.data.refreshToken, a.body.data.accessToken]) expect(stored).not.toContain(secret);

    offsetMs = (REFRESH_GRACE_S + 1) * 1000;
    try {
      expect(refused(await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: m.refreshToken } }))).toEqual([
        401,
        'invalid_refresh_token',
      ]);
      // The reuse ended the whole family: the pair both tabs hold no longer refreshes.
      expect((await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: a.body.data.refreshToken } })).status).toBe(401);
    } finally {
      offsetMs = 0;
    }
  });

  it('within the grace window, a reuse after the new token was itself used is a real reuse', async () => {
    const m = await member(acme, 'user');
    const first = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: m.refreshToken } });
    const second = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.body.data.refreshToken } });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: m.refreshToken } })).status).toBe(401);
    expect((await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: second.body.data.refreshToken } })).status).toBe(401);
  });

  it('a logout within the grace window ends the answered pair too', async () => {
    const m = await member(acme, 'user');
    const first = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: m.refreshToken } });
    expect(first.status).toBe(200);
    const out = await t.request('POST', '/api/v1/auth/logout', {
      token: first.body.data.accessToken,
      body: { refreshToken: first.body.data.refreshToken },
    });
    expect(out.status).toBe(200);
    expect((await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: m.refreshToken } })).status).toBe(401);
  });
});

describe('API keys bounded by a permission profile', () => {
  it('a key can do only what both its profile and its creator can; refused writes append nothing', async () => {
    const profile = await t.request('POST', '/api/v1/profiles', {
      token: acme.token,
      body: { name: `Read deals ${Date.now()}`, permissions: ['profile.self', 'crm.deals.read', 'api_keys.manage', 'users.admin'] },
    });
    expect(profile.status).toBe(201);
    const profileId = profile.body.data.id as number;
    const m = await member(acme, 'user'); // lacks users.admin

    const key = await newKey(m.accessToken, { profileId });
    expect(key.profileId).toBe(profileId);
    const listed = await t.request('GET', '/api/v1/api-keys', { token: acme.token });
    expect(listed.body.data.find((k: { id: string }) => k.id === key.id).profileId).toBe(profileId);

    expect((await t.request('GET', '/v1/crm/deals', { token: key.key })).status).toBe(200);
    const before = await t.eventCount(acme.tenantId);
    const write = await t.request('POST', '/v1/crm/deals', { token: key.key, body: { name: 'Not allowed' } });
    expect(write.status).toBe(403);
    expect(await t.eventCount(acme.tenantId)).toBe(before);
    // The profile's users.admin is not the creator's: the key does not get it.
    const perms = await t.request('GET', '/api/v1/permissions/me', { token: key.key });
    expect(perms.body.data.permissions).toEqual(['api_keys.manage', 'crm.deals.read', 'profile.self']);
    // The same user's unbounded token still writes.
    expect((await t.request('POST', '/v1/crm/deals', { token: m.accessToken, body: { name: 'Allowed' } })).status).toBe(201);

    // A key made by a bounded key keeps the bound; naming another profile is refused.
    const child = await newKey(key.key);
    expect(child.profileId).toBe(profileId);
    const wider = await t.request('POST', '/api/v1/profiles', { token: acme.token, body: { name: `Wide ${Date.now()}`, permissions: [] } });
    expect(refused(await t.request('POST', '/api/v1/api-keys', { token: key.key, body: { profileId: wider.body.data.id } }))).toEqual([
      403,
      'profile_exceeds_key',
    ]);
  });

  it('a profile change applies to the key at once; an unknown or inactive profile is refused', async () => {
    const made = await t.request('POST', '/api/v1/profiles', {
      token: acme.token,
      body: { name: `Changing ${Date.now()}`, permissions: ['profile.self', 'crm.deals.read'] },
    });
    const id = made.body.data.id as number;
    const key = await newKey(acme.token, { profileId: id });
    expect((await t.request('GET', '/v1/crm/deals', { token: key.key })).status).toBe(200);
    expect(
      (await t.request('PATCH', `/api/v1/profiles/${id}`, { token: acme.token, body: { permissions: ['profile.self'] } })).status,
    ).toBe(200);
    expect((await t.request('GET', '/v1/crm/deals', { token: key.key })).status).toBe(403);

    expect(refused(await t.request('POST', '/api/v1/api-keys', { token: acme.token, body: { profileId: 999_999 } }))).toEqual([
      404,
      'profile_not_found',
    ]);
    expect((await t.request('DELETE', `/api/v1/profiles/${id}`, { token: acme.token })).status).toBe(200);
    expect(refused(await t.request('POST', '/api/v1/api-keys', { token: acme.token, body: { profileId: id } }))).toEqual([
      409,
      'profile_inactive',
    ]);
    // A key whose profile was deactivated can do nothing.
    expect((await me(key.key)).status).toBe(403);
  });
});

describe('password change throttle', () => {
  it('locks after 5 wrong current passwords (429 with Retry-After), even for the right one; others are unaffected', async () => {
    const m = await member(acme, 'user');
    const n = await member(acme, 'user');
    const change = (who: Member, currentPassword: string) =>
      t.request('POST', '/api/v1/auth/password/change', {
        token: who.accessToken,
        body: { currentPassword, newPassword: 'Another-Pass-123' },
      });
    for (let i = 0; i < 5; i++) expect(refused(await change(m, `Wrong-${i}-password`))).toEqual([400, 'invalid_current_password']);
    const locked = await change(m, m.password);
    expect(refused(locked)).toEqual([429, 'too_many_attempts']);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await me(m.accessToken)).status).toBe(200); // nothing changed
    expect(refused(await change(n, 'Wrong-password-x'))).toEqual([400, 'invalid_current_password']);
    expect((await change(n, n.password)).status).toBe(200);

    offsetMs = 61_000;
    try {
      expect((await change(m, m.password)).status).toBe(200);
    } finally {
      offsetMs = 0;
    }
  });
});
