import { BillingReconciler, silentLogger } from '@crm/api';
import { inSystem, inTenant } from '@crm/db';
import { notifications } from '@crm/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingConfig, ConfigError } from '../src/config.ts';
import { startTestApp, type TestApp, type TestTenant } from '../src/testing.ts';
import { type FakeStripe, startFakeStripe } from './stripe-fixture.ts';

// Billing (document 001) against a Stripe reached by the real SDK over HTTP (stripe-fixture.ts),
// with webhooks signed as Stripe signs them.

const BILLING_EVENTS = ['BillingCustomerAttached', 'SubscriptionStarted', 'SubscriptionChanged', 'SubscriptionCancelled'];

let t: TestApp;
let stripe: FakeStripe;
beforeAll(async () => {
  stripe = await startFakeStripe();
  t = await startTestApp({ billing: stripe.config });
});
afterAll(async () => {
  await t.close();
  await stripe.close();
});

const status = (tenant: { token: string }) => t.request('GET', '/api/v1/billing/status', { token: tenant.token });
const post = (tenant: { token: string }, what: string, body?: unknown) =>
  t.request('POST', `/api/v1/billing/${what}`, { token: tenant.token, ...(body !== undefined ? { body } : {}) });
const deliver = (e: { payload: string; signature: string }) =>
  t.request('POST', '/api/v1/billing/webhook', { raw: e.payload, headers: { 'stripe-signature': e.signature } });

/** A tenant that checked out the plan and paid: the webhook has told us. */
async function subscribed(tenant: TestTenant, planId = 'pro', interval = 'monthly') {
  const checkout = await post(tenant, 'checkout', { planId, interval });
  expect(checkout.status, checkout.text).toBe(200);
  const paid = stripe.completeCheckout(checkout.body.data.sessionId);
  const res = await deliver(paid);
  expect(res.body.data).toEqual({ received: true, outcome: 'applied' });
  return paid.subscription;
}

describe('GET /api/v1/billing/status', () => {
  it('shows a new tenant on its Pro trial, its seats, no subscription, and what can be bought; every role reads it', async () => {
    const a = await t.registerTenant('bill');
    const viewer = await t.createUser(a, 'viewer', 'Vic');
    const res = await status(viewer);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      plan: 'pro',
      planSource: 'trial',
      trialActive: true,
      seats: 2,
      subscription: null,
      hasBillingAccount: false,
      billingConfigured: true,
    });
    expect(new Date(res.body.data.trialEndsAt).getTime()).toBeGreaterThan(Date.now());
    expect(res.body.data.offers).toContainEqual({ planId: 'pro', interval: 'yearly' });
    expect(res.body.data.offers).not.toContainEqual({ planId: 'enterprise', interval: 'yearly' });
  });

  it('says operator for a plan set by the CLI, and default for free', async () => {
    const a = await t.registerTenant('bill');
    await t.setPlan(a.tenantId, 'enterprise');
    expect((await status(a)).body.data).toMatchObject({
      plan: 'enterprise',
      planSource: 'operator',
      trialActive: false,
      trialEndsAt: null,
    });
    await t.setPlan(a.tenantId, 'free');
    expect((await status(a)).body.data).toMatchObject({ plan: 'free', planSource: 'default' });
  });
});

