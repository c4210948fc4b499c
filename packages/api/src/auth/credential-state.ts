import { inSystem, inTenant } from '@crm/db';
import { identity } from '@crm/domain';
import type { EventStore } from '@crm/eventstore';
import { sql } from 'kysely';
import type { Services } from '../services.ts';

/*
 * What every authenticated request checks, in ONE lookup: the user's role, status and session
 * epoch, their tenant's status and their active permission profile's permissions (and, for an API
 * key, the key itself and the profile bounding it). All of it lives in read models that events
 * change (users, tenants, permission_profiles) or in the api_keys row.
 *
 * The answer is cached per process for CACHE_TTL_MS. Effect of a change:
 * - in this process, at once: a commit that appended an event which changes credentials clears the
 *   cache (EventStore.onAppended runs after the commit), and non-event changes (a key revoked)
 *   call forgetCredentials(). A lookup that was in flight while the cache was cleared does not store
 *   its answer (the generation moved on), so a pre-commit answer is never kept.
 * - in another process (a second server, the CLI): within CACHE_TTL_MS.
 */

/** How long another process's change may go unseen. */
export const CACHE_TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;

/** Events after whose commit cached credentials may be wrong. */
const CREDENTIAL_EVENTS = new Set<string>([
  'TenantSuspended',
  'TenantReactivated',
  'UserUpdated',
  'UserDeactivated',
  'UserActivated',
  'UserErased',
  'UserInvitationAccepted',
  'UserInvitationResent',
  'UserPasswordChanged',
  'UserSessionsRevoked',
  'PermissionProfileUpdated',
  'PermissionProfileDeactivated',
  'PermissionProfileActivated',
]);

export interface UserCredentialState {
  tenantId: string;
  userId: number;
  role: identity.Role;
  /** 'active', 'invited', 'inactive' or 'erased'. */
  userStatus: string;
  sessionEpoch: number;
  /** 'active' or 'suspended'. */
  tenantStatus: string;
  profileId: number | null;
  /** The assigned profile's permissions if it is active, else none. */
  profilePermissions: readonly string[];
}

export interface ApiKeyCredentialState extends UserCredentialState {
  apiKeyId: string;
  keyProfileId: number | null;
  /** null: the key is not bounded; else the bounding profile's permissions (none when it is inactive or gone). */
  keyBound: readonly string[] | null;
}

let generation = 0;
const cache = new Map<string, { value: unknown; until: number }>();
const watched = new WeakSet<EventStore>();

/** Forgets every cached credential (a change made in this process without an event, or tests). */
export function forgetCredentials(): void {
  generation++;
  cache.clear();
}

function watch(store: EventStore) {
  if (watched.has(store)) return;
  watched.add(store);
  store.onAppended((events) => {
    if (events.some((e) => CREDENTIAL_EVENTS.has(e.type))) forgetCredentials();
  });
}

async function cached<T>(services: Services, key: string, load: () => Promise<T>): Promise<T> {
  watch(services.store);
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.value as T;
  const started = generation;
  const value = await load();
  if (started === generation) {
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, { value, until: now + CACHE_TTL_MS });
  }
  return value;
}

const knownPermissions = (raw: unknown): string[] =>
  Array.isArray(raw)
    ? raw.filter((p): p is string => typeof p === 'string' && (identity.PERMISSIONS as readonly string[]).includes(p))
    : [];

interface Row {
  tenant_id: string;
  user_id: number;
  role: string;
  user_status: string;
  session_epoch: number;
  tenant_status: string;
  profile_id: number | null;
  profile_permissions: unknown;
}

const toState = (r: Row): UserCredentialState => ({
  tenantId: r.tenant_id,
  userId: r.user_id,
  role: identity.isRole(r.role) ? r.role : 'viewer',
  userStatus: r.user_status,
  sessionEpoch: Number(r.session_epoch),
  tenantStatus: r.tenant_status,
  profileId: r.profile_id,
  profilePermissions: knownPermissions(r.profile_permissions),
});

/** The credential state of a token's user; null when the tenant has no such user. */
export function userCredentialState(services: Services, tenantId: string, userId: number): Promise<UserCredentialState | null> {
  return cached(services, `u:${tenantId}:${userId}`, async () => {
    const { rows } = await inTenant(services.db, tenantId, (tx) =>
      sql<Row>`select u.tenant_id, u.id as user_id, u.role, u.status as user_status, u.session_epoch,
          t.status as tenant_status, u.profile_id, case when p.active then p.permissions end as profile_permissions
        from users u
        join tenants t on t.id = u.tenant_id
        left join permission_profiles p on p.tenant_id = u.tenant_id and p.id = u.profile_id
        where u.tenant_id = ${tenantId} and u.id = ${userId}`.execute(tx),
    );
    return rows[0] ? toState(rows[0]) : null;
  });
}

/** The credential state of an API key (by its SHA-256); null when no live key has that hash. */
export function apiKeyCredentialState(services: Services, keyHash: string): Promise<ApiKeyCredentialState | null> {
  return cached(services, `k:${keyHash}`, async () => {
    // Keys are looked up before the tenant is known, hence the system role; the row names the tenant.
    const { rows } = await inSystem(services.db, (tx) =>
      sql<Row & { api_key_id: string; key_profile_id: number | null; key_profile_permissions: unknown }>`
        select k.id as api_key_id, k.profile_id as key_profile_id,
            case when kp.active then kp.permissions else '[]'::jsonb end as key_profile_permissions,
            u.tenant_id, u.id as user_id, u.role, u.status as user_status, u.session_epoch,
            t.status as tenant_status, u.profile_id, case when p.active then p.permissions end as profile_permissions
          from api_keys k
          join users u on u.tenant_id = k.tenant_id and u.id = k.user_id
          join tenants t on t.id = k.tenant_id
          left join permission_profiles p on p.tenant_id = u.tenant_id and p.id = u.profile_id
          left join permission_profiles kp on kp.tenant_id = k.tenant_id and kp.id = k.profile_id
          where k.key_hash = ${keyHash} and k.revoked_at is null`.execute(tx),
    );
    const r = rows[0];
    if (!r) return null;
    return {
      ...toState(r),
      apiKeyId: r.api_key_id,
      keyProfileId: r.key_profile_id,
      keyBound: r.key_profile_id === null ? null : knownPermissions(r.key_profile_permissions),
    };
  });
}

/**
 * What a credential may do: its role's permissions and its active profile's; for a key bounded by
 * a profile, only those of them the profile also holds (so a key never exceeds its creator).
 */
export function effectivePermissions(state: UserCredentialState, keyBound: readonly string[] | null = null): Set<string> {
  const own = new Set([...identity.permissionsOf(state.role), ...state.profilePermissions]);
  if (keyBound === null) return own;
  const bound = new Set(keyBound);
  return new Set([...own].filter((p) => bound.has(p)));
}
