import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';

// Billing (document 001): one stream per tenant, `billing/<tenant id>`, recording its Stripe
// customer and its subscription as Stripe reports it. Ids of Stripe objects are references, not
// secrets; no key, card or address is ever in these events. Events a Stripe webhook caused name
// the Stripe event (`stripe_event_id`, `stripe_event_at`); those our own API caused have null there.

export const BILLING_INTERVALS = ['monthly', 'yearly'] as const;
export type BillingInterval = (typeof BILLING_INTERVALS)[number];

/** The subscription as Stripe describes it, in the fields billing keeps. */
const subscriptionFields = {
  subscription_id: z.string(),
  plan: z.string(),
  interval: z.enum(BILLING_INTERVALS),
  /** Stripe's status: active, trialing, past_due, unpaid, canceled, incomplete, incomplete_expired, paused. */
  status: z.string(),
  current_period_end: z.string().nullable(),
  cancel_at_period_end: z.boolean(),
  stripe_event_id: z.string().nullable(),
  stripe_event_at: z.string().nullable(),
};

/** The tenant's Stripe customer, created on its first checkout and kept. */
export const BillingCustomerAttached = z.object({ customer_id: z.string() });
/** A subscription the tenant did not have before (its first, or one after an ended one). */
export const SubscriptionStarted = z.object(subscriptionFields);
/** The subscription changed: plan, interval, status, period, or a cancellation scheduled or withdrawn. */
export const SubscriptionChanged = z.object(subscriptionFields);
/** The subscription ended (Stripe deleted it). */
export const SubscriptionCancelled = z.object({
  subscription_id: z.string(),
  stripe_event_id: z.string().nullable(),
  stripe_event_at: z.string().nullable(),
});

export const {
  schemas: billingEventSchemas,
  types: BillingEvent,
  event: billingEvent,
  is: isBillingEvent,
} = defineEvents({ BillingCustomerAttached, SubscriptionStarted, SubscriptionChanged, SubscriptionCancelled });

export type BillingEvent = NewEventOf<typeof billingEventSchemas>;
export type StoredBillingEvent = StoredEventOf<typeof billingEventSchemas>;

export const billingStream = (tenantId: string) => ({ type: 'billing', id: tenantId });
