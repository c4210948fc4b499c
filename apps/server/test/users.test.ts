import { inSystem, inTenant } from '@crm/db';
import { eventCodec, inlineProjections, upcasters } from '@crm/domain';
import { rebuildProjections, verifyChains } from '@crm/eventstore';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';

// Managing a tenant's users (document 001): invitations through the outbox, acceptance, changes
// by role, deactivation, reactivation and erasure, over the whole server.

let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const PASSWORD = 'Invited-Password-42';

/** Permission profiles 1..n of a tenant (a profile given to a user must exist and be active). */
async function makeProfiles(app: TestApp, token: string, n: number) {
  for (let i = 1; i <= n; i++) await app.request('POST', '/api/v1/profiles', { token, body: { name: `Profile ${i}` } });
}

const t = await testApp({ clock });
const acme = await t.registerTenant('users');
await makeProfiles(t, acme.token, 3);

async function invitations(tenantId: string, to: string) {
  const { rows } = await inSystem(t.handle.db, (tx) =>
    sql<{ subject: string; text_body: string; html_body: string | null }>`select subject, text_body, html_body from mail_outbox
      where tenant_id = ${tenantId} and kind = 'invitation' and to_address = ${to} order by created_at`.execute(tx),
  );
  return rows;
}

/** The token in the newest invitation mailed to an address. */
async function invitationToken(tenantId: string, to: string): Promise<string> {
  const rows = await invitations(tenantId, to);
  const token = /accept-invitation\?token=([A-Za-z0-9_-]{43})\b/.exec(rows.at(-1)?.text_body ?? '')?.[1];
  if (!token) throw new Error(`no invitation mailed to ${to}`);
  return token;
}

async function eventsOf(tenantId: string, streamId: number) {
  const { rows } = await inSystem(t.handle.db, (tx) =>
    sql<{ event_type: string; data: Record<string, unknown> }>`select event_type, data from es_events
      where tenant_id = ${tenantId} and stream_type = 'user' and stream_id = ${String(streamId)} order by stream_version`.execute(tx),
  );
  return rows;
}

let seq = 0;
async function invite(token: string, extra: Record<string, unknown> = {}) {
  const email = `person${++seq}-${Date.now()}@acme.example.com`;
  return t.request('POST', '/api/v1/users', { token, body: { email, firstName: 'Jane', lastName: 'Doe', role: 'user', ...extra } });
}

