import { inTenant } from '@crm/db';
import { identity } from '@crm/domain';
import type { Services } from '../services.ts';

// A user's effective permissions are their role's and their active permission profile's. The
// profile is looked up on each authenticated call, so a short per-process cache keyed by (tenant,
// user) keeps it cheap: a profile or user change made in this process clears it; another process's
// change shows within the TTL.
const TTL_MS = 5_000;
const cache = new Map<string, { profileId: number | null; permissions: readonly string[]; until: number }>();

export async function profileGrantOf(
  services: Services,
  tenantId: string,
  userId: number,
): Promise<{ profileId: number | null; permissions: readonly string[] }> {
  const key = `${tenantId}:${userId}`;
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit;
  const row = await inTenant(services.db, tenantId, (tx) =>
    tx
      .selectFrom('users')
      .leftJoin('permission_profiles as p', (j) => j.onRef('p.tenant_id', '=', 'users.tenant_id').onRef('p.id', '=', 'users.profile_id'))
      .select(['users.profile_id', 'p.permissions', 'p.active'])
      .where('users.tenant_id', '=', tenantId)
      .where('users.id', '=', userId)
      .executeTakeFirst(),
  );
  const permissions = row?.active ? (row.permissions ?? []).filter((p) => (identity.PERMISSIONS as readonly string[]).includes(p)) : [];
  const entry = { profileId: row?.profile_id ?? null, permissions, until: Date.now() + TTL_MS };
  if (cache.size > 10_000) cache.clear();
  cache.set(key, entry);
  return entry;
}

/** Forget cached profile grants (after a profile or a user's profile changes in this process). */
export function forgetProfileGrants(): void {
  cache.clear();
}
