import { inSystem } from '@crm/db';
import { DomainError, identity } from '@crm/domain';
import type { Services } from '../services.ts';
import { verifyJwt } from './jwt.ts';
import { profileGrantOf } from './profile-permissions.ts';
import { sha256 } from './secrets.ts';

/** Who is calling, resolved the same way for REST, tRPC and WebSocket. */
export interface Principal {
  kind: 'user' | 'api_key';
  tenantId: string;
  userId: number;
  apiKeyId: string | null;
  role: identity.Role;
  permissions: ReadonlySet<string>;
}

const API_KEY_TTL_MS = 5_000;
const apiKeyCache = new Map<string, { principal: Principal | null; until: number }>();

/** Forget cached key lookups (after a revoke in this process; other processes wait out the TTL). */
export function forgetApiKeys(): void {
  apiKeyCache.clear();
}

export type Resolved = { principal: Principal | null; error: DomainError | null };

export async function resolvePrincipal(services: Services, authorization: string | undefined | null): Promise<Resolved> {
  if (!authorization) return { principal: null, error: null };
  const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!m)
    return {
      principal: null,
      error: new DomainError('unauthorized', 'invalid_authorization', 'use "Authorization: Bearer <token or cdb_ key>"'),
    };
  const token = m[1]!;
  if (token.startsWith('cdb_')) {
    const principal = await apiKeyPrincipal(services, token);
    return principal
      ? { principal, error: null }
      : { principal: null, error: new DomainError('unauthorized', 'invalid_api_key', 'API key is unknown or revoked') };
  }
  const claims = await verifyJwt(token, services.jwtSecret, Math.floor(services.clock.now().getTime() / 1000));
  if (!claims) return { principal: null, error: new DomainError('unauthorized', 'invalid_token', 'access token is invalid or expired') };
  const profile = await profileGrantOf(services, claims.tid, Number(claims.sub));
  return {
    principal: {
      kind: 'user',
      tenantId: claims.tid,
      userId: Number(claims.sub),
      apiKeyId: null,
      role: identity.isRole(claims.role) ? claims.role : 'viewer',
      permissions: new Set([...identity.permissionsOf(claims.role), ...profile.permissions]),
    },
    error: null,
  };
}

async function apiKeyPrincipal(services: Services, key: string): Promise<Principal | null> {
  const hash = sha256(key);
  const now = Date.now();
  const hit = apiKeyCache.get(hash);
  if (hit && hit.until > now) return hit.principal;
  // Keys are looked up before the tenant is known, hence the system role; the row then names the tenant.
  const row = await inSystem(services.db, (tx) =>
    tx
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .select(['api_keys.id', 'api_keys.tenant_id', 'api_keys.user_id', 'users.role', 'users.status'])
      .where('api_keys.key_hash', '=', hash)
      .where('api_keys.revoked_at', 'is', null)
      .executeTakeFirst(),
  );
  const profile = row && row.status === 'active' ? await profileGrantOf(services, row.tenant_id, row.user_id) : null;
  const principal: Principal | null =
    row && row.status === 'active'
      ? {
          kind: 'api_key',
          tenantId: row.tenant_id,
          userId: row.user_id,
          apiKeyId: row.id,
          role: identity.isRole(row.role) ? row.role : 'viewer',
          permissions: new Set([...identity.permissionsOf(row.role), ...(profile?.permissions ?? [])]),
        }
      : null;
  if (apiKeyCache.size > 10_000) apiKeyCache.clear();
  apiKeyCache.set(hash, { principal, until: now + API_KEY_TTL_MS });
  return principal;
}