describe('invitations', () => {
  it('creates a pending user and mails the link in the same transaction; the log holds no token', async () => {
    const res = await invite(acme.token, { profileId: 3 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      success: true,
      data: { firstName: 'Jane', role: 'user', status: 'invited', profileId: 3, emailVerified: false },
    });
    const user = res.body.data;
    const token = await invitationToken(acme.tenantId, user.email);
    expect(token).toHaveLength(43);
    const [mail] = await invitations(acme.tenantId, user.email);
    expect(mail!.text_body).toContain(`http://localhost:3000/accept-invitation?token=${token}`);
    const events = await eventsOf(acme.tenantId, user.id);
    expect(events.map((e) => e.event_type)).toEqual(['UserInvited']);
    expect(events[0]!.data).toMatchObject({ invited_by: acme.userId, profile_id: 3 });
    expect(JSON.stringify(events)).not.toContain(token);
    const { rows } = await inSystem(t.handle.db, (tx) =>
      sql<{ token_hash: string }>`select token_hash from user_invitations where user_id = ${user.id}`.execute(tx),
    );
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.token_hash).not.toContain(token);
    // Pending users cannot log in.
    expect(
      (await t.request('POST', '/api/v1/auth/login', { body: { email: user.email, password: PASSWORD, tenantSlug: acme.slug } })).status,
    ).toBe(401);
  });

  it('refuses a second user with the same email (any case) with 409, mailing nothing', async () => {
    const first = (await invite(acme.token)).body.data;
    const before = await t.eventCount(acme.tenantId);
    const res = await t.request('POST', '/api/v1/users', {
      token: acme.token,
      body: { email: first.email.toUpperCase(), firstName: 'Twin', lastName: 'Doe' },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('email_taken');
    expect(await t.eventCount(acme.tenantId)).toBe(before);
    expect(await invitations(acme.tenantId, first.email)).toHaveLength(1);
  });

  it('accepts once: sets the password, activates, verifies the email; the same token then fails', async () => {
    const user = (await invite(acme.token)).body.data;
    const token = await invitationToken(acme.tenantId, user.email);
    const wrong = await t.request('POST', '/api/v1/users/accept-invitation', { body: { token: 'x'.repeat(43), password: PASSWORD } });
    expect([wrong.status, wrong.body.code]).toEqual([400, 'invitation_invalid']);
    const short = await t.request('POST', '/api/v1/users/accept-invitation', { body: { token, password: 'short' } });
    expect([short.status, short.body.code]).toEqual([400, 'validation_error']);
    const long = await t.request('POST', '/api/v1/users/accept-invitation', { body: { token, password: '€'.repeat(400) } });
    expect([long.status, long.body.code]).toEqual([400, 'password_too_long']);

    const ok = await t.request('POST', '/api/v1/users/accept-invitation', { body: { token, password: PASSWORD } });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ id: user.id, status: 'active', emailVerified: true });
    const again = await t.request('POST', '/api/v1/users/accept-invitation', { body: { token, password: PASSWORD } });
    expect([again.status, again.body.code]).toEqual([400, 'invitation_invalid']);
    const login = await t.request('POST', '/api/v1/auth/login', { body: { email: user.email, password: PASSWORD, tenantSlug: acme.slug } });
    expect(login.status).toBe(200);
  });

  it('a resend issues a new token and the old one stops working; an accepted user gets no resend', async () => {
    const user = (await invite(acme.token)).body.data;
    const old = await invitationToken(acme.tenantId, user.email);
    const res = await t.request('POST', `/api/v1/users/${user.id}/resend-invitation`, { token: acme.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: user.id, email: user.email });
    const fresh = await invitationToken(acme.tenantId, user.email);
    expect(fresh).not.toBe(old);
    expect((await t.request('POST', '/api/v1/users/accept-invitation', { body: { token: old, password: PASSWORD } })).body.code).toBe(
      'invitation_invalid',
    );
    expect((await t.request('POST', '/api/v1/users/accept-invitation', { body: { token: fresh, password: PASSWORD } })).status).toBe(200);
    const late = await t.request('POST', `/api/v1/users/${user.id}/resend-invitation`, { token: acme.token });
    expect([late.status, late.body.code]).toEqual([409, 'invitation_already_accepted']);
    expect((await eventsOf(acme.tenantId, user.id)).map((e) => e.event_type)).toEqual([
      'UserInvited',
      'UserInvitationResent',
      'UserInvitationAccepted',
    ]);
  });

  it('an invitation expires after 7 days', async () => {
    const user = (await invite(acme.token)).body.data;
    const token = await invitationToken(acme.tenantId, user.email);
    offsetMs = 7 * 86_400_000 + 60_000;
    try {
      const res = await t.request('POST', '/api/v1/users/accept-invitation', { body: { token, password: PASSWORD } });
      expect([res.status, res.body.code]).toEqual([400, 'invitation_expired']);
    } finally {
      offsetMs = 0;
    }
  });

  it('an invitation works only in its own tenant: another tenant sees nothing of the user', async () => {
    const other = await t.registerTenant('users-other');
    const user = (await invite(acme.token)).body.data;
    expect((await t.request('GET', `/api/v1/users/${user.id}`, { token: other.token })).status).toBe(404);
    expect((await t.request('PATCH', `/api/v1/users/${user.id}`, { token: other.token, body: { firstName: 'X' } })).status).toBe(404);
    const list = await t.request('GET', '/api/v1/users?limit=200', { token: other.token });
    expect(list.text).not.toContain(user.email);
  });
});