describe('POST /api/v1/billing/checkout', () => {
  it('creates the customer once and a subscription-mode session for the plan’s price', async () => {
    const a = await t.registerTenant('bill');
    const res = await post(a, 'checkout', { planId: 'pro', interval: 'yearly' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: { url: expect.stringMatching(/^https:\/\//), sessionId: expect.stringMatching(/^cs_test_/) },
    });
    const session = stripe.sessions.get(res.body.data.sessionId)!;
    expect(session).toMatchObject({
      mode: 'subscription',
      client_reference_id: a.tenantId,
      line_items: [{ price: 'price_pro_yearly', quantity: '1' }],
      metadata: { tenant_id: a.tenantId, plan: 'pro', interval: 'yearly' },
    });
    expect(session.success_url).toContain('{CHECKOUT_SESSION_ID}');
    expect(await t.eventCount(a.tenantId, ['BillingCustomerAttached'])).toBe(1);

    const again = await post(a, 'checkout', { planId: 'starter', interval: 'monthly' });
    expect(again.status).toBe(200);
    expect(stripe.sessions.get(again.body.data.sessionId)!.customer).toBe(session.customer);
    expect(await t.eventCount(a.tenantId, ['BillingCustomerAttached'])).toBe(1);
    const created = stripe.requests.filter(
      (r) => r.path === '/v1/customers' && (r.body.metadata as { tenant_id?: string } | undefined)?.tenant_id === a.tenantId,
    );
    expect(created).toHaveLength(1);
    expect(created[0]!.idempotencyKey).toBe(`crm-customer-${a.tenantId}`);
    expect((await status(a)).body.data.hasBillingAccount).toBe(true);
  });

  it('refuses an unknown plan or interval (400), one not offered (400), the plan the tenant has (409), writing nothing', async () => {
    const a = await t.registerTenant('bill');
    const before = await t.eventCount(a.tenantId);
    const cases: [unknown, number, string][] = [
      [{ planId: 'platinum', interval: 'monthly' }, 400, 'validation_error'],
      [{ planId: 'free', interval: 'monthly' }, 400, 'validation_error'],
      [{ planId: 'pro', interval: 'weekly' }, 400, 'validation_error'],
      [{ planId: 'pro' }, 400, 'validation_error'],
      [{ planId: 'enterprise', interval: 'yearly' }, 400, 'plan_not_offered'],
    ];
    for (const [body, code, name] of cases) {
      const res = await post(a, 'checkout', body);
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([code, name]);
    }
    await t.setPlan(a.tenantId, 'pro');
    const held = await post(a, 'checkout', { planId: 'pro', interval: 'monthly' });
    expect([held.status, held.body.code]).toEqual([409, 'plan_already_active']);
    expect(await t.eventCount(a.tenantId)).toBe(before + 1); // the operator's plan change only
  });

  it('refuses a second subscription: plans change in the portal', async () => {
    const a = await t.registerTenant('bill');
    await subscribed(a, 'starter');
    const before = await t.eventCount(a.tenantId);
    const same = await post(a, 'checkout', { planId: 'starter', interval: 'monthly' });
    expect([same.status, same.body.code]).toEqual([409, 'plan_already_active']);
    const other = await post(a, 'checkout', { planId: 'pro', interval: 'monthly' });
    expect([other.status, other.body.code]).toEqual([409, 'subscription_exists']);
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });

  it('answers 502 when Stripe fails, and writes nothing', async () => {
    const a = await t.registerTenant('bill');
    const before = await t.eventCount(a.tenantId);
    stripe.failNext(400, { type: 'invalid_request_error', code: 'parameter_invalid', message: 'bad customer' });
    const res = await post(a, 'checkout', { planId: 'pro', interval: 'monthly' });
    expect([res.status, res.body.code]).toEqual([502, 'billing_provider_error']);
    expect(res.body.error.details).toMatchObject({ stripeCode: 'parameter_invalid' });
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });

  it('is for tenant admins only: manager, user and viewer get 403 and write nothing', async () => {
    const a = await t.registerTenant('bill');
    for (const role of ['manager', 'user', 'viewer'] as const) {
      const who = await t.createUser(a, role, role);
      const beforeRole = await t.eventCount(a.tenantId);
      for (const what of ['checkout', 'portal', 'cancel']) {
        const res = await post(who, what, what === 'checkout' ? { planId: 'pro', interval: 'monthly' } : undefined);
        expect([res.status, res.body.code], `${role} ${what}`).toEqual([403, 'permission_denied']);
      }
      expect(await t.eventCount(a.tenantId)).toBe(beforeRole);
    }
    expect(await t.eventCount(a.tenantId, BILLING_EVENTS)).toBe(0);
  });
});

describe('POST /api/v1/billing/portal and /cancel', () => {
  it('refuse a tenant Stripe does not know (409), writing nothing', async () => {
    const a = await t.registerTenant('bill');
    const before = await t.eventCount(a.tenantId);
    const portal = await post(a, 'portal');
    expect([portal.status, portal.body.code]).toEqual([409, 'no_billing_customer']);
    const cancel = await post(a, 'cancel');
    expect([cancel.status, cancel.body.code]).toEqual([409, 'no_subscription']);
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });

  it('opens the portal for the tenant’s customer', async () => {
    const a = await t.registerTenant('bill');
    await post(a, 'checkout', { planId: 'pro', interval: 'monthly' });
    const res = await post(a, 'portal');
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.url).toMatch(/^https:\/\/billing\.stripe\.test\//);
    const call = stripe.requests.findLast((r) => r.path === '/v1/billing_portal/sessions')!;
    expect(call.body.return_url).toMatch(/\/billing$/);
  });
});

describe('the whole loop', () => {
  it('checkout → signed webhook → pro → pro routes work → cancel → subscription deleted → free', async () => {
    const a = await t.registerTenant('loop');
    await t.setPlan(a.tenantId, 'free');
    expect((await t.request('GET', '/v1/crm/stages', { token: a.token })).status).toBe(402);

    const checkout = await post(a, 'checkout', { planId: 'pro', interval: 'monthly' });
    const paid = stripe.completeCheckout(checkout.body.data.sessionId);
    const applied = await deliver(paid);
    expect(applied.status, applied.text).toBe(200);
    expect(applied.body).toEqual({ success: true, data: { received: true, outcome: 'applied' } });

    const after = (await status(a)).body.data;
    expect(after).toMatchObject({
      plan: 'pro',
      planSource: 'subscription',
      trialActive: false,
      subscription: { id: paid.subscription.id, plan: 'pro', interval: 'monthly', status: 'active', cancelAtPeriodEnd: false },
    });
    expect(after.subscription.currentPeriodEnd).toBe(new Date(paid.subscription.items.data[0]!.current_period_end * 1000).toISOString());
    expect((await t.request('GET', '/v1/crm/stages', { token: a.token })).status).toBe(200);

    // The same delivery again (Stripe retries): 200, nothing changes.
    const count = await t.eventCount(a.tenantId);
    const replay = await deliver(paid);
    expect(replay.status).toBe(200);
    expect(replay.body.data.outcome).toBe('duplicate');
    expect(await t.eventCount(a.tenantId)).toBe(count);

    const cancelled = await post(a, 'cancel');
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.data).toMatchObject({ plan: 'pro', subscription: { status: 'active', cancelAtPeriodEnd: true } });
    expect(stripe.requests.findLast((r) => r.path === `/v1/subscriptions/${paid.subscription.id}`)!.body).toEqual({
      cancel_at_period_end: 'true',
    });
    expect((await status(a)).body.data.subscription.cancelAtPeriodEnd).toBe(true);
    // A second cancel asks Stripe nothing and changes nothing.
    const calls = stripe.requests.length;
    const count2 = await t.eventCount(a.tenantId);
    expect((await post(a, 'cancel')).status).toBe(200);
    expect(stripe.requests.length).toBe(calls);
    expect(await t.eventCount(a.tenantId)).toBe(count2);

    const ended = await deliver(stripe.endSubscription(paid.subscription.id));
    expect(ended.body.data.outcome).toBe('applied');
    expect((await status(a)).body.data).toMatchObject({ plan: 'free', planSource: 'default', subscription: { status: 'canceled' } });
    const gated = await t.request('GET', '/v1/crm/stages', { token: a.token });
    expect([gated.status, gated.body.code]).toEqual([402, 'plan_upgrade_required']);

    // The log tells the story, and holds no secret.
    expect(await t.eventCount(a.tenantId, BILLING_EVENTS)).toBe(4);
    expect(await t.eventCount(a.tenantId, ['TenantPlanChanged'])).toBe(3);
    const { rows } = await inSystem(t.handle.db, (tx) =>
      sql<{ data: string }>`select data::text as data from es_events where tenant_id = ${a.tenantId}
        and event_type = any(${BILLING_EVENTS}::text[])`.execute(tx),
    );
    const log = rows.map((r) => r.data).join('\n');
    expect(log).toContain(paid.subscription.id);
    for (const secret of [stripe.config.secretKey, stripe.config.webhookSecret!, paid.signature]) expect(log).not.toContain(secret);
  });

  it('handles one Stripe event once when Stripe delivers it twice at the same time', async () => {
    const a = await t.registerTenant('loop');
    const checkout = await post(a, 'checkout', { planId: 'pro', interval: 'monthly' });
    const paid = stripe.completeCheckout(checkout.body.data.sessionId);
    const outcomes = (await Promise.all([deliver(paid), deliver(paid), deliver(paid)])).map((r) => r.body.data.outcome);
    expect(outcomes.sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(await t.eventCount(a.tenantId, ['SubscriptionStarted'])).toBe(1);
    expect(await t.eventCount(a.tenantId, ['TenantPlanChanged'])).toBe(1);
  });

  it('follows a plan change made in the portal, and ignores an older event delivered late', async () => {
    const a = await t.registerTenant('loop');
    const sub = await subscribed(a, 'pro');
    const older = stripe.updateSubscription(sub.id, { status: 'past_due' });
    const newer = stripe.updateSubscription(sub.id, { price: 'price_enterprise_monthly', status: 'active' });
    expect((await deliver(newer)).body.data.outcome).toBe('applied');
    expect((await status(a)).body.data).toMatchObject({ plan: 'enterprise', subscription: { plan: 'enterprise', status: 'active' } });
    expect((await deliver(older)).body.data.outcome).toBe('unchanged');
    expect((await status(a)).body.data).toMatchObject({ plan: 'enterprise', subscription: { status: 'active' } });
  });

  it('takes the plan away from an unpaid subscription', async () => {
    const a = await t.registerTenant('loop');
    const sub = await subscribed(a, 'pro');
    expect((await deliver(stripe.updateSubscription(sub.id, { status: 'unpaid' }))).body.data.outcome).toBe('applied');
    expect((await status(a)).body.data).toMatchObject({ plan: 'free', subscription: { status: 'unpaid' } });
  });
});

describe('POST /api/v1/billing/webhook', () => {
  it('refuses a forged or altered event (400) and changes nothing', async () => {
    const a = await t.registerTenant('hook');
    const checkout = await post(a, 'checkout', { planId: 'pro', interval: 'monthly' });
    const session = stripe.sessions.get(checkout.body.data.sessionId)!;
    const before = await t.eventCount(a.tenantId);
    const forged = stripe.event('checkout.session.completed', session, { secret: 'whsec_not_ours_0000000000' });
    const res = await deliver(forged);
    expect([res.status, res.body.code]).toEqual([400, 'invalid_signature']);
    const genuine = stripe.completeCheckout(session.id);
    const altered = await deliver({
      payload: genuine.payload.replace('"livemode": false', '"livemode": true'),
      signature: genuine.signature,
    });
    expect([altered.status, altered.body.code]).toEqual([400, 'invalid_signature']);
    const unsigned = await t.request('POST', '/api/v1/billing/webhook', { raw: genuine.payload });
    expect([unsigned.status, unsigned.body.code]).toEqual([400, 'validation_error']);
    expect(await t.eventCount(a.tenantId)).toBe(before);
    expect((await status(a)).body.data.planSource).toBe('trial');
  });

  it('answers 200 and ignores events it does not handle or for customers of no tenant', async () => {
    const other = stripe.event('invoice.paid', { id: 'in_1', object: 'invoice', customer: 'cus_x' });
    expect((await deliver(other)).body.data).toEqual({ received: true, outcome: 'ignored' });
    const stranger = stripe.event('customer.subscription.updated', {
      id: 'sub_stranger',
      object: 'subscription',
      customer: 'cus_nobody',
      status: 'active',
      items: { data: [{ price: { id: 'price_pro_monthly' }, current_period_end: 1 }] },
    });
    expect((await deliver(stranger)).body.data.outcome).toBe('ignored');
  });

  it('keeps tenants apart: one tenant’s payment never reaches another, nor does its status', async () => {
    const a = await t.registerTenant('iso');
    const b = await t.registerTenant('iso');
    await t.setPlan(b.tenantId, 'free');
    const bBefore = await t.eventCount(b.tenantId);
    const sub = await subscribed(a, 'enterprise');
    expect(await t.eventCount(b.tenantId)).toBe(bBefore);
    const bStatus = (await status(b)).body.data;
    expect(bStatus).toMatchObject({ plan: 'free', subscription: null, hasBillingAccount: false });
    expect(JSON.stringify(bStatus)).not.toContain(sub.id);
    const portal = await post(b, 'portal');
    expect([portal.status, portal.body.code]).toEqual([409, 'no_billing_customer']);
  });
});

describe('without Stripe configured', () => {
  let bare: TestApp;
  beforeAll(async () => {
    bare = await startTestApp();
  });
  afterAll(() => bare.close());

  it('answers the status, and 503 billing_not_configured for checkout, portal, cancel and the webhook', async () => {
    const a = await bare.registerTenant('bare');
    const res = await bare.request('GET', '/api/v1/billing/status', { token: a.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ billingConfigured: false, offers: [], plan: 'pro', planSource: 'trial' });
    const before = await bare.eventCount(a.tenantId);
    for (const [what, body] of [['checkout', { planId: 'pro', interval: 'monthly' }], ['portal'], ['cancel']] as const) {
      const r = await bare.request('POST', `/api/v1/billing/${what}`, { token: a.token, ...(body ? { body } : {}) });
      expect([r.status, r.body.code], what).toEqual([503, 'billing_not_configured']);
    }
    const hook = stripe.event('invoice.paid', { id: 'in_1', object: 'invoice' });
    const r = await bare.request('POST', '/api/v1/billing/webhook', { raw: hook.payload, headers: { 'stripe-signature': hook.signature } });
    expect([r.status, r.body.code]).toEqual([503, 'billing_not_configured']);
    expect(await bare.eventCount(a.tenantId)).toBe(before);
  });
});

describe('STRIPE_* configuration', () => {
  it('is off without a key, and reads the key, the webhook secret, the prices and an API base', () => {
    expect(billingConfig({ STRIPE_PRICE_PRO_MONTHLY: 'price_1' })).toBeUndefined();
    expect(
      billingConfig({
        STRIPE_SECRET_KEY: 'sk_test_abc',
        STRIPE_WEBHOOK_SECRET: 'whsec_xyz',
        STRIPE_PRICE_PRO_MONTHLY: 'price_pm',
        STRIPE_PRICE_ENTERPRISE_YEARLY: 'price_ey',
        STRIPE_API_BASE: 'http://localhost:12111',
      }),
    ).toEqual({
      secretKey: 'sk_test_abc',
      webhookSecret: 'whsec_xyz',
      prices: { 'pro:monthly': 'price_pm', 'enterprise:yearly': 'price_ey' },
      api: { host: 'localhost', port: 12111, protocol: 'http' },
    });
    expect(billingConfig({ STRIPE_SECRET_KEY: 'rk_live_abc' })).toEqual({ secretKey: 'rk_live_abc', webhookSecret: null, prices: {} });
  });

  it('stops start-up naming the variable that is wrong', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ STRIPE_SECRET_KEY: 'pk_test_abc' }, /STRIPE_SECRET_KEY/],
      [{ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'secret' }, /STRIPE_WEBHOOK_SECRET/],
      [{ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_PRICE_STARTER_YEARLY: 'prod_1' }, /STRIPE_PRICE_STARTER_YEARLY/],
      [{ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_API_BASE: 'ftp://x' }, /STRIPE_API_BASE/],
      [{ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_API_BASE: 'not a url' }, /STRIPE_API_BASE/],
    ];
    for (const [env, message] of bad) {
      expect(() => billingConfig(env)).toThrow(ConfigError);
      expect(() => billingConfig(env)).toThrow(message);
    }
  });
});

