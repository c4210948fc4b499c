import { DomainError, type identity } from '@crm/domain';
import type { Services } from '../services.ts';
import { apiKeyCredentialState, effectivePermissions, type UserCredentialState, userCredentialState } from './credential-state.ts';
import { verifyJwt } from './jwt.ts';
import { sha256 } from './secrets.ts';

/** Who is calling, resolved the same way for REST, tRPC and WebSocket. */
export interface Principal {
  kind: 'user' | 'api_key';
  tenantId: string;
  userId: number;
  apiKeyId: string | null;
  /** From the user's current state, not from the token: a role change applies at the next request. */
  role: identity.Role;
  permissions: ReadonlySet<string>;
}

export type Resolved = { principal: Principal | null; error: DomainError | null };

const refused = (error: DomainError): Resolved => ({ principal: null, error });

export const credentialsRevoked = (why: string) => new DomainError('unauthorized', 'credentials_revoked', `${why}; log in again`);
export const tenantSuspended = () =>
  new DomainError('forbidden', 'tenant_suspended', 'this tenant is suspended; contact the operator of this service');

/**
 * Why the user's state refuses a credential now, or null. Checked on every request against the
 * credential state (see credential-state.ts), so a change applies at the next request whatever
 * an access token's expiry says.
 */
function stateProblem(state: UserCredentialState | null, what: 'token' | 'key'): DomainError | null {
  if (!state || state.userStatus === 'erased') return credentialsRevoked('the user of this credential no longer exists');
  if (state.tenantStatus === 'suspended') return tenantSuspended();
  if (state.userStatus !== 'active') return credentialsRevoked(`the user of this ${what === 'key' ? 'API key' : 'token'} is deactivated`);
  return null;
}

export async function resolvePrincipal(services: Services, authorization: string | undefined | null): Promise<Resolved> {
  if (!authorization) return { principal: null, error: null };
  const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!m) return refused(new DomainError('unauthorized', 'invalid_authorization', 'use "Authorization: Bearer <token or cdb_ key>"'));
  const token = m[1]!;
  if (token.startsWith('cdb_')) {
    const state = await apiKeyCredentialState(services, sha256(token));
    if (!state) return refused(new DomainError('unauthorized', 'invalid_api_key', 'API key is unknown or revoked'));
    const problem = stateProblem(state, 'key');
    if (problem) return refused(problem);
    return {
      principal: {
        kind: 'api_key',
        tenantId: state.tenantId,
        userId: state.userId,
        apiKeyId: state.apiKeyId,
        role: state.role,
        permissions: effectivePermissions(state, state.keyBound),
      },
      error: null,
    };
  }
  const claims = await verifyJwt(token, services.jwtSecret, Math.floor(services.clock.now().getTime() / 1000));
  if (!claims) return refused(new DomainError('unauthorized', 'invalid_token', 'access token is invalid or expired'));
  const userId = Number(claims.sub);
  const state = Number.isSafeInteger(userId) ? await userCredentialState(services, claims.tid, userId) : null;
  const problem = stateProblem(state, 'token');
  if (problem) return refused(problem);
  // A password change, a logout-all or a deactivation moved the epoch on: tokens from before are over.
  if (claims.ep !== state!.sessionEpoch) return refused(credentialsRevoked('this session was ended'));
  return {
    principal: {
      kind: 'user',
      tenantId: state!.tenantId,
      userId,
      apiKeyId: null,
      role: state!.role,
      permissions: effectivePermissions(state!),
    },
    error: null,
  };
}