describe('roles', () => {
  it('a manager cannot create or promote a tenant_admin, nor change one, nor change a status', async () => {
    const manager = await t.createUser(acme, 'manager', 'Mona');
    const before = await t.eventCount(acme.tenantId);
    const made = await invite(manager.token, { role: 'tenant_admin' });
    expect([made.status, made.body.code]).toEqual([403, 'role_not_grantable']);
    expect(await t.eventCount(acme.tenantId)).toBe(before);

    const plain = await t.createUser(acme, 'user', 'Paul');
    const unchanged = await t.eventCount(acme.tenantId);
    const promote = await t.request('PATCH', `/api/v1/users/${plain.userId}`, { token: manager.token, body: { role: 'tenant_admin' } });
    expect([promote.status, promote.body.code]).toEqual([403, 'role_not_grantable']);
    const touchAdmin = await t.request('PATCH', `/api/v1/users/${acme.userId}`, { token: manager.token, body: { firstName: 'Eve' } });
    expect([touchAdmin.status, touchAdmin.body.code]).toEqual([403, 'admin_protected']);
    const status = await t.request('PATCH', `/api/v1/users/${plain.userId}`, { token: manager.token, body: { status: 'inactive' } });
    expect([status.status, status.body.code]).toEqual([403, 'permission_denied']);
    expect(await t.eventCount(acme.tenantId)).toBe(unchanged);

    const ok = await t.request('PATCH', `/api/v1/users/${plain.userId}`, {
      token: manager.token,
      body: { firstName: 'Paula', role: 'viewer', profileId: 2 },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ firstName: 'Paula', role: 'viewer', profileId: 2 });
    // PUT is accepted as PATCH.
    const put = await t.request('PUT', `/api/v1/users/${plain.userId}`, {
      token: manager.token,
      body: { lastName: 'Put', profileId: null },
    });
    expect(put.body.data).toMatchObject({ lastName: 'Put', profileId: null });
    expect((await invite(manager.token, { role: 'manager' })).status).toBe(201);
    // Plain users read but do not write.
    expect((await t.request('GET', `/api/v1/users/${plain.userId}`, { token: plain.token })).status).toBe(200);
    expect((await invite(plain.token)).status).toBe(403);
  });

  it('nobody changes their own role; an unknown field or role is a 400', async () => {
    const own = await t.request('PATCH', `/api/v1/users/${acme.userId}`, { token: acme.token, body: { role: 'user' } });
    expect([own.status, own.body.code]).toEqual([409, 'cannot_change_own_role']);
    expect((await t.request('PATCH', `/api/v1/users/${acme.userId}`, { token: acme.token, body: { role: 'owner' } })).status).toBe(400);
    expect((await t.request('PATCH', `/api/v1/users/${acme.userId}`, { token: acme.token, body: { nickname: 'x' } })).status).toBe(400);
    expect((await t.request('GET', '/api/v1/users/abc', { token: acme.token })).status).toBe(400);
  });
});

