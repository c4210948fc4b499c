import { MailRelay, signJwt, silentLogger } from '@crm/api';
import { inSystem, inTenant } from '@crm/db';
import { notifications, teams } from '@crm/domain';
import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';
import { expectRebuildEqualsLive } from './rebuild-fixture.ts';
import { startSmtp } from './smtp-fixture.ts';

// Teams and the org (document 000, /v1/teams, /v1/org). One isolated database for the file: it
// runs the outbox relay (which would take other files' mail on a shared one) and a rebuild.

/** This file's clock runs ahead by this much (invitations expire after 7 days). */
let offsetMs = 0;
const t = await testApp({ isolated: true, clock: { now: () => new Date(Date.now() + offsetMs) } });

const TEAM_EVENTS = Object.keys(teams.teamEventSchemas);

interface Person {
  userId: number;
  email: string;
  token: string;
}

const adminOf = (a: TestTenant): Person => ({ userId: a.userId, email: a.email, token: a.token });

async function createTeam(by: Person, name = 'Sales', description?: string) {
  const res = await t.request('POST', '/v1/teams', { token: by.token, body: { name, ...(description ? { description } : {}) } });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

/** The token of the latest invitation mailed to `to`, read from the outbox. */
async function mailedToken(tenantId: string, to: string): Promise<string> {
  const rows = await inSystem(t.handle.db, (tx) =>
    tx
      .selectFrom('mail_outbox')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('to_address', '=', to)
      .orderBy('created_at', 'desc')
      .execute(),
  );
  const token = /\/accept-team-invite\?token=([A-Za-z0-9_-]{43})\b/.exec(rows[0]?.text_body ?? '')?.[1];
  if (!token) throw new Error(`no invitation mailed to ${to}`);
  return token;
}

async function invite(team: string, by: Person, email: string, role = 'member') {
  const res = await t.request('POST', `/v1/teams/${team}/invite`, { token: by.token, body: { email, role } });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

/** `who` invited with `role` and joined: a member of the team from now on. */
async function join(a: TestTenant, team: string, by: Person, who: Person, role = 'member') {
  await invite(team, by, who.email, role);
  const res = await t.request('POST', `/v1/teams/accept-invite/${await mailedToken(a.tenantId, who.email)}`, { token: who.token });
  expect(res.status, res.text).toBe(200);
  return res;
}

/** A tenant with a team owned by its admin, an admin, a member and a viewer in it, and an outsider. */
async function world() {
  const a = await t.registerTenant('team');
  const owner = adminOf(a);
  const [admin, member, viewer, outsider] = await Promise.all([
    t.createUser(a, 'user', 'Adam'),
    t.createUser(a, 'user', 'Mia'),
    t.createUser(a, 'viewer', 'Vic'),
    t.createUser(a, 'manager', 'Otto'),
  ]);
  const team = await createTeam(owner, 'Sales', 'EMEA sales');
  await join(a, team, owner, admin, 'admin');
  await join(a, team, owner, member, 'member');
  await join(a, team, owner, viewer, 'viewer');
  return { a, team, owner, admin, member, viewer, outsider };
}

/** Expects a refusal with this status and code that appended nothing. */
async function refused(tenantId: string, status: number, code: string, call: () => Promise<{ status: number; body: any; text: string }>) {
  const before = await t.eventCount(tenantId);
  const res = await call();
  expect(res.status, res.text).toBe(status);
  expect(res.body.code).toBe(code);
  expect(await t.eventCount(tenantId)).toBe(before);
}

describe('teams (document 000)', () => {
  it('creates a team with the caller as owner, lists the teams one belongs to, and shows one with its members', async () => {
    const a = await t.registerTenant('team');
    const created = await t.request('POST', '/v1/teams', { token: a.token, body: { name: '  Sales  ', description: 'EMEA' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Sales',
      description: 'EMEA',
      role: 'owner',
      member_count: 1,
      created_by: a.userId,
      version: 1,
      members: [{ user_id: a.userId, role: 'owner', email: a.email, first_name: 'Ada', last_name: 'Admin' }],
      invites: [],
    });
    expect(created.body.members[0].joined_at).toEqual(expect.any(String));
    const other = await createTeam(adminOf(a), 'Support');
    const list = await t.request('GET', '/v1/teams', { token: a.token });
    expect(list.status).toBe(200);
    expect(list.body.teams.map((x: any) => [x.name, x.role, x.member_count])).toEqual([
      ['Sales', 'owner', 1],
      ['Support', 'owner', 1],
    ]);
    const get = await t.request('GET', `/v1/teams/${other}`, { token: a.token });
    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({ id: other, name: 'Support', description: null });
    // Someone of the tenant outside the team: it does not exist for them.
    const stranger = await t.createUser(a, 'manager', 'Stan');
    expect((await t.request('GET', '/v1/teams', { token: stranger.token })).body.teams).toEqual([]);
    const hidden = await t.request('GET', `/v1/teams/${other}`, { token: stranger.token });
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('team_not_found');
    expect((await t.request('GET', `/v1/teams/00000000-0000-4000-8000-000000000000`, { token: a.token })).body.code).toBe('team_not_found');
  });

  it('refuses a bad body with a 400 that writes nothing, and a viewer cannot create a team', async () => {
    const a = await t.registerTenant('team');
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(101) }, { name: 'ok', Name: 'typo' }, { name: 'ok', description: 7 }]) {
      await refused(a.tenantId, 400, 'validation_error', () => t.request('POST', '/v1/teams', { token: a.token, body }));
    }
    await refused(a.tenantId, 400, 'invalid_text', () => t.request('POST', '/v1/teams', { token: a.token, body: { name: 'a\u0000b' } }));
    const viewer = await t.createUser(a, 'viewer', 'Vi');
    await refused(a.tenantId, 403, 'permission_denied', () =>
      t.request('POST', '/v1/teams', { token: viewer.token, body: { name: 'Mine' } }),
    );
    await refused(a.tenantId, 400, 'validation_error', () => t.request('GET', '/v1/teams/not-a-uuid', { token: a.token }));
  });

  it('is Pro+: a tenant on the free plan gets 402', async () => {
    const a = await t.registerTenant('team');
    await t.setPlan(a.tenantId, 'free');
    const res = await t.request('GET', '/v1/teams', { token: a.token });
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ code: 'plan_upgrade_required' });
  });

  it('lets owners and admins update name and description; members and viewers get 403, strangers 404', async () => {
    const { a, team, owner, admin, member, viewer, outsider } = await world();
    const byAdmin = await t.request('PUT', `/v1/teams/${team}`, { token: admin.token, body: { name: 'Sales EMEA' } });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ name: 'Sales EMEA', description: 'EMEA sales', role: 'admin', member_count: 4 });
    const byOwner = await t.request('PUT', `/v1/teams/${team}`, { token: owner.token, body: { description: null } });
    expect(byOwner.body).toMatchObject({ name: 'Sales EMEA', description: null });
    // The same values again record nothing.
    const before = await t.eventCount(a.tenantId);
    expect((await t.request('PUT', `/v1/teams/${team}`, { token: owner.token, body: { name: 'Sales EMEA' } })).status).toBe(200);
    expect(await t.eventCount(a.tenantId)).toBe(before);
    for (const who of [member, viewer]) {
      await refused(a.tenantId, 403, 'team_role_required', () =>
        t.request('PUT', `/v1/teams/${team}`, { token: who.token, body: { name: 'Mine' } }),
      );
    }
    await refused(a.tenantId, 404, 'team_not_found', () =>
      t.request('PUT', `/v1/teams/${team}`, { token: outsider.token, body: { name: 'Mine' } }),
    );
    await refused(a.tenantId, 400, 'validation_error', () =>
      t.request('PUT', `/v1/teams/${team}`, { token: owner.token, body: { name: '' } }),
    );
    // Members and viewers see the team with its members, but not the pending invitations.
    await invite(team, owner, 'pending@example.com');
    const seenByViewer = await t.request('GET', `/v1/teams/${team}`, { token: viewer.token });
    expect(seenByViewer.body).toMatchObject({ role: 'viewer', invites: [] });
    expect(seenByViewer.body.members.map((m: any) => m.role)).toEqual(['owner', 'admin', 'member', 'viewer']);
    const seenByAdmin = await t.request('GET', `/v1/teams/${team}`, { token: admin.token });
    expect(seenByAdmin.body.invites).toMatchObject([{ email: 'pending@example.com', role: 'member', invited_by: owner.userId }]);
  });

  it('invites by email: one live invitation per address, not to a member, never as owner, only by owners and admins', async () => {
    const { a, team, owner, admin, member } = await world();
    const res = await t.request('POST', `/v1/teams/${team}/invite`, {
      token: admin.token,
      body: { email: 'New.Person@Example.com', role: 'viewer' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ team_id: team, email: 'new.person@example.com', role: 'viewer', status: 'pending' });
    const days = (Date.parse(res.body.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7.01);
    // The mail is in the outbox of the same transaction, with the link to the frontend.
    const token = await mailedToken(a.tenantId, 'new.person@example.com');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The token is nowhere in the log, nor the address.
    const { rows } = await inSystem(t.handle.db, (tx) =>
      tx
        .selectFrom('es_events')
        .select('data')
        .where('tenant_id', '=', a.tenantId)
        .where('event_type', 'like', 'Team%')
        .execute()
        .then((rows) => ({ rows })),
    );
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain('new.person@example.com');

    const post = (by: Person, body: object) => () => t.request('POST', `/v1/teams/${team}/invite`, { token: by.token, body });
    await refused(a.tenantId, 409, 'invite_already_pending', post(owner, { email: 'NEW.person@example.com', role: 'member' }));
    await refused(a.tenantId, 409, 'already_member', post(owner, { email: member.email, role: 'admin' }));
    await refused(a.tenantId, 400, 'validation_error', post(owner, { email: 'boss@example.com', role: 'owner' }));
    await refused(a.tenantId, 400, 'validation_error', post(owner, { email: 'not-an-email', role: 'member' }));
    await refused(a.tenantId, 400, 'validation_error', post(owner, { email: 'x@example.com' }));
    await refused(a.tenantId, 403, 'team_role_required', post(member, { email: 'friend@example.com', role: 'member' }));
  });

  it('accepts an invitation: auth required, the caller’s email must match, once; revoked 404, expired 410', async () => {
    const { a, team, owner, admin, member } = await world();
    const newcomer = await t.createUser(a, 'user', 'Nora');
    await invite(team, admin, newcomer.email.toUpperCase(), 'admin');
    const token = await mailedToken(a.tenantId, newcomer.email);
    const accept =
      (who?: Person, tok = token) =>
      () =>
        t.request('POST', `/v1/teams/accept-invite/${tok}`, who ? { token: who.token } : {});

    await refused(a.tenantId, 401, 'authentication_required', accept());
    await refused(a.tenantId, 403, 'invite_email_mismatch', accept(member));
    await refused(a.tenantId, 404, 'invite_not_found', accept(newcomer, 'x'.repeat(43)));
    const joined = await accept(newcomer)();
    expect(joined.status, joined.text).toBe(200);
    expect(joined.body).toMatchObject({ id: team, role: 'admin', member_count: 5 });
    expect(joined.body.members.find((m: any) => m.user_id === newcomer.userId)).toMatchObject({ role: 'admin' });
    // Once only.
    await refused(a.tenantId, 404, 'invite_not_found', accept(newcomer));

    // Revoked: the link stops working; revoking again is a 409, an unknown invitation a 404.
    const late = await t.createUser(a, 'user', 'Lou');
    const lateInvite = await invite(team, owner, late.email);
    const lateToken = await mailedToken(a.tenantId, late.email);
    await refused(a.tenantId, 403, 'team_role_required', () =>
      t.request('DELETE', `/v1/teams/${team}/invites/${lateInvite}`, { token: member.token }),
    );
    const revoked = await t.request('DELETE', `/v1/teams/${team}/invites/${lateInvite}`, { token: admin.token });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ revoked: true, invite_id: lateInvite });
    await refused(a.tenantId, 404, 'invite_not_found', accept(late, lateToken));
    await refused(a.tenantId, 409, 'invite_not_pending', () =>
      t.request('DELETE', `/v1/teams/${team}/invites/${lateInvite}`, { token: owner.token }),
    );
    await refused(a.tenantId, 404, 'invite_not_found', () =>
      t.request('DELETE', `/v1/teams/${team}/invites/00000000-0000-4000-8000-000000000000`, { token: owner.token }),
    );
    // After revoking, the address may be invited again.
    await invite(team, owner, late.email);

    // Expired: 7 days later the link answers 410 (and a new invitation to the address may be sent).
    const slow = await t.createUser(a, 'user', 'Sid');
    await invite(team, owner, slow.email);
    const slowToken = await mailedToken(a.tenantId, slow.email);
    offsetMs = 7 * 86_400_000 + 60_000;
    try {
      const now = Math.floor((Date.now() + offsetMs) / 1000);
      const later = await signJwt(
        { sub: String(slow.userId), tid: a.tenantId, role: 'user', typ: 'access', iat: now, exp: now + 600 },
        t.services.jwtSecret,
      );
      const ownerLater = await signJwt(
        { sub: String(owner.userId), tid: a.tenantId, role: 'tenant_admin', typ: 'access', iat: now, exp: now + 600 },
        t.services.jwtSecret,
      );
      await refused(a.tenantId, 410, 'invite_expired', accept({ ...slow, token: later }, slowToken));
      expect(
        (await t.request('POST', `/v1/teams/${team}/invite`, { token: ownerLater, body: { email: slow.email, role: 'member' } })).status,
      ).toBe(201);
    } finally {
      offsetMs = 0;
    }
  });

  it('changes roles: owners and admins, an admin neither touches an owner nor makes one, the last owner stays', async () => {
    const { a, team, owner, admin, member, viewer, outsider } = await world();
    const put = (by: Person, userId: number, role: string) => () =>
      t.request('PUT', `/v1/teams/${team}/members/${userId}`, { token: by.token, body: { role } });
    const promoted = await put(admin, viewer.userId, 'member')();
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ user_id: viewer.userId, role: 'member', email: viewer.email });
    // The same role again: 200, nothing recorded.
    const before = await t.eventCount(a.tenantId);
    expect((await put(owner, viewer.userId, 'member')()).status).toBe(200);
    expect(await t.eventCount(a.tenantId)).toBe(before);

    await refused(a.tenantId, 403, 'owner_protected', put(admin, owner.userId, 'member'));
    await refused(a.tenantId, 403, 'owner_protected', put(admin, member.userId, 'owner'));
    await refused(a.tenantId, 403, 'team_role_required', put(member, viewer.userId, 'viewer'));
    await refused(a.tenantId, 404, 'team_not_found', put(outsider, viewer.userId, 'viewer'));
    await refused(a.tenantId, 409, 'last_owner', put(owner, owner.userId, 'admin'));
    await refused(a.tenantId, 404, 'member_not_found', put(owner, outsider.userId, 'admin'));
    await refused(a.tenantId, 400, 'validation_error', put(owner, member.userId, 'boss'));
    await refused(a.tenantId, 400, 'validation_error', () =>
      t.request('PUT', `/v1/teams/${team}/members/abc`, { token: owner.token, body: { role: 'member' } }),
    );

    // With a second owner, the first may step down.
    expect((await put(owner, admin.userId, 'owner')()).body.role).toBe('owner');
    expect((await put(owner, owner.userId, 'admin')()).body.role).toBe('admin');
  });

  it('removes members: owners and admins remove others, anyone may leave, an admin cannot remove an owner, the last owner stays', async () => {
    const { a, team, owner, admin, member, viewer } = await world();
    const del = (by: Person, userId: number) => () => t.request('DELETE', `/v1/teams/${team}/members/${userId}`, { token: by.token });
    await refused(a.tenantId, 403, 'team_role_required', del(member, viewer.userId));
    await refused(a.tenantId, 403, 'owner_protected', del(admin, owner.userId));
    await refused(a.tenantId, 409, 'last_owner', del(owner, owner.userId));
    const removed = await del(admin, member.userId)();
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ removed: true, team_id: team, user_id: member.userId });
    // Gone from the team: it is a 404 to them now.
    expect((await t.request('GET', `/v1/teams/${team}`, { token: member.token })).status).toBe(404);
    const left = await del(viewer, viewer.userId)();
    expect(left.status).toBe(200);
    await refused(a.tenantId, 404, 'member_not_found', del(owner, viewer.userId));
    const members = await t.request('GET', `/v1/teams/${team}`, { token: owner.token });
    expect(members.body.members.map((m: any) => m.user_id)).toEqual([owner.userId, admin.userId]);
  });

  it('disbands (owner only): the team, its members and its invitation links are gone', async () => {
    const { a, team, owner, admin } = await world();
    const guest = await t.createUser(a, 'user', 'Gus');
    await invite(team, owner, guest.email);
    const token = await mailedToken(a.tenantId, guest.email);
    await refused(a.tenantId, 403, 'team_role_required', () => t.request('DELETE', `/v1/teams/${team}`, { token: admin.token }));
    const res = await t.request('DELETE', `/v1/teams/${team}`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: true, team_id: team });
    expect((await t.request('GET', `/v1/teams/${team}`, { token: owner.token })).status).toBe(404);
    expect((await t.request('GET', '/v1/teams', { token: admin.token })).body.teams).toEqual([]);
    await refused(a.tenantId, 404, 'invite_not_found', () => t.request('POST', `/v1/teams/accept-invite/${token}`, { token: guest.token }));
    await refused(a.tenantId, 404, 'team_not_found', () => t.request('DELETE', `/v1/teams/${team}`, { token: owner.token }));
  });

  it('tells the audit log newest first, paged, to owners and admins only', async () => {
    const { a, team, owner, admin, member, viewer, outsider } = await world();
    await t.request('PUT', `/v1/teams/${team}`, { token: owner.token, body: { name: 'Sales EMEA' } });
    await t.request('PUT', `/v1/teams/${team}/members/${viewer.userId}`, { token: admin.token, body: { role: 'member' } });
    await t.request('DELETE', `/v1/teams/${team}/members/${viewer.userId}`, { token: admin.token });
    await t.request('DELETE', `/v1/teams/${team}/members/${member.userId}`, { token: member.token });
    const log = await t.request('GET', `/v1/teams/${team}/activity`, { token: admin.token });
    expect(log.status).toBe(200);
    expect(log.body).toMatchObject({ total: 11, page: 1, has_more: false });
    expect(log.body.entries.map((e: any) => e.action)).toEqual([
      'member_left',
      'member_removed',
      'role_changed',
      'team_updated',
      'member_joined',
      'member_invited',
      'member_joined',
      'member_invited',
      'member_joined',
      'member_invited',
      'team_created',
    ]);
    expect(log.body.entries[1]).toMatchObject({ actor_user_id: admin.userId, user_id: viewer.userId, previous_role: 'member' });
    expect(log.body.entries[2]).toMatchObject({
      actor_user_id: admin.userId,
      user_id: viewer.userId,
      role: 'member',
      previous_role: 'viewer',
    });
    expect(log.body.entries[3]).toMatchObject({ changes: { name: 'Sales EMEA' }, previous: { name: 'Sales' } });
    expect(log.body.entries[5]).toMatchObject({
      action: 'member_invited',
      actor_user_id: owner.userId,
      email: viewer.email,
      role: 'viewer',
    });
    expect(log.body.entries[4]).toMatchObject({
      action: 'member_joined',
      actor_user_id: viewer.userId,
      user_id: viewer.userId,
      email: viewer.email,
    });
    const page2 = await t.request('GET', `/v1/teams/${team}/activity?page=2&page_size=4`, { token: owner.token });
    expect(page2.body).toMatchObject({ total: 11, page: 2, page_size: 4, has_more: true });
    expect(page2.body.entries.map((e: any) => e.action)).toEqual(log.body.entries.slice(4, 8).map((e: any) => e.action));
    expect((await t.request('GET', `/v1/teams/${team}/activity?limit=2`, { token: owner.token })).body.entries).toHaveLength(2);
    // A member who left is a stranger now; a stranger is a 404.
    expect((await t.request('GET', `/v1/teams/${team}/activity`, { token: member.token })).body.code).toBe('team_not_found');
    expect((await t.request('GET', `/v1/teams/${team}/activity`, { token: outsider.token })).status).toBe(404);
    const c = await t.createUser(a, 'user', 'Cleo');
    await join(a, team, owner, c, 'member');
    const denied = await t.request('GET', `/v1/teams/${team}/activity`, { token: c.token });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('team_role_required');
    expect((await t.request('GET', `/v1/teams/${team}/activity?page=0`, { token: owner.token })).status).toBe(400);
  });

  it('keeps tenants apart: another tenant’s admin gets 404 for every team path', async () => {
    const { a, team, owner } = await world();
    const b = await t.registerTenant('team');
    const inviteId = await invite(team, owner, 'someone@example.com');
    const calls: Array<[string, string, object?]> = [
      ['GET', `/v1/teams/${team}`],
      ['PUT', `/v1/teams/${team}`, { name: 'Mine' }],
      ['DELETE', `/v1/teams/${team}`],
      ['POST', `/v1/teams/${team}/invite`, { email: 'x@example.com', role: 'member' }],
      ['DELETE', `/v1/teams/${team}/invites/${inviteId}`],
      ['PUT', `/v1/teams/${team}/members/${owner.userId}`, { role: 'viewer' }],
      ['DELETE', `/v1/teams/${team}/members/${owner.userId}`],
      ['GET', `/v1/teams/${team}/activity`],
      ['POST', `/v1/teams/accept-invite/${await mailedToken(a.tenantId, 'someone@example.com')}`],
    ];
    for (const [method, path, body] of calls) {
      const res = await t.request(method, path, { token: b.token, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(404);
      expect(res.text).not.toContain('Sales');
    }
    expect((await t.request('GET', '/v1/teams', { token: b.token })).body.teams).toEqual([]);
    expect((await t.request('GET', '/v1/org', { token: b.token })).body.code).toBe('org_not_found');
    expect((await t.request('GET', `/v1/teams/${team}`, { token: owner.token })).body.name).toBe('Sales');
  });
});