describe('notification sources', () => {
  it('tell every active tenant admin that a subscription started, a payment failed, the subscription ended', async () => {
    const a = await t.registerTenant('note');
    const second = await t.createUser(a, 'tenant_admin', 'Sec');
    await t.createUser(a, 'manager', 'Man');
    const sub = await subscribed(a, 'pro');
    await deliver(stripe.updateSubscription(sub.id, { status: 'past_due' }));
    await deliver(stripe.updateSubscription(sub.id, { status: 'active' }));
    await deliver(stripe.endSubscription(sub.id));
    const fired = await inTenant(t.handle.db, a.tenantId, async (tx) => {
      const out: Array<[string, number, Record<string, string>]> = [];
      for (const e of await t.services.store.readStream(tx, a.tenantId, { type: 'billing', id: a.tenantId })) {
        for (const source of notifications.notificationSources.filter((x) => x.module === 'billing' && x.eventTypes.includes(e.type))) {
          for (const f of await source.fire(tx, e)) out.push([source.key, f.userId, f.variables]);
        }
      }
      return out;
    });
    const both = (key: string, variables: Record<string, string>) => [
      [key, a.userId, variables],
      [key, second.userId, variables],
    ];
    expect(fired).toEqual([
      ...both('billing.subscription_started', { plan: 'pro' }),
      ...both('billing.payment_failed', { plan: 'pro', status: 'past_due' }),
      ...both('billing.subscription_ended', {}),
    ]);
  });
});

