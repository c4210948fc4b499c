import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { BillingConfig } from './config.ts';
import { subscriptionToRecord } from './reconcile.ts';

// Which of a customer's Stripe subscriptions the reconciliation records.

const config: BillingConfig = {
  secretKey: 'sk_test_x',
  webhookSecret: null,
  prices: { 'starter:monthly': 'price_starter', 'pro:monthly': 'price_pro' },
};

/** The fields of a Stripe subscription that billing reads. */
const sub = (id: string, price: string, status: string, created: number) =>
  ({
    id,
    status,
    created,
    cancel_at_period_end: false,
    cancel_at: null,
    items: { data: [{ price: { id: price }, current_period_end: created + 30 * 86_400 }] },
  }) as unknown as Stripe.Subscription;

describe('subscriptionToRecord', () => {
  it('takes the newest live subscription of a price we sell', () => {
    const subs = [sub('sub_old', 'price_starter', 'active', 100), sub('sub_new', 'price_pro', 'trialing', 200)];
    expect(subscriptionToRecord(config, subs, 'sub_old')).toMatchObject({ subscription_id: 'sub_new', plan: 'pro', status: 'trialing' });
  });

  it('takes the one on record when none is live, so its end is seen; none when it is not ours', () => {
    const subs = [sub('sub_a', 'price_pro', 'canceled', 100), sub('sub_b', 'price_starter', 'canceled', 200)];
    expect(subscriptionToRecord(config, subs, 'sub_a')).toMatchObject({ subscription_id: 'sub_a', status: 'canceled' });
    expect(subscriptionToRecord(config, subs, null)).toBeUndefined();
  });

  it('leaves alone a subscription to another product on the same Stripe account', () => {
    const subs = [sub('sub_other', 'price_someone_elses', 'active', 300), sub('sub_ours', 'price_pro', 'past_due', 100)];
    expect(subscriptionToRecord(config, subs, null)).toMatchObject({ subscription_id: 'sub_ours', status: 'past_due' });
    expect(subscriptionToRecord(config, [sub('sub_other', 'price_someone_elses', 'active', 300)], 'sub_other')).toBeUndefined();
  });
});