describe('erasure', () => {
  it('a user erased for good leaves no team invitation holding their address', async () => {
    const { a, team, owner, outsider } = await world();
    await invite(team, owner, outsider.email);
    const held = () =>
      inSystem(t.handle.db, (tx) =>
        tx
          .selectFrom('team_invite_secrets')
          .select('invite_id')
          .where('tenant_id', '=', a.tenantId)
          .where('email', '=', outsider.email)
          .execute(),
      );
    expect(await held()).toHaveLength(1);
    const erased = await t.request('DELETE', `/api/v1/users/${outsider.userId}/permanent`, { token: owner.token });
    expect(erased.status, erased.text).toBe(200);
    expect(await held()).toHaveLength(0);
  });
});

describe('/v1/org (document 000): the caller’s primary team', () => {
  it('is the oldest team the caller owns, else the oldest they belong to; 404 when none', async () => {
    const a = await t.registerTenant('org');
    const owner = adminOf(a);
    const u = await t.createUser(a, 'user', 'Una');
    for (const path of ['/v1/org', '/v1/org/members']) {
      const none = await t.request('GET', path, { token: u.token });
      expect(none.status).toBe(404);
      expect(none.body.code).toBe('org_not_found');
    }
    await refused(a.tenantId, 404, 'org_not_found', () => t.request('PUT', '/v1/org', { token: u.token, body: { name: 'X' } }));

    const first = await createTeam(owner, 'First');
    const second = await createTeam(owner, 'Second');
    await join(a, first, owner, u, 'member');
    await join(a, second, owner, u, 'admin');
    // A member of two teams, owner of none: the oldest.
    expect((await t.request('GET', '/v1/org', { token: u.token })).body).toMatchObject({ id: first, role: 'member' });
    // Then they create one: the team they own wins over older memberships.
    const own = await t.request('POST', '/v1/org', { token: u.token, body: { name: 'Own', description: 'mine' } });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ name: 'Own', description: 'mine', role: 'owner', member_count: 1 });
    const org = await t.request('GET', '/v1/org', { token: u.token });
    expect(org.status).toBe(200);
    expect(org.body).toMatchObject({ id: own.body.id, name: 'Own' });
    const renamed = await t.request('PUT', '/v1/org', { token: u.token, body: { name: 'Own Co' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: own.body.id, name: 'Own Co' });
    expect((await t.request('GET', `/v1/teams/${first}`, { token: owner.token })).body.name).toBe('First');
    // The owner's primary is their oldest owned team; its members, owners first.
    const members = await t.request('GET', '/v1/org/members', { token: owner.token });
    expect(members.status).toBe(200);
    expect(members.body.members.map((m: any) => [m.user_id, m.role])).toEqual([
      [owner.userId, 'owner'],
      [u.userId, 'member'],
    ]);
    // A member without the team role cannot update the primary team.
    const other = await t.createUser(a, 'user', 'Ole');
    await join(a, first, owner, other, 'viewer');
    await refused(a.tenantId, 403, 'team_role_required', () =>
      t.request('PUT', '/v1/org', { token: other.token, body: { name: 'Hijack' } }),
    );
  });
});

