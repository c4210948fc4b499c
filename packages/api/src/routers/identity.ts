import { randomUUID } from 'node:crypto';
import { inSystem, type Tx } from '@crm/db';
import { access, DomainError, identity, pipeline } from '@crm/domain';
import { sql } from 'kysely';
import { apiKeys as keys, auth, health, slug, tenants, type Tenant, type User } from '../contracts/identity.ts';
import { login } from '../auth/login.ts';
import { hashPassword } from '../auth/passwords.ts';
import { forgetCredentials } from '../auth/credential-state.ts';
import { refresh, revokeRefresh, revokeRefreshIn } from '../auth/refresh.ts';
import { issueEmailVerification } from '../auth/self-service.ts';
import { newApiKey } from '../auth/secrets.ts';
import { type AuthedContext, mutation, publicMutation, publicQuery, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';
import { emailRouter, passwordRouter, preferencesRouter, profileRouter } from './account.ts';
import { healthOfServices } from './health-services.ts';

export const userDto = (u: identity.UsersTable): User => ({
  id: u.id,
  email: u.email,
  firstName: u.first_name,
  lastName: u.last_name,
  role: u.role,
  status: u.status,
  emailVerified: u.email_verified,
  createdAt: u.created_at.toISOString(),
});

export const tenantDto = (t: identity.TenantsTable, now: Date): Tenant => ({
  id: t.id,
  name: t.name,
  slug: t.slug,
  plan: identity.effectivePlan(t, now),
  trialEndsAt: t.trial_ends_at?.toISOString() ?? null,
  status: t.status,
  createdAt: t.created_at.toISOString(),
});

export const tenantsRouter = router({
  register: publicMutation(tenants.register, async ({ ctx, input }) => {
    const tenantId = identity.newTenantId();
    const passwordHash = await hashPassword(input.adminPassword);
    try {
      const out = await runCommand({ ...ctx, tenantId }, async (c) => {
        const registered = await identity.registerTenant(c, {
          tenantId,
          companyName: input.companyName,
          slug: input.slug,
          adminEmail: input.adminEmail,
          adminFirstName: input.adminFirstName,
          adminLastName: input.adminLastName,
          passwordHash,
        });
        await pipeline.stages.seedDefaultStages(c);
        await issueEmailVerification(c.tx, tenantId, { id: registered.userId, email: input.adminEmail }, c.clock.now());
        return {
          tenant: (await identity.getTenant(c.tx, tenantId))!,
          user: (await identity.getUser(c.tx, tenantId, registered.userId))!,
        };
      });
      return { tenant: tenantDto(out.tenant, ctx.services.clock.now()), user: userDto(out.user) };
    } catch (error) {
      // The only unique value a fresh tenant can collide on is its slug.
      if ((error as { code?: string }).code === '23505') {
        throw new DomainError('conflict', 'slug_taken', `the slug "${input.slug}" is already taken`);
      }
      throw error;
    }
  }),

  /** Public, for a login page: name and slug only, nothing a stranger should not see. */
  bySlug: publicQuery(tenants.bySlug, async ({ ctx, input }) => {
    const t = await inSystem(ctx.services.db, (tx) => identity.findTenantBySlug(tx, input.slug));
    if (!t || t.status !== 'active') throw new DomainError('not_found', 'tenant_not_found', `no tenant with slug "${input.slug}"`);
    return { id: t.id, name: t.name, slug: t.slug };
  }),

  checkSlug: publicQuery(tenants.checkSlug, async ({ ctx, input }) => {
    const valid = slug.safeParse(input.slug).success;
    const taken = valid ? Boolean(await inSystem(ctx.services.db, (tx) => identity.findTenantBySlug(tx, input.slug))) : false;
    return { slug: input.slug, valid, available: valid && !taken };
  }),

  me: query(tenants.me, async ({ ctx }) => {
    const t = await runQuery(ctx, (tx) => identity.getTenant(tx, ctx.principal.tenantId));
    if (!t) throw new DomainError('not_found', 'tenant_not_found', 'tenant not found');
    return tenantDto(t, ctx.services.clock.now());
  }),
});

export const authRouter = router({
  password: passwordRouter,
  email: emailRouter,
  profile: profileRouter,
  preferences: preferencesRouter,
  login: publicMutation(auth.login, ({ ctx, input }) => login(ctx.services, { ...input, ip: ctx.clientIp })),

  refresh: publicMutation(auth.refresh, async ({ ctx, input }) => ({
    ...(await refresh(ctx.services, input.refreshToken)),
    tokenType: 'Bearer' as const,
  })),

  /** Ends this device's session: the refresh token given (if any) and its family. */
  logout: mutation(auth.logout, async ({ ctx, input }) => ({
    revokedSessions: await revokeRefresh(ctx.services, ctx.principal.tenantId, ctx.principal.userId, { token: input.refreshToken }),
  })),

  /** Every session ends: the refresh families, and (UserSessionsRevoked moves the session epoch on) every access token. */
  logoutAll: mutation(auth.logoutAll, async ({ ctx }) => ({
    revokedSessions: await runCommand(ctx, async (c) => {
      await identity.recordSessionsRevoked(c, ctx.principal.userId);
      return revokeRefreshIn(c.tx, c.clock.now(), ctx.principal.tenantId, ctx.principal.userId, 'all');
    }),
  })),

  me: query(auth.me, async ({ ctx }) => {
    const { tenantId, userId } = ctx.principal;
    const [user, tenant] = await runQuery(ctx, (tx) =>
      Promise.all([identity.getUser(tx, tenantId, userId), identity.getTenant(tx, tenantId)]),
    );
    if (!user || !tenant) throw new DomainError('unauthorized', 'user_not_found', 'the user of this token no longer exists');
    return {
      ...userDto(user),
      tenantId,
      tenant: tenantDto(tenant, ctx.services.clock.now()),
      permissions: [...ctx.principal.permissions],
      authenticatedWith: ctx.principal.kind,
    };
  }),
});

/**
 * The profile bounding a new key. It must exist and be active; its permissions are intersected with
 * the creator's at every request, so it never widens them. A key made by a bounded key keeps that
 * bound (naming another profile is refused), so a key cannot mint a wider one.
 */
async function keyProfileOf(tx: Tx, ctx: AuthedContext, profileId: number | null): Promise<number | null> {
  const { tenantId, apiKeyId } = ctx.principal;
  const parent = apiKeyId
    ? await tx.selectFrom('api_keys').select('profile_id').where('tenant_id', '=', tenantId).where('id', '=', apiKeyId).executeTakeFirst()
    : undefined;
  const inherited = parent?.profile_id ?? null;
  if (inherited !== null && profileId !== null && profileId !== inherited)
    throw new DomainError(
      'forbidden',
      'profile_exceeds_key',
      'a key bounded by a profile can only create keys bounded by the same profile',
    );
  const chosen = profileId ?? inherited;
  if (chosen === null) return null;
  const profile = await access.getProfile(tx, tenantId, chosen);
  if (!profile) throw new DomainError('not_found', 'profile_not_found', `permission profile ${chosen} not found`);
  if (!profile.active) throw new DomainError('conflict', 'profile_inactive', `permission profile ${chosen} is deactivated`);
  return chosen;
}

export const apiKeysRouter = router({
  create: mutation(keys.create, async ({ ctx, input }) => {
    const { key, prefix, hash } = newApiKey();
    const id = randomUUID();
    const row = await runQuery(ctx, async (tx) => {
      const profileId = await keyProfileOf(tx, ctx, input.profileId ?? null);
      return tx
        .insertInto('api_keys')
        .values({
          tenant_id: ctx.principal.tenantId,
          id,
          user_id: ctx.principal.userId,
          name: input.name,
          prefix,
          key_hash: hash,
          profile_id: profileId,
          created_at: ctx.services.clock.now(),
          last_used_at: null,
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    // The only time the key is shown.
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      key,
      userId: row.user_id,
      profileId: row.profile_id,
      createdAt: row.created_at.toISOString(),
    };
  }),

  list: query(keys.list, async ({ ctx }) => {
    const rows = await runQuery(ctx, (tx) =>
      tx.selectFrom('api_keys').selectAll().where('tenant_id', '=', ctx.principal.tenantId).orderBy('created_at', 'desc').execute(),
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      userId: r.user_id,
      profileId: r.profile_id,
      createdAt: r.created_at.toISOString(),
      revokedAt: r.revoked_at?.toISOString() ?? null,
    }));
  }),

  revoke: mutation(keys.revoke, async ({ ctx, input }) => {
    const res = await runQuery(ctx, (tx) =>
      tx
        .updateTable('api_keys')
        .set({ revoked_at: ctx.services.clock.now() })
        .where('tenant_id', '=', ctx.principal.tenantId)
        .where('id', '=', input.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),
    );
    if (Number(res.numUpdatedRows) === 0) throw new DomainError('not_found', 'api_key_not_found', `API key ${input.id} not found`);
    forgetCredentials();
    return { id: input.id, revoked: true as const };
  }),
});

export const healthRouter = router({
  check: publicQuery(health.check, async ({ ctx }) => {
    const started = performance.now();
    let database: 'ok' | 'error' = 'ok';
    try {
      await sql`select 1`.execute(ctx.services.db);
    } catch {
      database = 'error';
    }
    return {
      status: database === 'ok' ? ('ok' as const) : ('degraded' as const),
      database,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
      timestamp: ctx.services.clock.now().toISOString(),
    };
  }),

  system: publicQuery(health.system, async ({ ctx }) => {
    const { services } = ctx;
    const started = performance.now();
    let db: { status: 'ok' | 'error'; latencyMs: number; version?: string } = { status: 'error', latencyMs: 0 };
    try {
      const { rows } = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(services.db);
      db = { status: 'ok', latencyMs: Math.round((performance.now() - started) * 100) / 100, version: rows[0]!.v };
    } catch {
      db.latencyMs = Math.round((performance.now() - started) * 100) / 100;
    }
    const mem = process.memoryUsage();
    return {
      status: db.status === 'ok' ? ('ok' as const) : ('degraded' as const),
      version: services.version,
      uptimeSeconds: Math.round((Date.now() - services.startedAt.getTime()) / 1000),
      services: { database: { ...db, kind: services.dbKind === 'pg' ? 'postgresql' : 'pglite (embedded)' } },
      process: { node: process.version, rssMb: Math.round(mem.rss / 1048576), heapUsedMb: Math.round(mem.heapUsed / 1048576) },
      timestamp: services.clock.now().toISOString(),
    };
  }),

  services: query(health.services, ({ ctx }) => healthOfServices(ctx)),
});
