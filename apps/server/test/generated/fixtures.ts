import { RollupRefresher, signJwt } from '@crm/api';
import { identity } from '@crm/domain';
import type { DeclaredRoute } from '@crm/rest';
import { inSystem } from '@crm/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startTestApp, type TestApp } from '../../src/testing.ts';
import { type FakeStripe, startFakeStripe } from '../stripe-fixture.ts';

/**
 * One tenant with a record of every kind a route can address, the principals that call, and the
 * path values that point at that tenant's records. The generated test families share it.
 */
export async function seedWorld(t: TestApp) {
  const a = await t.registerTenant('world');
  const other = await t.registerTenant('other');
  const free = await t.registerTenant('free');
  await t.setPlan(free.tenantId, 'free');

  const viewer = await t.createUser(a, 'viewer', 'Vera');
  const user = await t.createUser(a, 'user', 'Ulla');
  const manager = await t.createUser(a, 'manager', 'Manu');
  // The user that /api/v1/users/{id} paths point at: no principal, so the matrix may deactivate or erase it.
  const target = await t.createUser(a, 'user', 'Tess');
  const stages = (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages as Array<{ id: string }>;
  const deal = (
    await t.request('POST', '/v1/crm/deals', { token: a.token, body: { name: 'World deal', domain: 'world.example', value_usd: 1000 } })
  ).body;
  const contact = (
    await t.request('POST', `/v1/crm/deals/${deal.id}/contacts`, {
      token: a.token,
      body: { name: 'Wanda World', email: 'wanda@world.example' },
    })
  ).body;
  await t.request('POST', `/v1/crm/deals/${deal.id}/activities`, { token: a.token, body: { type: 'note', body: 'World note' } });
  // The key used as a principal belongs to a plain user; another key is the one paths point at.
  const userKey = (await t.request('POST', '/api/v1/api-keys', { token: user.token, body: { name: 'matrix' } })).body.data.key as string;
  const pathKey = (await t.request('POST', '/api/v1/api-keys', { token: a.token, body: { name: 'target' } })).body.data.id as string;
  const org = (await t.request('POST', '/api/crm/organizations/', { token: a.token, body: { name: 'World Org' } })).body.id as string;
  const person = (await t.request('POST', '/api/crm/persons/', { token: a.token, body: { name: 'Wim World', organization: org } })).body
    .id as string;
  // The person /api/v1/privacy/persons/{id} points at: the matrix erases it, so no other route uses it.
  const erasable = (await t.request('POST', '/api/crm/persons/', { token: a.token, body: { name: 'Ezra Erasable' } })).body.id as string;
  // A canonical entity of the registry (document 001) with two links: {linkId} is the second, so
  // removing it (the matrix does) leaves the reverse lookup of the first working.
  const canonical = (
    await t.request('POST', '/api/v1/entity-registry/register', {
      token: a.token,
      body: {
        name: 'Rhea Registry',
        email: 'rhea@world.example',
        entityClass: 'person',
        app: 'sales',
        entityType: 'lead',
        entityId: 'world-42',
      },
    })
  ).body.data.id as string;
  const link = (
    await t.request('POST', '/api/v1/entity-registry/link', {
      token: a.token,
      body: { canonicalId: canonical, app: 'support', entityType: 'ticket', entityId: 'world-7' },
    })
  ).body.data.id as string;
  // A merge of two persons: {merge_id} of the undo path (the matrix undoes it once, then 409).
  const survivor = (await t.request('POST', '/api/crm/persons/', { token: a.token, body: { name: 'Mona Merged' } })).body.id as string;
  const twin = (await t.request('POST', '/api/crm/persons/', { token: a.token, body: { name: 'Mona Twin' } })).body.id as string;
  const merged = await t.request('POST', '/api/crm/persons/merge/', {
    token: a.token,
    body: { primary_id: survivor, duplicate_ids: [twin] },
  });
  if (merged.status !== 200) throw new Error(`seed merge: ${merged.status} ${merged.text}`);
  const mergeId = merged.body.merge_id as string;
  const profile = (
    await t.request('POST', '/api/v1/profiles', { token: a.token, body: { name: 'World profile', permissions: ['crm.deals.read'] } })
  ).body.data.id as number;
  // A chat group of A's principals with a message (document 001): {channelId} under /api/v1/chat/channels/.
  const chatChannel = (
    await t.request('POST', '/api/v1/chat/channels/group', {
      token: a.token,
      body: { name: 'World chat', memberIds: [viewer.userId, user.userId, manager.userId] },
    })
  ).body.data.id as string;
  await t.request('POST', `/api/v1/chat/channels/${chatChannel}/messages`, { token: a.token, body: { content: 'World whisper' } });
  // A team (document 000) owned by A's admin, with a pending invitation: {team_id}, {invite_id};
  // under /v1/teams/ {user_id} is that owner (the last owner: changing or removing them is a 409).
  const team = (await t.request('POST', '/v1/teams', { token: a.token, body: { name: 'World team' } })).body.id as string;
  const teamInvite = (
    await t.request('POST', `/v1/teams/${team}/invite`, { token: a.token, body: { email: 'invitee@world.example', role: 'member' } })
  ).body.id as string;

  // Document 000's reports: an industry with a pre-computed benchmark ({industry}) and a schedule ({report_id}).
  const industryOrg = await t.request('POST', '/api/accounts/', {
    token: a.token,
    body: { name: 'World Industry Org', industry: 'World Industry' },
  });
  if (industryOrg.status !== 201) throw new Error(`seed account: ${industryOrg.status} ${industryOrg.text}`);
  await new RollupRefresher(t.services).refreshTenant(a.tenantId);
  const schedule = (
    await t.request('POST', '/v1/reports/schedules', {
      token: a.token,
      body: { report_type: 'industry_benchmark', industry: 'world-industry', cron: '0 9 * * 1', recipients: ['reports@world.example'] },
    })
  ).body.id as string;

  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: String(a.userId), tid: a.tenantId, role: 'tenant_admin', typ: 'access' as const };
  const principals: Principal[] = [
    { name: 'no credentials', token: undefined, kind: 'anonymous' },
    {
      name: 'forged token',
      token: await signJwt({ ...claims, iat: now, exp: now + 600 }, 'another-secret-that-is-long-enough-000000'),
      kind: 'anonymous',
    },
    {
      name: 'expired token',
      token: await signJwt({ ...claims, iat: now - 7200, exp: now - 3600 }, t.services.jwtSecret),
      kind: 'anonymous',
    },
    { name: 'viewer', token: viewer.token, kind: 'member', role: 'viewer', session: { tenantId: a.tenantId, userId: viewer.userId } },
    { name: 'user', token: user.token, kind: 'member', role: 'user', session: { tenantId: a.tenantId, userId: user.userId } },
    { name: 'manager', token: manager.token, kind: 'member', role: 'manager', session: { tenantId: a.tenantId, userId: manager.userId } },
    { name: 'tenant_admin', token: a.token, kind: 'member', role: 'tenant_admin', session: { tenantId: a.tenantId, userId: a.userId } },
    { name: 'API key (user)', token: userKey, kind: 'member', role: 'user' },
    {
      name: 'tenant_admin on free plan',
      token: free.token,
      kind: 'free',
      role: 'tenant_admin',
      session: { tenantId: free.tenantId, userId: free.userId },
    },
    {
      name: 'tenant_admin of another tenant',
      token: other.token,
      kind: 'other',
      role: 'tenant_admin',
      session: { tenantId: other.tenantId, userId: other.userId },
    },
  ];

  /** Path values by parameter name: every one points at tenant A's records. */
  const pathValues: Record<string, string> = {
    deal_id: deal.id,
    stage_id: stages[1]!.id,
    contact_id: contact.id,
    id: pathKey,
    slug: a.slug,
    token: 'evt_not-a-token-that-was-ever-mailed',
    key: 'general.timezone',
    category: 'general',
    canonicalId: canonical,
    app: 'sales',
    entityType: 'lead',
    entityId: 'world-42',
    linkId: link,
    merge_id: mergeId,
    taskCode: 'invite_teammate',
    team_id: team,
    invite_id: teamInvite,
    industry: 'world-industry',
    report_id: schedule,
    // Document 000's notifications: a rule of every user, and an id no one's notification has (404 once let through).
    rule_type: 'event',
    rule_id: 'sales.lead_assigned',
    notification_id: '00000000-0000-4000-8000-000000000001',
  };
  /** Values that differ by route family, by path prefix: `{id}` is an API key under /api/v1/api-keys, a user here. */
  const pathOverrides: Record<string, Record<string, string>> = {
    '/api/v1/users/': { id: String(target.userId) },
    '/api/v1/profiles/': { id: String(profile) },
    ...Object.fromEntries(['/api/crm/persons/', '/persons/'].map((p) => [p, { id: person }])),
    ...Object.fromEntries(['/api/crm/organizations/', '/organizations/'].map((p) => [p, { id: org }])),
    '/api/accounts/': { id: `acc_${org.replaceAll('-', '')}` },
    '/api/v1/privacy/persons/': { id: erasable },
    '/api/v1/chat/channels/': { channelId: chatChannel },
    // A template's id is its notification's key.
    '/api/v1/notifications/templates/': { key: 'sales.lead_assigned' },
    '/v1/teams/': { user_id: String(a.userId) },
  };
  /** What of tenant A must never appear in another tenant's answer. */
  const secrets = [
    a.tenantId,
    deal.id,
    contact.id,
    stages[0]!.id,
    'World deal',
    'wanda@world.example',
    a.email,
    target.email,
    'World Org',
    'Wim World',
    'Rhea Registry',
    'rhea@world.example',
    'world-42',
    'Ezra Erasable',
    'Mona Merged',
    'Mona Twin',
    mergeId,
    chatChannel,
    'World chat',
    'World whisper',
    'World team',
    'invitee@world.example',
    'World Industry',
    'reports@world.example',
  ];
  return { a, other, free, principals, pathValues, pathOverrides, secrets, deal, stages };
}

