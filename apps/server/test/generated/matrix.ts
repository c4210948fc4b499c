import type { identity } from '@crm/domain';
import type { DeclaredRoute } from '@crm/rest';
import type { Principal } from './fixtures.ts';

export interface Expected {
  /** The refusal this caller must get; undefined when the caller is let through. */
  status?: 401 | 402 | 403;
  code?: string;
}

/**
 * The status a caller must get from a route, from its declaration alone: 401 without valid
 * credentials, 403 for a role without the permission, 402 for a plan below the route's. A route
 * that declares neither public access nor a permission has no expected answer: it fails here.
 */
export function expectedAccess(
  route: DeclaredRoute,
  who: Principal,
  permitted: (role: identity.Role, permission: identity.Permission) => boolean,
): Expected {
  const access = route.contract.access;
  if (access.public === true) return {};
  if (typeof access.permission !== 'string' || access.permission.length === 0) {
    throw new Error(`${route.method.toUpperCase()} ${route.path} declares no permission`);
  }
  if (who.kind === 'anonymous') return { status: 401, code: who.name === 'no credentials' ? 'authentication_required' : 'invalid_token' };
  if (!permitted(who.role!, access.permission)) return { status: 403, code: 'permission_denied' };
  if (who.kind === 'free' && access.plan && access.plan !== 'free') return { status: 402, code: 'plan_upgrade_required' };
  return {};
}
