import { inTenant } from '@crm/db';
import { identity } from '@crm/domain';
import type { Services } from './services.ts';

// Plans change rarely and are read on every gated call: a short per-process cache. A change made
// in this process clears it; another process's change shows within the TTL.
const TTL_MS = 5_000;
const cache = new Map<string, { tenant: { plan: string; trial_ends_at: Date | null }; until: number }>();
const watched = new WeakSet<Services['store']>();
/** Bumped by every clear: a lookup that was in flight across one does not store its older answer. */
let generation = 0;

/** A plan change committed in this process (billing's webhook, an operator) is seen at once. */
function watch(store: Services['store']) {
  if (watched.has(store)) return;
  watched.add(store);
  store.onAppended((events) => {
    for (const e of events) if (e.type === 'TenantPlanChanged') forgetPlan(e.tenantId);
  });
}

export async function planOf(services: Services, tenantId: string): Promise<identity.Plan> {
  watch(services.store);
  const now = services.clock.now();
  let hit = cache.get(tenantId);
  if (!hit || hit.until < Date.now()) {
    const asked = generation;
    const tenant = await inTenant(services.db, tenantId, (tx) => identity.getTenant(tx, tenantId));
    hit = { tenant: tenant ?? { plan: 'free', trial_ends_at: null }, until: Date.now() + TTL_MS };
    if (asked === generation) cache.set(tenantId, hit);
  }
  return identity.effectivePlan(hit.tenant, now);
}

export function forgetPlan(tenantId: string): void {
  generation++;
  cache.delete(tenantId);
}
