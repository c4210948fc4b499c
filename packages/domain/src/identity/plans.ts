/** Plan tiers, lowest first. "Pro+" in the documents means pro or above. */
export const PLANS = ['free', 'starter', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export const TRIAL_DAYS = 14;

export function isPlan(p: string): p is Plan {
  return (PLANS as readonly string[]).includes(p);
}

/** A trial that has run out leaves the tenant on free until a plan is set. */
export function effectivePlan(tenant: { plan: string; trial_ends_at: Date | string | null }, now: Date): Plan {
  const plan = isPlan(tenant.plan) ? tenant.plan : 'free';
  if (tenant.trial_ends_at && new Date(tenant.trial_ends_at).getTime() <= now.getTime()) return 'free';
  return plan;
}

export function planAtLeast(plan: Plan, needed: Plan): boolean {
  return PLANS.indexOf(plan) >= PLANS.indexOf(needed);
}
