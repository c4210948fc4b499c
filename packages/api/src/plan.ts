import { inTenant } from '@crm/db';
import { identity } from '@crm/domain';
import type { Services } from './services.ts';

// Plans change rarely and are read on every gated call: a short per-process cache. A change made
// in this process clears it; another process's change shows within the TTL.
const TTL_MS = 5_000;
const cache = new Map<string, { tenant: { plan: string; trial_ends_at: Date | null }; until: number }>();

export async function planOf(services: Services, tenantId: string): Promise<identity.Plan> {
  const now = services.clock.now();
  let hit = cache.get(tenantId);
  if (!hit || hit.until < Date.now()) {
    const tenant = await inTenant(services.db, tenantId, (tx) => identity.getTenant(tx, tenantId));
    hit = { tenant: tenant ?? { plan: 'free', trial_ends_at: null }, until: Date.now() + TTL_MS };
    cache.set(tenantId, hit);
  }
  return identity.effectivePlan(hit.tenant, now);
}

export function forgetPlan(tenantId: string): void {
  cache.delete(tenantId);
}
