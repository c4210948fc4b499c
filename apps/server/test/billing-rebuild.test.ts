import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../src/testing.ts';
import { expectRebuildEqualsLive } from './rebuild-fixture.ts';
import { type FakeStripe, startFakeStripe } from './stripe-fixture.ts';

// The billing accounts rebuilt from the log equal the live rows (a database of its own: a rebuild
// uses a schema of its own).

let t: TestApp;
let stripe: FakeStripe;
beforeAll(async () => {
  stripe = await startFakeStripe();
  t = await startTestApp({ isolated: true, billing: stripe.config });
});
afterAll(async () => {
  await t.close();
  await stripe.close();
});

describe('billing accounts rebuilt from position 0', () => {
  it('equal the live rows after checkouts, payments, changes, cancels and ends', async () => {
    const deliver = (e: { payload: string; signature: string }) =>
      t.request('POST', '/api/v1/billing/webhook', { raw: e.payload, headers: { 'stripe-signature': e.signature } });
    for (const plan of ['pro', 'starter']) {
      const a = await t.registerTenant('rb-bill');
      const checkout = await t.request('POST', '/api/v1/billing/checkout', { token: a.token, body: { planId: plan, interval: 'monthly' } });
      const paid = stripe.completeCheckout(checkout.body.data.sessionId);
      expect((await deliver(paid)).status).toBe(200);
      await deliver(stripe.updateSubscription(paid.subscription.id, { price: 'price_enterprise_monthly' }));
      expect((await t.request('POST', '/api/v1/billing/cancel', { token: a.token })).status).toBe(200);
      if (plan === 'pro') await deliver(stripe.endSubscription(paid.subscription.id));
    }
    const onlyCustomer = await t.registerTenant('rb-bill');
    await t.request('POST', '/api/v1/billing/checkout', { token: onlyCustomer.token, body: { planId: 'pro', interval: 'yearly' } });

    await expectRebuildEqualsLive(t, ['billing_accounts', 'tenants']);
  });
});
