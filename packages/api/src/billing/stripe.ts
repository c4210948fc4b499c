import { type billing, DomainError } from '@crm/domain';
import type Stripe from 'stripe';
import type { Services } from '../services.ts';
import { type BillingConfig, planOfPrice } from './config.ts';

// The one Stripe client per configuration, and the translations between Stripe's objects and
// billing's. Stripe is always called outside any database transaction.

const clients = new WeakMap<BillingConfig, Stripe>();

/** The SDK, loaded on first use: it weighs about 16 MB in memory, which a server without billing never pays. */
let sdk: Promise<typeof Stripe> | undefined;
const loadSdk = () => (sdk ??= import('stripe').then((m) => m.default));

export const notConfigured = () =>
  new DomainError('unavailable', 'billing_not_configured', 'billing is not configured on this server (STRIPE_SECRET_KEY is not set)');

/** The billing configuration, or a 503 saying billing is not set up. */
export function billingConfig(services: Services): BillingConfig {
  if (!services.billing) throw notConfigured();
  return services.billing;
}

export async function stripeOf(config: BillingConfig): Promise<Stripe> {
  let client = clients.get(config);
  if (!client) {
    const StripeSdk = await loadSdk();
    client = new StripeSdk(config.secretKey, {
      maxNetworkRetries: 2,
      timeout: 20_000,
      telemetry: false,
      appInfo: { name: 'crm-billing' },
      ...(config.api ?? {}),
    });
    clients.set(config, client);
  }
  return client;
}

/**
 * Calls Stripe; a failure is a 502 naming Stripe's own code, never a 500. (Stripe's message may
 * name our account's objects, not the caller's secrets; its request id helps support.)
 */
export async function callStripe<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof (await loadSdk()).errors.StripeError) {
      throw new DomainError('bad_gateway', 'billing_provider_error', `Stripe refused to ${what}: ${error.message}`, {
        stripeCode: error.code ?? error.type,
        stripeRequestId: error.requestId ?? null,
      });
    }
    throw error;
  }
}

const idOf = (ref: string | { id: string } | null | undefined) => (typeof ref === 'string' ? ref : (ref?.id ?? null));
const isoOf = (seconds: number | null | undefined) => (typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : null);

/** The customer a Stripe object names, if any. */
export const customerOf = (o: { customer?: string | { id: string } | null }) => idOf(o.customer);

/**
 * A Stripe subscription as billing records it; undefined when its price is none we sell (another
 * product on the same Stripe account), which billing leaves alone.
 */
export function snapshotOf(config: BillingConfig, sub: Stripe.Subscription): billing.SubscriptionSnapshot | undefined {
  const item = sub.items?.data?.[0];
  const priced = item?.price?.id ? planOfPrice(config, item.price.id) : undefined;
  if (!priced) return undefined;
  return {
    subscription_id: sub.id,
    plan: priced.plan,
    interval: priced.interval,
    status: sub.status,
    current_period_end: isoOf(item?.current_period_end),
    cancel_at_period_end: sub.cancel_at_period_end === true || typeof sub.cancel_at === 'number',
  };
}

export { idOf as stripeId, isoOf as stripeTime };
