import type { billing, identity } from '@crm/domain';

/** Plans a tenant can buy (free is what it has without paying). */
export const PAID_PLANS = ['starter', 'pro', 'enterprise'] as const satisfies readonly identity.Plan[];
export type PaidPlan = (typeof PAID_PLANS)[number];
export type PriceKey = `${PaidPlan}:${billing.BillingInterval}`;

/**
 * How the server reaches Stripe (STRIPE_* variables). Without it billing is not configured: the
 * status still answers, and checkout, portal, cancel and the webhook answer 503.
 */
export interface BillingConfig {
  /** STRIPE_SECRET_KEY: `sk_live_…`, `sk_test_…` or a restricted `rk_…` key. */
  secretKey: string;
  /** STRIPE_WEBHOOK_SECRET: `whsec_…`, the signing secret of our webhook endpoint; null: the webhook answers 503. */
  webhookSecret: string | null;
  /** The Stripe price of each plan and interval offered (STRIPE_PRICE_PRO_MONTHLY …); a pair left out is not offered. */
  prices: Partial<Record<PriceKey, string>>;
  /** STRIPE_API_BASE: another address for Stripe's API (a local stripe-mock, a proxy); unset: Stripe's own. */
  api?: { host: string; port: number; protocol: 'http' | 'https' };
}

export const priceKey = (plan: PaidPlan, interval: billing.BillingInterval): PriceKey => `${plan}:${interval}`;

/** The plan and interval a Stripe price stands for, by the configured prices; undefined for a price we do not sell. */
export function planOfPrice(config: BillingConfig, priceId: string): { plan: PaidPlan; interval: billing.BillingInterval } | undefined {
  for (const [key, id] of Object.entries(config.prices)) {
    if (id !== priceId) continue;
    const [plan, interval] = key.split(':') as [PaidPlan, billing.BillingInterval];
    return { plan, interval };
  }
  return undefined;
}

/** The plan/interval pairs this server sells, for the status and for refusals. */
export const offered = (config: BillingConfig | undefined): PriceKey[] =>
  config ? (Object.keys(config.prices) as PriceKey[]).filter((k) => config.prices[k]) : [];
