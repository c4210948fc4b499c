import { hkdfSync, randomUUID } from 'node:crypto';
import { inSystem, inTenant, type Tx } from '@crm/db';
import { DomainError, gcmOpen, gcmSeal, identity } from '@crm/domain';
import { sql } from 'kysely';
import type { Services } from '../services.ts';
import { signJwt } from './jwt.ts';
import { tenantSuspended } from './principal.ts';
import { newRefreshToken, sha256 } from './secrets.ts';

/**
 * Two tabs (or a retried request) may present one refresh token at the same moment. For this long
 * after a rotation, presenting the rotated token again answers the very pair it was rotated into;
 * after it, a reuse means the token was copied and revokes the family.
 */
export const REFRESH_GRACE_S = 20;

const signAccess = (services: Services, tenantId: string, user: identity.UsersTable, nowS: number) =>
  signJwt(
    {
      sub: String(user.id),
      tid: tenantId,
      role: user.role,
      typ: 'access',
      iat: nowS,
      exp: nowS + services.accessTokenTtlS,
      ep: user.session_epoch,
    },
    services.jwtSecret,
  );

/** An access token (short, stateless but checked per request) and a refresh token (long, stored hashed, single use). */
export async function issueTokens(services: Services, tenantId: string, user: identity.UsersTable, familyId: string = randomUUID()) {
  const nowS = Math.floor(services.clock.now().getTime() / 1000);
  const accessToken = await signAccess(services, tenantId, user, nowS);
  const refresh = newRefreshToken();
  await inTenant(services.db, tenantId, (tx) => storeRefresh(tx, services, tenantId, user.id, familyId, refresh.hash, nowS));
  return { accessToken, refreshToken: refresh.token, tokenType: 'Bearer', expiresIn: services.accessTokenTtlS };
}

async function storeRefresh(tx: Tx, services: Services, tenantId: string, userId: number, familyId: string, hash: string, nowS: number) {
  const row = {
    tenant_id: tenantId,
    id: randomUUID(),
    user_id: userId,
    family_id: familyId,
    token_hash: hash,
    expires_at: new Date((nowS + services.refreshTokenTtlS) * 1000),
    revoked_at: null,
    replaced_by: null,
    created_at: services.clock.now(),
    grace_until: null,
    grace_pair: null,
  };
  await tx.insertInto('refresh_tokens').values(row).execute();
  return row.id;
}

const refused = () =>
  new DomainError('unauthorized', 'invalid_refresh_token', 'refresh token is invalid, expired or already used; log in again');

// The pair a rotation answered is kept for the grace window, encrypted under a key derived from the
// clear refresh token that was rotated (salted with the server secret). Only the token's SHA-256 is
// stored, so the database alone cannot decrypt it: only someone presenting that token can.
interface GracePair {
  accessToken: string;
  refreshToken: string;
  exp: number;
}
const graceKey = (token: string, secret: string) => Buffer.from(hkdfSync('sha256', token, secret, 'refresh-grace', 32));

// `<iv>.<tag>.<ciphertext>` with no version prefix: the form rows already hold (gcmSeal without one).
const sealPair = (token: string, secret: string, rowId: string, pair: GracePair): string =>
  gcmSeal(graceKey(token, secret), rowId, JSON.stringify(pair));

function openPair(token: string, secret: string, rowId: string, sealed: string): GracePair | null {
  const text = gcmOpen(graceKey(token, secret), rowId, sealed);
  return text === null ? null : (JSON.parse(text) as GracePair);
}

type Outcome = { pair: GracePair } | { refused: DomainError };

/**
 * Rotation with reuse detection: each refresh token works once and is replaced by a new one of the
 * same family. Presenting a used one means it was copied, so the whole family (every device that
 * descends from that login) is revoked, unless it comes within REFRESH_GRACE_S of its rotation
 * while the token it was rotated into is still unused: then it answers that same pair (two tabs).
 * A suspended tenant's tokens are refused (403 tenant_suspended) and left as they are, so they work
 * again after reactivation.
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
  const nowS = Math.floor(now.getTime() / 1000);
  const outcome: Outcome = await inTenant(services.db, row.tenant_id, async (tx) => {
    // Concurrent uses of one token queue here: the first rotates, the next see its result.
    const locked = await sql<{ revoked_at: Date | null; replaced_by: string | null; grace_until: Date | null; grace_pair: string | null }>`
      select revoked_at, replaced_by, grace_until, grace_pair from refresh_tokens where id = ${row.id} for update`.execute(tx);
    const current = locked.rows[0]!;
    const tenant = await identity.getTenant(tx, row.tenant_id);
    if (tenant?.status === 'suspended') return { refused: tenantSuspended() };
    if (current.replaced_by || current.revoked_at) {
      const pair = await graceAnswer(tx, services, token, row.id, current, now);
      if (pair) return { pair };
      await tx
        .updateTable('refresh_tokens')
        .set({ revoked_at: now })
        .where('family_id', '=', row.family_id)
        .where('revoked_at', 'is', null)
        .execute();
      return { refused: refused() };
    }
    if (row.expires_at.getTime() <= now.getTime()) return { refused: refused() };
    const user = await identity.getUser(tx, row.tenant_id, row.user_id);
    if (user?.status !== 'active') return { refused: refused() };
    const next = newRefreshToken();
    const nextId = await storeRefresh(tx, services, row.tenant_id, user.id, row.family_id, next.hash, nowS);
    const pair = {
      accessToken: await signAccess(services, row.tenant_id, user, nowS),
      refreshToken: next.token,
      exp: nowS + services.accessTokenTtlS,
    };
    await tx
      .updateTable('refresh_tokens')
      .set({
        replaced_by: nextId,
        revoked_at: now,
        grace_until: new Date(now.getTime() + REFRESH_GRACE_S * 1000),
        grace_pair: sealPair(token, services.jwtSecret, row.id, pair),
      })
      .where('id', '=', row.id)
      .execute();
    return { pair };
  });
  if ('refused' in outcome) throw outcome.refused;
  const { accessToken, refreshToken, exp } = outcome.pair;
  return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: Math.max(0, exp - nowS) };
}

/**
 * The pair a rotated token was rotated into, if it is presented within the grace window and that
 * pair's refresh token is still live (not used, not revoked by a logout or a password change).
 */
async function graceAnswer(
  tx: Tx,
  services: Services,
  token: string,
  rowId: string,
  current: { replaced_by: string | null; grace_until: Date | null; grace_pair: string | null },
  now: Date,
): Promise<GracePair | null> {
  if (!current.replaced_by || !current.grace_pair || !current.grace_until || current.grace_until.getTime() <= now.getTime()) return null;
  const successor = await tx.selectFrom('refresh_tokens').select(['revoked_at']).where('id', '=', current.replaced_by).executeTakeFirst();
  if (!successor || successor.revoked_at) return null;
  return openPair(token, services.jwtSecret, rowId, current.grace_pair);
}

/** Ends one refresh token's family (this device), or every family of the user (all devices). */
export async function revokeRefresh(services: Services, tenantId: string, userId: number, scope: { token?: string | undefined } | 'all') {
  const now = services.clock.now();
  return inTenant(services.db, tenantId, (tx) => revokeRefreshIn(tx, now, tenantId, userId, scope));
}

/** revokeRefresh in the caller's transaction. */
export async function revokeRefreshIn(tx: Tx, now: Date, tenantId: string, userId: number, scope: { token?: string | undefined } | 'all') {
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
}