export interface Principal {
  name: string;
  token: string | undefined;
  kind: 'anonymous' | 'member' | 'free' | 'other';
  role?: identity.Role;
  /** Whose access token it is (renewSessions logs them in again after a route ended their sessions). */
  session?: { tenantId: string; userId: number };
}

/**
 * Routes under test may end their caller's sessions (logout-all, a password change move the
 * user's session epoch on, and every access token issued before is refused). Before each test, a
 * principal whose session ended gets a token of the current epoch, as a person would log in again.
 */
export async function renewSessions(t: TestApp, world: World): Promise<void> {
  const sessions = world.principals.filter((p) => p.session);
  const { rows } = await inSystem(t.handle.db, (tx) =>
    sql<{ id: number; session_epoch: number }>`select id, session_epoch from users
      where id = any(${sessions.map((p) => p.session!.userId)}::int[])`.execute(tx),
  );
  const epochs = new Map(rows.map((r) => [r.id, Number(r.session_epoch)]));
  for (const p of sessions) {
    const { tenantId, userId } = p.session!;
    const ep = epochs.get(userId) ?? 0;
    if ((renewedAt.get(userId) ?? 0) === ep) continue;
    const now = Math.floor(Date.now() / 1000);
    const token = await signJwt(
      { sub: String(userId), tid: tenantId, role: p.role ?? 'viewer', typ: 'access', iat: now, exp: now + 3600, ep },
      t.services.jwtSecret,
    );
    renewedAt.set(userId, ep);
    p.token = token;
    for (const tenant of [world.a, world.free, world.other]) if (tenant.userId === userId) tenant.token = token;
  }
}
const renewedAt = new Map<number, number>();