describe('listing', () => {
  it('pages, searches name or email (with % literal) and filters by status', async () => {
    const tenant = await t.registerTenant('users-list');
    const people: Array<[string, string]> = [
      ['Alice', 'Zed'],
      ['Bob', 'Young'],
      ['Carol', 'Xu'],
    ];
    for (const [first, last] of people) {
      await t.request('POST', '/api/v1/users', {
        token: tenant.token,
        body: { email: `${first.toLowerCase()}@list.example.com`, firstName: first, lastName: last },
      });
    }
    const page = await t.request('GET', '/api/v1/users?page=2&limit=2', { token: tenant.token });
    expect(page.body.data).toMatchObject({ total: 4, page: 2, limit: 2, totalPages: 2 });
    expect(page.body.data.users.map((u: { firstName: string }) => u.firstName)).toEqual(['Bob', 'Carol']);
    const search = await t.request('GET', '/api/v1/users?search=bob%20young', { token: tenant.token });
    expect(search.body.data.users.map((u: { firstName: string }) => u.firstName)).toEqual(['Bob']);
    expect((await t.request('GET', '/api/v1/users?search=ALICE@LIST', { token: tenant.token })).body.data.total).toBe(1);
    expect((await t.request('GET', '/api/v1/users?search=%25', { token: tenant.token })).body.data.total).toBe(0);
    expect((await t.request('GET', '/api/v1/users?status=active', { token: tenant.token })).body.data.total).toBe(1);
    expect((await t.request('GET', '/api/v1/users?status=invited', { token: tenant.token })).body.data.total).toBe(3);
    expect((await t.request('GET', '/api/v1/users?status=gone', { token: tenant.token })).status).toBe(400);
    expect((await t.request('GET', '/api/v1/users?limit=201', { token: tenant.token })).status).toBe(400);
  });
});

