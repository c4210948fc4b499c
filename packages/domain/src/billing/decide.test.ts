import { describe, expect, it } from 'vitest';
import { refusalKind } from '../shared/refusal.ts';
import {
  applyBilling,
  attachCustomer,
  type BillingState,
  emptyBilling,
  planAfter,
  refuseCheckout,
  requestCancel,
  requireCustomer,
  type SubscriptionSnapshot,
  syncSubscription,
} from './decide.ts';

// Given the tenant's billing as recorded, when Stripe or the caller says something, then these
// events (or this refusal), and this plan for the tenant.

const snap = (extra: Partial<SubscriptionSnapshot> = {}): SubscriptionSnapshot => ({
  subscription_id: 'sub_1',
  plan: 'pro',
  interval: 'monthly',
  status: 'active',
  current_period_end: '2027-01-02T00:00:00.000Z',
  cancel_at_period_end: false,
  ...extra,
});
const origin = (eventId: string, eventAt = '2026-12-02T10:00:00.000Z') => ({ eventId, eventAt });
const subscribed = (extra: Partial<SubscriptionSnapshot> = {}, lastEventAt: string | null = '2026-12-02T10:00:00.000Z'): BillingState => ({
  customerId: 'cus_1',
  subscription: { ...snap(extra), last_event_at: lastEventAt },
});
/** What a subscription event records: the snapshot and the Stripe event it came from. */
const recorded = (s: SubscriptionSnapshot, o: { eventId: string; eventAt: string }) => ({
  ...s,
  stripe_event_id: o.eventId,
  stripe_event_at: o.eventAt,
});

describe('billing decisions', () => {
  it('attaches a customer once, then keeps it', () => {
    expect(attachCustomer(emptyBilling, 'cus_1')).toEqual([{ type: 'BillingCustomerAttached', data: { customer_id: 'cus_1' } }]);
    expect(attachCustomer({ ...emptyBilling, customerId: 'cus_1' }, 'cus_2')).toEqual([]);
  });

  it('starts a subscription Stripe reports, and the plan follows it, ending a trial', () => {
    const o = origin('evt_1');
    const events = syncSubscription({ customerId: 'cus_1', subscription: null }, snap(), o);
    expect(events).toEqual([{ type: 'SubscriptionStarted', data: recorded(snap(), o) }]);
    const after = applyBilling({ customerId: 'cus_1', subscription: null }, events);
    expect(planAfter(after, { plan: 'pro', onTrial: true })).toBe('pro');
    expect(planAfter(after, { plan: 'free', onTrial: false })).toBe('pro');
    expect(planAfter(after, { plan: 'pro', onTrial: false })).toBeNull();
  });

  it('records a change, ignores the same state again, and ignores an event older than the last applied', () => {
    const o = origin('evt_2', '2026-12-02T11:00:00.000Z');
    const next = snap({ plan: 'enterprise', interval: 'yearly' });
    expect(syncSubscription(subscribed(), next, o)).toEqual([{ type: 'SubscriptionChanged', data: recorded(next, o) }]);
    expect(syncSubscription(subscribed(), snap(), origin('evt_3', '2026-12-02T12:00:00.000Z'))).toEqual([]);
    expect(syncSubscription(subscribed(), next, origin('evt_0', '2026-12-02T09:00:00.000Z'))).toEqual([]);
  });

  it('ignores a late event of an older subscription while a newer one is on record', () => {
    const older = snap({ subscription_id: 'sub_0', plan: 'starter' });
    expect(syncSubscription(subscribed(), older, origin('evt_old', '2026-12-01T10:00:00.000Z'))).toEqual([]);
    // A newer one of another subscription is recorded as the tenant's.
    const later = origin('evt_new', '2026-12-03T10:00:00.000Z');
    expect(syncSubscription(subscribed({ status: 'canceled' }), older, later)).toEqual([
      { type: 'SubscriptionStarted', data: recorded(older, later) },
    ]);
  });

  it('ends a known subscription once; the plan falls back to free only from the plan it paid for', () => {
    const o = origin('evt_4', '2026-12-03T00:00:00.000Z');
    const events = syncSubscription(subscribed(), snap({ status: 'canceled' }), o);
    expect(events).toEqual([
      { type: 'SubscriptionCancelled', data: { subscription_id: 'sub_1', stripe_event_id: 'evt_4', stripe_event_at: o.eventAt } },
    ]);
    const after = applyBilling(subscribed(), events);
    expect(planAfter(after, { plan: 'pro', onTrial: false })).toBe('free');
    expect(planAfter(after, { plan: 'enterprise', onTrial: false })).toBeNull();
    expect(syncSubscription(after, snap({ status: 'canceled' }), origin('evt_5', '2026-12-04T00:00:00.000Z'))).toEqual([]);
    expect(syncSubscription(emptyBilling, snap({ status: 'canceled' }), o)).toEqual([]);
  });

  it('takes the plan away from an unpaid subscription and leaves an incomplete one alone', () => {
    expect(planAfter(subscribed({ status: 'unpaid' }), { plan: 'pro', onTrial: false })).toBe('free');
    expect(planAfter(subscribed({ status: 'incomplete' }), { plan: 'free', onTrial: false })).toBeNull();
    expect(planAfter(subscribed({ status: 'past_due' }), { plan: 'free', onTrial: false })).toBe('pro');
  });

  it('refuses a checkout for the plan the tenant has, or beside a live subscription', () => {
    expect(refusalKind(() => refuseCheckout(subscribed(), { plan: 'pro', onTrial: false }, 'pro'))).toBe('conflict:plan_already_active');
    expect(refusalKind(() => refuseCheckout(subscribed(), { plan: 'pro', onTrial: false }, 'enterprise'))).toBe(
      'conflict:subscription_exists',
    );
    expect(refusalKind(() => refuseCheckout(emptyBilling, { plan: 'enterprise', onTrial: false }, 'enterprise'))).toBe(
      'conflict:plan_already_active',
    );
    expect(() => refuseCheckout(emptyBilling, { plan: 'pro', onTrial: true }, 'pro')).not.toThrow();
    expect(() => refuseCheckout(subscribed({ status: 'canceled' }), { plan: 'free', onTrial: false }, 'pro')).not.toThrow();
  });

  it('cancels a live subscription once, and refuses without one', () => {
    expect(requestCancel(subscribed())).toBe(true);
    expect(requestCancel(subscribed({ cancel_at_period_end: true }))).toBe(false);
    expect(refusalKind(() => requestCancel(emptyBilling))).toBe('conflict:no_subscription');
    expect(refusalKind(() => requestCancel(subscribed({ status: 'canceled' })))).toBe('conflict:no_subscription');
  });

  it('opens the portal only for a tenant with a customer', () => {
    expect(requireCustomer(subscribed())).toBe('cus_1');
    expect(refusalKind(() => requireCustomer(emptyBilling))).toBe('conflict:no_billing_customer');
  });
});
