import { randomUUID } from 'node:crypto';
import { inSystem, inTenant, type Tx } from '@crm/db';
import { DomainError, identity } from '@crm/domain';
import { sql } from 'kysely';
import type { Services } from '../services.ts';
import { signJwt } from './jwt.ts';
import { newRefreshToken, sha256 } from './secrets.ts';

/** An access token (short, stateless) and a refresh token (long, stored hashed, single use). */
export async function issueTokens(services: Services, tenantId: string, user: identity.UsersTable, familyId: string = randomUUID()) {
  const nowS = Math.floor(services.clock.now().getTime() / 1000);
  const accessToken = await signJwt(
    { sub: String(user.id), tid: tenantId, role: user.role, typ: 'access', iat: nowS, exp: nowS + services.accessTokenTtlS },
    services.jwtSecret,
  );
  const refresh = newRefreshToken();
  await inTenant(services.db, tenantId, (tx) => storeRefresh(tx, services, tenantId, user.id, familyId, refresh.hash, nowS));
  return { accessToken, refreshToken: refresh.token, tokenType: 'Bearer', expiresIn: services.accessTokenTtlS };
}

async function storeRefresh(tx: Tx, services: Services, tenantId: string, userId: number, familyId: string, hash: string, nowS: number) {
  const id = randomUUID();
  await tx
    .insertInto('refresh_tokens')
    .values({
      tenant_id: tenantId,
      id,
      user_id: userId,
      family_id: familyId,
      token_hash: hash,
      expires_at: new Date((nowS + services.refreshTokenTtlS) * 1000),
      revoked_at: null,
      replaced_by: null,
      created_at: services.clock.now(),
    })
    .execute();
  return id;
}

const refused = () =>
  new DomainError('unauthorized', 'invalid_refresh_token', 'refresh token is invalid, expired or already used; log in again');

/**
 * Rotation with reuse detection: each refresh token works once and is replaced by a new one of the
 * same family. Presenting a used one means it was copied, so the whole family (every device that
 * descends from that login) is revoked.
 */
export async function refresh(services: Services, token: string) {
  const hash = sha256(token);
  // The token names its tenant only through its row: looked up with the system role, then all
  // work happens in that tenant.
  const row = await inSystem(services.db, (tx) =>
    tx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst(),
  );
  if (!row) throw refused();
  const now = services.clock.now();
  const outcome = await inTenant(services.db, row.tenant_id, async (tx) => {
    const locked = await sql<{ revoked_at: Date | null; replaced_by: string | null }>`select revoked_at, replaced_by
      from refresh_tokens where id = ${row.id} for update`.execute(tx);
    const current = locked.rows[0]!;
    if (current.replaced_by || current.revoked_at) {
      await tx
        .updateTable('refresh_tokens')
        .set({ revoked_at: now })
        .where('family_id', '=', row.family_id)
        .where('revoked_at', 'is', null)
        .execute();
      return { reused: true as const };
    }
    if (row.expires_at.getTime() <= now.getTime()) return { expired: true as const };
    const user = await identity.getUser(tx, row.tenant_id, row.user_id);
    if (!user || user.status !== 'active') return { gone: true as const };
    const next = newRefreshToken();
    const nextId = await storeRefresh(tx, services, row.tenant_id, user.id, row.family_id, next.hash, Math.floor(now.getTime() / 1000));
    await tx.updateTable('refresh_tokens').set({ replaced_by: nextId, revoked_at: now }).where('id', '=', row.id).execute();
    return { user, next };
  });
  if (!('user' in outcome) || !outcome.user || !outcome.next) throw refused();
  const nowS = Math.floor(now.getTime() / 1000);
  const accessToken = await signJwt(
    {
      sub: String(outcome.user.id),
      tid: row.tenant_id,
      role: outcome.user.role,
      typ: 'access',
      iat: nowS,
      exp: nowS + services.accessTokenTtlS,
    },
    services.jwtSecret,
  );
  return { accessToken, refreshToken: outcome.next.token, tokenType: 'Bearer', expiresIn: services.accessTokenTtlS };
}

/** Ends one refresh token's family (this device), or every family of the user (all devices). */
export async function revokeRefresh(services: Services, tenantId: string, userId: number, scope: { token?: string | undefined } | 'all') {
  const now = services.clock.now();
  return inTenant(services.db, tenantId, async (tx) => {
    let q = tx
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (scope !== 'all') {
      if (!scope.token) return 0;
      const row = await tx
        .selectFrom('refresh_tokens')
        .select('family_id')
        .where('token_hash', '=', sha256(scope.token))
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) return 0;
      q = q.where('family_id', '=', row.family_id);
    }
    return Number((await q.executeTakeFirst()).numUpdatedRows);
  });
}