describe('deactivation', () => {
  it('ends logins, refresh tokens and API keys; reactivation restores them', async () => {
    const set = await t.request('POST', '/api/v1/users', {
      token: acme.token,
      body: { email: 'sam2@acme.example.com', firstName: 'Sam', lastName: 'Two' },
    });
    const token = await invitationToken(acme.tenantId, 'sam2@acme.example.com');
    await t.request('POST', '/api/v1/users/accept-invitation', { body: { token, password: PASSWORD } });
    const id = set.body.data.id as number;
    const login = await t.request('POST', '/api/v1/auth/login', {
      body: { email: 'sam2@acme.example.com', password: PASSWORD, tenantSlug: acme.slug },
    });
    const session = login.body.data;
    const key = (await t.request('POST', '/api/v1/api-keys', { token: session.accessToken, body: { name: 'k' } })).body.data.key as string;
    expect((await t.request('GET', '/api/v1/users/me', { token: key })).status).toBe(200);

    const off = await t.request('DELETE', `/api/v1/users/${id}`, { token: acme.token });
    expect(off.status).toBe(200);
    expect(off.body.data.status).toBe('inactive');
    expect(
      (
        await t.request('POST', '/api/v1/auth/login', {
          body: { email: 'sam2@acme.example.com', password: PASSWORD, tenantSlug: acme.slug },
        })
      ).body.code,
    ).toBe('user_inactive');
    expect((await t.request('GET', '/api/v1/users/me', { token: key })).status).toBe(401);
    expect((await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
    expect((await t.request('DELETE', `/api/v1/users/${id}`, { token: acme.token })).status).toBe(200);
    expect(
      (await t.request('GET', '/api/v1/users?status=inactive', { token: acme.token })).body.data.users.some(
        (u: { id: number }) => u.id === id,
      ),
    ).toBe(true);

    const on = await t.request('POST', `/api/v1/users/${id}/activate`, { token: acme.token });
    expect(on.body.data.status).toBe('active');
    expect(
      (
        await t.request('POST', '/api/v1/auth/login', {
          body: { email: 'sam2@acme.example.com', password: PASSWORD, tenantSlug: acme.slug },
        })
      ).status,
    ).toBe(200);
    expect((await t.request('GET', '/api/v1/users/me', { token: key })).status).toBe(200);
    // Only a tenant_admin deactivates.
    const manager = await t.createUser(acme, 'manager', 'Max');
    expect((await t.request('DELETE', `/api/v1/users/${id}`, { token: manager.token })).status).toBe(403);
  });

  it('refuses to deactivate yourself or the last active tenant_admin (409)', async () => {
    const tenant = await t.registerTenant('users-admins');
    const self = await t.request('DELETE', `/api/v1/users/${tenant.userId}`, { token: tenant.token });
    expect([self.status, self.body.code]).toEqual([409, 'cannot_deactivate_self']);
    const second = await t.createUser(tenant, 'tenant_admin', 'Second');
    expect((await t.request('DELETE', `/api/v1/users/${second.userId}`, { token: tenant.token })).status).toBe(200);
    // The deactivated admin's access token is refused at once, so it cannot remove the last admin
    // (last_admin itself is reached by two admins racing, below).
    const last = await t.request('DELETE', `/api/v1/users/${tenant.userId}`, { token: second.token });
    expect([last.status, last.body.code]).toEqual([401, 'credentials_revoked']);
    const demote = await t.request('PATCH', `/api/v1/users/${tenant.userId}`, { token: second.token, body: { role: 'user' } });
    expect([demote.status, demote.body.code]).toEqual([401, 'credentials_revoked']);
    // A user who never accepted is re-invited, not reactivated.
    const pending = (
      await t.request('POST', '/api/v1/users', {
        token: tenant.token,
        body: { email: 'p@admins.example.com', firstName: 'P', lastName: 'Q' },
      })
    ).body.data;
    const early = await t.request('POST', `/api/v1/users/${pending.id}/activate`, { token: tenant.token });
    expect([early.status, early.body.code]).toEqual([409, 'invitation_pending']);
  });
});

describe('concurrency', () => {
  it('two admins deactivating each other at once: one wins, the other gets last_admin (or, authenticated after the win, credentials_revoked)', async () => {
    const tenant = await t.registerTenant('users-race');
    const second = await t.createUser(tenant, 'tenant_admin', 'Rival');
    const [x, y] = await Promise.all([
      t.request('DELETE', `/api/v1/users/${second.userId}`, { token: tenant.token }),
      t.request('DELETE', `/api/v1/users/${tenant.userId}`, { token: second.token }),
    ]);
    const loser = [x, y].find((r) => r.status !== 200)!;
    expect([x, y].filter((r) => r.status === 200)).toHaveLength(1);
    expect([
      [409, 'last_admin'],
      [401, 'credentials_revoked'],
    ]).toContainEqual([loser.status, loser.body.code]);
    const active = await inSystem(t.handle.db, (tx) =>
      tx
        .selectFrom('users')
        .select('id')
        .where('tenant_id', '=', tenant.tenantId)
        .where('role', '=', 'tenant_admin')
        .where('status', '=', 'active')
        .execute(),
    );
    expect(active).toHaveLength(1);
  });
});

describe('erasure', () => {
  it('removes personal data from read models and every secret; old events stay and the chains verify', async () => {
    const user = (await invite(acme.token, { firstName: 'Erin', lastName: 'Erasable' })).body.data;
    const token = await invitationToken(acme.tenantId, user.email);
    await t.request('POST', '/api/v1/users/accept-invitation', { body: { token, password: PASSWORD } });
    const login = (
      await t.request('POST', '/api/v1/auth/login', { body: { email: user.email, password: PASSWORD, tenantSlug: acme.slug } })
    ).body.data;
    await t.request('POST', '/api/v1/api-keys', { token: login.accessToken, body: { name: 'mine' } });

    const manager = await t.createUser(acme, 'manager', 'Mia');
    expect((await t.request('DELETE', `/api/v1/users/${user.id}/permanent`, { token: manager.token })).status).toBe(403);
    const res = await t.request('DELETE', `/api/v1/users/${user.id}/permanent`, { token: acme.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: user.id, erased: true });

    expect((await t.request('GET', `/api/v1/users/${user.id}`, { token: acme.token })).status).toBe(404);
    expect((await t.request('DELETE', `/api/v1/users/${user.id}/permanent`, { token: acme.token })).status).toBe(404);
    const list = await t.request('GET', '/api/v1/users?limit=200', { token: acme.token });
    expect(list.text).not.toContain(user.email);
    const row = await inSystem(t.handle.db, (tx) => tx.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow());
    expect(row).toMatchObject({ first_name: 'Erased', last_name: 'User', email: `erased-${user.id}@erased.invalid`, status: 'erased' });
    const left = await inSystem(t.handle.db, (tx) =>
      sql<{ n: number }>`select (select count(*) from user_credentials where user_id = ${user.id})
        + (select count(*) from refresh_tokens where user_id = ${user.id}) + (select count(*) from api_keys where user_id = ${user.id})
        + (select count(*) from user_invitations where user_id = ${user.id})
        + (select count(*) from mail_outbox where to_address = ${user.email}) as n`.execute(tx),
    );
    expect(Number(left.rows[0]!.n)).toBe(0);
    expect(
      (await t.request('POST', '/api/v1/auth/login', { body: { email: user.email, password: PASSWORD, tenantSlug: acme.slug } })).status,
    ).toBe(401);
    expect((await eventsOf(acme.tenantId, user.id)).map((e) => e.event_type)).toEqual([
      'UserInvited',
      'UserInvitationAccepted',
      'UserErased',
    ]);
    expect((await verifyChains(t.handle.db, acme.tenantId)).breaks).toEqual([]);
    // The log forgets them too: their name and email were sealed under their own key, now destroyed,
    // so the stored events never held them in clear and every read shows the placeholders.
    const raw = JSON.stringify(await eventsOf(acme.tenantId, user.id));
    for (const v of [user.email, 'Erin', 'Erasable']) expect(raw).not.toContain(v);
    const read = await inTenant(t.handle.db, acme.tenantId, (tx) =>
      t.services.store.readStream(tx, acme.tenantId, { type: 'user', id: String(user.id) }),
    );
    expect(read[0]!.data).toMatchObject({ email: `erased-${user.id}@erased.invalid`, first_name: 'Erased', last_name: 'User' });

    // The address is free again.
    expect(
      (await t.request('POST', '/api/v1/users', { token: acme.token, body: { email: user.email, firstName: 'New', lastName: 'Person' } }))
        .status,
    ).toBe(201);
    const self = await t.request('DELETE', `/api/v1/users/${acme.userId}/permanent`, { token: acme.token });
    expect([self.status, self.body.code]).toEqual([409, 'cannot_erase_self']);
  });
});

describe('the users read model', () => {
  it('rebuilds from the log to what the live projection holds, erasures included', async () => {
    const own = await startTestApp({ isolated: true });
    try {
      const a = await own.registerTenant('users-rebuild');
      await makeProfiles(own, a.token, 4);
      const made = async (email: string) =>
        (await own.request('POST', '/api/v1/users', { token: a.token, body: { email, firstName: 'R', lastName: 'B', profileId: 4 } })).body
          .data.id as number;
      const kept = await made('kept@rebuild.example.com');
      const gone = await made('gone@rebuild.example.com');
      const pending = await made('pending@rebuild.example.com');
      const { rows } = await inSystem(own.handle.db, (tx) =>
        sql<{
          text_body: string;
        }>`select text_body from mail_outbox where kind = 'invitation' and to_address = 'kept@rebuild.example.com'`.execute(tx),
      );
      const token = /token=([A-Za-z0-9_-]{43})/.exec(rows[0]!.text_body)![1];
      await own.request('POST', '/api/v1/users/accept-invitation', { body: { token, password: PASSWORD } });
      await own.request('PATCH', `/api/v1/users/${kept}`, {
        token: a.token,
        body: { firstName: 'Kept', role: 'manager', profileId: null },
      });
      await own.request('DELETE', `/api/v1/users/${kept}`, { token: a.token });
      await own.request('POST', `/api/v1/users/${kept}/activate`, { token: a.token });
      await own.request('POST', `/api/v1/users/${pending}/resend-invitation`, { token: a.token });
      await own.request('DELETE', `/api/v1/users/${gone}/permanent`, { token: a.token });

      const check = await rebuildProjections(own.handle.db, inlineProjections, { swap: false, upcasters, codec: eventCodec });
      expect(check.differences.users).toEqual({ onlyLive: 0, onlyRebuilt: 0 });
    } finally {
      await own.close();
    }
  });
});
