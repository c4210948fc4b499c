import type { Plan } from '../identity/plans.ts';
import { DomainError } from '../shared/errors.ts';
import { type BillingEvent, type BillingInterval, billingEvent } from './events.ts';

// Billing's decisions, pure: the tenant's billing as recorded and what Stripe or the caller says,
// to the events that record it (or a refusal), and the plan the tenant should be on after them.
// Talking to Stripe and to the database is the commands' and the API's work.

/** Stripe statuses in which the subscription's plan is the tenant's (past_due: Stripe is still retrying the payment). */
export const LIVE_STATUSES: readonly string[] = ['active', 'trialing', 'past_due'];
/** Statuses in which the subscription no longer pays for its plan. (`incomplete`: the first payment is pending; nothing changes yet.) */
export const LAPSED_STATUSES: readonly string[] = ['canceled', 'incomplete_expired', 'unpaid', 'paused'];
const ENDED_STATUSES: readonly string[] = ['canceled', 'incomplete_expired'];

export const isLive = (status: string | null | undefined) => status != null && LIVE_STATUSES.includes(status);

/** The subscription as Stripe describes it, in the fields billing keeps (its events' own). */
export interface SubscriptionSnapshot {
  subscription_id: string;
  plan: Plan;
  interval: BillingInterval;
  status: string;
  /** ISO 8601, or null when Stripe gave none. */
  current_period_end: string | null;
  cancel_at_period_end: boolean;
}

export interface SubscriptionState extends SubscriptionSnapshot {
  /** When the Stripe event last applied was created (ISO 8601); null when only our API changed it. */
  last_event_at: string | null;
}

export interface BillingState {
  customerId: string | null;
  subscription: SubscriptionState | null;
}

export const emptyBilling: BillingState = { customerId: null, subscription: null };

/** The tenant's plan as identity records it: the stored plan, and whether a trial is running. */
export interface TenantPlan {
  plan: Plan;
  onTrial: boolean;
}

/**
 * Where a change comes from: a Stripe event (its id and when Stripe created it), or a reading of
 * Stripe's state by the reconciliation (no event id, and the time of the reading); null when it is
 * our own API's answer.
 */
export interface StripeOrigin {
  eventId: string | null;
  /** ISO 8601. */
  eventAt: string;
}

/** The tenant's Stripe customer: attached once, then reused. */
export function attachCustomer(state: BillingState, customerId: string): BillingEvent[] {
  return state.customerId ? [] : [billingEvent('BillingCustomerAttached', { customer_id: customerId })];
}

/** A checkout is for a plan the tenant does not already pay for (or hold), and never a second subscription. */
export function refuseCheckout(state: BillingState, tenant: TenantPlan, plan: Plan): void {
  const sub = state.subscription;
  if (sub && isLive(sub.status)) {
    if (sub.plan === plan) {
      throw new DomainError('conflict', 'plan_already_active', `the tenant already subscribes to the ${plan} plan`, { plan });
    }
    throw new DomainError(
      'conflict',
      'subscription_exists',
      `the tenant already subscribes to the ${sub.plan} plan; change plans in the billing portal`,
      { plan: sub.plan },
    );
  }
  if (tenant.plan === plan && !tenant.onTrial) {
    throw new DomainError('conflict', 'plan_already_active', `the tenant is already on the ${plan} plan`, { plan });
  }
}

const fieldsOf = (s: SubscriptionSnapshot, origin: StripeOrigin | null) => ({
  ...s,
  stripe_event_id: origin?.eventId ?? null,
  stripe_event_at: origin?.eventAt ?? null,
});

const sameSnapshot = (a: SubscriptionSnapshot, b: SubscriptionSnapshot) =>
  a.plan === b.plan &&
  a.interval === b.interval &&
  a.status === b.status &&
  a.current_period_end === b.current_period_end &&
  a.cancel_at_period_end === b.cancel_at_period_end;

/**
 * The subscription as Stripe now shows it, recorded. Stripe may deliver events out of order: one
 * created before the last applied changes nothing, whichever subscription it is about (a late
 * event of an older subscription must not replace the one on record). An end of a subscription
 * billing never knew, or knew ended, changes nothing either.
 */
export function syncSubscription(state: BillingState, snap: SubscriptionSnapshot, origin: StripeOrigin | null): BillingEvent[] {
  const last = state.subscription?.last_event_at;
  if (origin && last && Date.parse(origin.eventAt) < Date.parse(last)) return [];
  const known = state.subscription?.subscription_id === snap.subscription_id ? state.subscription : null;
  if (ENDED_STATUSES.includes(snap.status)) {
    if (!known || ENDED_STATUSES.includes(known.status)) return [];
    return [
      billingEvent('SubscriptionCancelled', {
        subscription_id: snap.subscription_id,
        stripe_event_id: origin?.eventId ?? null,
        stripe_event_at: origin?.eventAt ?? null,
      }),
    ];
  }
  if (!known) return [billingEvent('SubscriptionStarted', fieldsOf(snap, origin))];
  if (sameSnapshot(known, snap)) return [];
  return [billingEvent('SubscriptionChanged', fieldsOf(snap, origin))];
}

/** Cancelling needs a live subscription; one already set to end at its period's end needs nothing more (false). */
export function requestCancel(state: BillingState): boolean {
  const sub = state.subscription;
  if (!sub || !isLive(sub.status)) throw new DomainError('conflict', 'no_subscription', 'the tenant has no active subscription to cancel');
  return !sub.cancel_at_period_end;
}

/** The billing portal is for a tenant Stripe knows: one with a customer. */
export function requireCustomer(state: BillingState): string {
  if (!state.customerId) {
    throw new DomainError('conflict', 'no_billing_customer', 'the tenant has no billing account yet; start with a checkout');
  }
  return state.customerId;
}

/** The state after events: what the commands decide the plan from. */
export function applyBilling(state: BillingState, events: readonly BillingEvent[]): BillingState {
  let s = state;
  for (const e of events) {
    if (e.type === 'BillingCustomerAttached') s = { ...s, customerId: e.data.customer_id };
    else if (e.type === 'SubscriptionCancelled') s = s.subscription ? { ...s, subscription: { ...s.subscription, status: 'canceled' } } : s;
    else {
      const { stripe_event_id: _, stripe_event_at, ...snap } = e.data;
      s = {
        ...s,
        subscription: { ...snap, plan: snap.plan as Plan, last_event_at: stripe_event_at ?? s.subscription?.last_event_at ?? null },
      };
    }
  }
  return s;
}

/**
 * The plan the tenant should move to after billing changed, or null for none. A live subscription
 * gives its plan (and ends a trial). A lapsed one takes the tenant back to free, but only from the
 * plan it paid for: a plan an operator set, or a running trial, is left alone.
 */
export function planAfter(state: BillingState, tenant: TenantPlan): Plan | null {
  const sub = state.subscription;
  if (!sub) return null;
  if (isLive(sub.status)) return tenant.plan !== sub.plan || tenant.onTrial ? sub.plan : null;
  if (LAPSED_STATUSES.includes(sub.status) && !tenant.onTrial && tenant.plan === sub.plan && tenant.plan !== 'free') return 'free';
  return null;
}