describe('notification sources', () => {
  it('tell the member concerned (an invited user, a changed role, a removal), never the actor nor one who left', async () => {
    const { a, team, owner, admin, member, viewer, outsider } = await world();
    await invite(team, admin, outsider.email.toUpperCase(), 'viewer');
    await invite(team, admin, 'not-a-user@example.com', 'viewer');
    await t.request('PUT', `/v1/teams/${team}/members/${viewer.userId}`, { token: admin.token, body: { role: 'member' } });
    await t.request('PUT', `/v1/teams/${team}/members/${admin.userId}`, { token: admin.token, body: { role: 'member' } });
    await t.request('DELETE', `/v1/teams/${team}/members/${viewer.userId}`, { token: owner.token });
    await t.request('DELETE', `/v1/teams/${team}/members/${member.userId}`, { token: member.token });
    const fired = await inTenant(t.handle.db, a.tenantId, async (tx) => {
      const events = await t.services.store.readStream(tx, a.tenantId, { type: 'team', id: team });
      const out: Array<[string, number, Record<string, string>]> = [];
      for (const e of events) {
        for (const source of notifications.notificationSources.filter((x) => x.key.startsWith('teams.') && x.eventTypes.includes(e.type))) {
          for (const f of await source.fire(tx, e)) out.push([source.key, f.userId, f.variables]);
        }
      }
      return out;
    });
    const invited = (userId: number, role: string) => [
      'teams.invite_received',
      userId,
      { teamName: 'Sales', actorName: 'Ada Admin', role },
    ];
    expect(fired).toEqual([
      // world()'s own invitations, of users of the tenant; then the ones above (not the address that is no user).
      invited(admin.userId, 'admin'),
      invited(member.userId, 'member'),
      invited(viewer.userId, 'viewer'),
      ['teams.invite_received', outsider.userId, { teamName: 'Sales', actorName: 'Adam Seller', role: 'viewer' }],
      ['teams.role_changed', viewer.userId, { teamName: 'Sales', actorName: 'Adam Seller', from: 'viewer', to: 'member' }],
      ['teams.member_removed', viewer.userId, { teamName: 'Sales', actorName: 'Ada Admin', role: 'member' }],
    ]);
    expect(notifications.notificationSources.filter((x) => x.module === 'teams').map((x) => x.key)).toEqual([
      'teams.invite_received',
      'teams.role_changed',
      'teams.member_removed',
    ]);
  });
});

