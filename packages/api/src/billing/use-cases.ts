import { billing, DomainError } from '@crm/domain';
import type { z } from 'zod';
import type { billingContracts } from '../contracts/billing.ts';
import { appUrl } from '../mail/links.ts';
import type { AuthedContext } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';
import { readBilling, statusOf } from './account.ts';
import { offered, priceKey } from './config.ts';
import { billingConfig, callStripe, snapshotOf, stripeOf } from './stripe.ts';

// Checkout, portal and cancel: read the tenant's billing, decide, call Stripe outside any
// transaction, then record what Stripe answered.

type C = typeof billingContracts;
type Out<K extends keyof C> = z.output<C[K]['output']>;

const read = (ctx: AuthedContext) => runQuery(ctx, (tx) => readBilling(tx, ctx.principal.tenantId));

export async function billingStatus(ctx: AuthedContext): Promise<Out<'status'>> {
  return statusOf(ctx.services, await read(ctx));
}

/** The tenant's Stripe customer: the one recorded, or a new one (Stripe's idempotency key makes a retry find the same). */
async function customerFor(ctx: AuthedContext, view: Awaited<ReturnType<typeof read>>): Promise<string> {
  if (view.state.customerId) return view.state.customerId;
  const tenantId = ctx.principal.tenantId;
  const stripe = await stripeOf(billingConfig(ctx.services));
  const customer = await callStripe('create a customer', () =>
    stripe.customers.create(
      { name: view.tenant.name, metadata: { tenant_id: tenantId, tenant_slug: view.tenant.slug } },
      { idempotencyKey: `crm-customer-${tenantId}` },
    ),
  );
  return runCommand(ctx, (cmd) => billing.attachBillingCustomer(cmd, customer.id));
}

export async function checkout(ctx: AuthedContext, input: z.output<C['checkout']['input']>): Promise<Out<'checkout'>> {
  const config = billingConfig(ctx.services);
  const price = config.prices[priceKey(input.planId, input.interval)];
  if (!price) {
    throw new DomainError('invalid', 'plan_not_offered', `the ${input.planId} plan is not offered ${input.interval}`, {
      offered: offered(config),
    });
  }
  const view = await read(ctx);
  billing.refuseCheckout(view.state, billing.tenantPlanOf(view.tenant, ctx.services.clock.now()), input.planId);
  const customer = await customerFor(ctx, view);
  const tenantId = ctx.principal.tenantId;
  const metadata = { tenant_id: tenantId, plan: input.planId, interval: input.interval };
  const session = await callStripe('create a checkout session', async () =>
    (await stripeOf(config)).checkout.sessions.create({
      mode: 'subscription',
      customer,
      client_reference_id: tenantId,
      line_items: [{ price, quantity: 1 }],
      success_url: `${appUrl()}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${appUrl()}/billing?checkout=cancelled`,
      metadata,
      subscription_data: { metadata },
    }),
  );
  if (!session.url) throw new DomainError('bad_gateway', 'billing_provider_error', 'Stripe answered a checkout session without a url');
  return { url: session.url, sessionId: session.id };
}

export async function portal(ctx: AuthedContext): Promise<Out<'portal'>> {
  const config = billingConfig(ctx.services);
  const customer = billing.requireCustomer((await read(ctx)).state);
  const session = await callStripe('open the billing portal', async () =>
    (await stripeOf(config)).billingPortal.sessions.create({ customer, return_url: `${appUrl()}/billing` }),
  );
  return { url: session.url };
}

export async function cancel(ctx: AuthedContext): Promise<Out<'cancel'>> {
  const config = billingConfig(ctx.services);
  const view = await read(ctx);
  if (billing.requestCancel(view.state)) {
    const subscriptionId = view.state.subscription!.subscription_id;
    const sub = await callStripe('cancel the subscription', async () =>
      (await stripeOf(config)).subscriptions.update(subscriptionId, { cancel_at_period_end: true }),
    );
    const snap = snapshotOf(config, sub);
    if (snap) await runCommand(ctx, (cmd) => billing.recordSubscription(cmd, snap, null));
  }
  return billingStatus(ctx);
}