/** A route's path with every parameter filled; an unknown parameter name is a missing fixture. */
export function fillPath(route: DeclaredRoute, values: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no fixture for path parameter {${name}} of ${route.path}: add one to seedWorld`);
    return encodeSegment(v);
  });
}

/** The path values for one route: the shared ones, with its family's overrides (see pathOverrides). */
export function pathValuesFor(
  route: DeclaredRoute,
  world: { pathValues: Record<string, string>; pathOverrides: Record<string, Record<string, string>> },
) {
  const overrides = Object.entries(world.pathOverrides)
    .filter(([prefix]) => route.path.startsWith(prefix))
    .map(([, v]) => v);
  return Object.assign({}, world.pathValues, ...overrides) as Record<string, string>;
}

export const permitted = (role: identity.Role, permission: identity.Permission) => identity.permissionsOf(role).includes(permission);

/** Path or query text as a client could send it, lone surrogates included (as the bytes they would be). */
export function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s].map((ch) => (/[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
  }
}

export type World = Awaited<ReturnType<typeof seedWorld>>;

/** A test file's app and seeded world, started before its tests and closed after them. */
export function useWorld(): { t: TestApp; world: World } {
  const ctx = {} as { t: TestApp; world: World; stripe: FakeStripe };
  beforeAll(async () => {
    // Billing's routes reach a Stripe over HTTP (the test one), as they would in production.
    ctx.stripe = await startFakeStripe();
    ctx.t = await startTestApp({ billing: ctx.stripe.config });
    ctx.world = await seedWorld(ctx.t);
  }, 120_000);
  beforeEach(() => renewSessions(ctx.t, ctx.world));
  afterAll(async () => {
    await ctx.t.close();
    await ctx.stripe.close();
  });
  return ctx;
}