describe('the invitation mail', () => {
  it('is delivered to a real SMTP server, and its link’s token joins the team', async () => {
    const smtp = await startSmtp();
    const a = await t.registerTenant('mail');
    const owner = adminOf(a);
    const team = await createTeam(owner, 'Mail team');
    const guest = await t.createUser(a, 'user', 'Gil');
    t.services.mail = {
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: null, password: null },
      from: 'CRM <no-reply@crm.example>',
    };
    try {
      // Only this message: the rest of the file's outbox would go to this server too.
      await inSystem(t.handle.db, (tx) => tx.deleteFrom('mail_outbox').execute());
      await invite(team, owner, guest.email, 'viewer');
      const relay = new MailRelay(t.services, { log: silentLogger, pollMs: 20 });
      for (let i = 0; i < 20 && !smtp.received.some((m) => m.to.includes(guest.email)); i++) await relay.runOnce();
      const mail = smtp.received.find((m) => m.to.includes(guest.email))!;
      expect(mail.subject).toBe('Join Mail team');
      // Quoted-printable may fold the line: unfold it before reading the link.
      const body = mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      const token = /http:\/\/localhost:3000\/accept-team-invite\?token=([A-Za-z0-9_-]{43})/.exec(body)?.[1];
      expect(token).toBeDefined();
      const joined = await t.request('POST', `/v1/teams/accept-invite/${token}`, { token: guest.token });
      expect(joined.status, joined.text).toBe(200);
      expect(joined.body).toMatchObject({ id: team, role: 'viewer', member_count: 2 });
    } finally {
      delete t.services.mail;
      await smtp.close();
    }
  }, 30_000);
});

describe('rebuild', () => {
  it('rebuilds the teams, members and invitations read models equal to the live ones', async () => {
    const { a, owner, admin, member } = await world();
    // A disbanded team too: its members and invitations leave the read models.
    const gone = await createTeam(owner, 'Short-lived');
    await join(a, gone, owner, member, 'admin');
    await invite(gone, owner, 'never@example.com');
    await t.request('PUT', `/v1/teams/${gone}/members/${member.userId}`, { token: owner.token, body: { role: 'viewer' } });
    expect((await t.request('DELETE', `/v1/teams/${gone}`, { token: owner.token })).status).toBe(200);
    await join(a, await createTeam(admin, 'Kept'), admin, member, 'viewer');
    expect(await t.eventCount(a.tenantId, ['TeamDisbanded', 'TeamMemberRoleChanged'])).toBe(2);
    expect(await t.eventCount(a.tenantId, TEAM_EVENTS)).toBeGreaterThan(15);
    await expectRebuildEqualsLive(t, ['teams', 'team_members', 'team_invites']);
  }, 120_000);
});