describe('reconciliation with Stripe', () => {
  const reconciler = () => new BillingReconciler(t.services, { log: silentLogger });
  const billingEvents = (a: TestTenant) =>
    inTenant(t.handle.db, a.tenantId, (tx) => t.services.store.readStream(tx, a.tenantId, { type: 'billing', id: a.tenantId }));

  it('records what lost webhooks would have said: a subscription paid for, then ended; once', async () => {
    const a = await t.registerTenant('recon');
    const checkout = await post(a, 'checkout', { planId: 'starter', interval: 'monthly' });
    // The customer pays, and Stripe's events never arrive.
    const { subscription } = stripe.completeCheckout(checkout.body.data.sessionId);
    expect((await status(a)).body.data).toMatchObject({ plan: 'pro', planSource: 'trial', subscription: null });

    await reconciler().runOnce();
    expect((await status(a)).body.data).toMatchObject({
      plan: 'starter',
      planSource: 'subscription',
      subscription: { status: 'active', interval: 'monthly' },
    });
    const started = (await billingEvents(a)).filter((e) => e.type === 'SubscriptionStarted');
    expect(started.map((e) => e.data)).toEqual([
      expect.objectContaining({ subscription_id: subscription.id, plan: 'starter', stripe_event_id: null }),
    ]);
    expect(started[0]!.metadata).toMatchObject({ source: 'system' });

    // Nothing differs now: another round records nothing.
    const count = await t.eventCount(a.tenantId);
    await reconciler().runOnce();
    expect(await t.eventCount(a.tenantId)).toBe(count);

    stripe.endSubscription(subscription.id);
    await reconciler().runOnce();
    expect((await status(a)).body.data).toMatchObject({ plan: 'free', subscription: { status: 'canceled' } });
  });

  it('lets a Stripe event newer than its reading win, and ignores an older one delivered late', async () => {
    const a = await t.registerTenant('recon');
    // Stripe's events, dated around the reading (the fake's own clock runs ahead of ours).
    const at = (offsetS: number) => ({ created: Math.floor(Date.now() / 1000) + offsetS });
    const checkout = await post(a, 'checkout', { planId: 'pro', interval: 'monthly' });
    const { subscription } = stripe.completeCheckout(checkout.body.data.sessionId);
    const session = stripe.sessions.get(checkout.body.data.sessionId)!;
    expect((await deliver(stripe.event('checkout.session.completed', session, at(-120)))).body.data.outcome).toBe('applied');
    // The portal moves the tenant to Starter and the event is held up; the reconciliation reads Stripe first.
    const late = stripe.updateSubscription(subscription.id, { price: 'price_starter_monthly' }, at(-60));
    await reconciler().runOnce();
    expect((await status(a)).body.data.plan).toBe('starter');
    // That event, created before the reading, arrives: it changes nothing.
    expect((await deliver(late)).body.data.outcome).toBe('unchanged');
    // A change Stripe makes after the reading is recorded as usual.
    const later = stripe.updateSubscription(subscription.id, { price: 'price_enterprise_monthly' }, at(60));
    expect((await deliver(later)).body.data.outcome).toBe('applied');
    expect((await status(a)).body.data.plan).toBe('enterprise');
  });

  it('goes on past a customer Stripe cannot be asked about, and reads it again next round', async () => {
    const a = await t.registerTenant('recon');
    const checkout = await post(a, 'checkout', { planId: 'pro', interval: 'yearly' });
    stripe.completeCheckout(checkout.body.data.sessionId);
    // The first customer's three tries (the SDK retries twice) fail; the others are read.
    stripe.failNext(500, { type: 'api_error', message: 'Stripe is having a bad day' }, 3);
    const round = await reconciler().runOnce();
    expect(round.failed).toBe(1);
    expect(round.checked).toBeGreaterThan(0);
    const next = await reconciler().runOnce();
    expect(next.failed).toBe(0);
    expect((await status(a)).body.data).toMatchObject({ plan: 'pro', planSource: 'subscription' });
  });
});
