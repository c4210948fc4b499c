import { inSystem } from '@crm/db';
import { billing, DomainError } from '@crm/domain';
import type Stripe from 'stripe';
import type { z } from 'zod';
import type { billingContracts } from '../contracts/billing.ts';
import type { Context } from '../context.ts';
import { runCommand } from '../unit-of-work.ts';
import type { BillingConfig } from './config.ts';
import { billingConfig, callStripe, customerOf, snapshotOf, stripeId, stripeOf, stripeTime } from './stripe.ts';

// Stripe's webhook. The signature is checked on the body exactly as sent; then the tenant is the
// one whose Stripe customer the event names (our own record, not metadata a payer could shape),
// and the subscription as Stripe shows it is recorded, once per Stripe event id.

type Result = z.output<(typeof billingContracts)['webhook']['output']>;
type Outcome = Result['outcome'];

const SUBSCRIPTION_EVENTS = new Set(['customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted']);

async function verified(config: BillingConfig, payload: string, signature: string): Promise<Stripe.Event> {
  if (!config.webhookSecret) {
    throw new DomainError(
      'unavailable',
      'billing_webhook_not_configured',
      'the Stripe webhook is not configured (STRIPE_WEBHOOK_SECRET is not set)',
    );
  }
  try {
    return (await stripeOf(config)).webhooks.constructEvent(payload, signature, config.webhookSecret);
  } catch {
    throw new DomainError('invalid', 'invalid_signature', 'the Stripe-Signature header does not match the body (or is too old)');
  }
}

/** The subscription an event is about, as Stripe shows it now, with the customer it belongs to. */
async function subscriptionOf(config: BillingConfig, event: Stripe.Event): Promise<Stripe.Subscription | null> {
  if (event.type === 'checkout.session.completed') {
    const session = event.data.object;
    const id = session.mode === 'subscription' ? stripeId(session.subscription) : null;
    if (!id) return null;
    return callStripe('read the subscription', async () => (await stripeOf(config)).subscriptions.retrieve(id));
  }
  if (SUBSCRIPTION_EVENTS.has(event.type)) return event.data.object as Stripe.Subscription;
  return null;
}

export async function handleWebhook(ctx: Context, input: { payload: string; signature: string }): Promise<Result> {
  const config = billingConfig(ctx.services);
  const event = await verified(config, input.payload, input.signature);
  const ignored: Result = { received: true, outcome: 'ignored' };
  const sub = await subscriptionOf(config, event);
  const customer = sub ? customerOf(sub) : null;
  const snap = sub ? snapshotOf(config, sub) : undefined;
  if (!customer || !snap) return ignored;
  const tenantId = await inSystem(ctx.services.db, (tx) => billing.tenantOfCustomer(tx, customer));
  if (!tenantId) {
    ctx.services.log.warn('stripe event for a customer of no tenant', { eventId: event.id, type: event.type });
    return ignored;
  }
  const origin = { eventId: event.id, eventAt: stripeTime(event.created) ?? ctx.services.clock.now().toISOString() };
  const outcome = await runCommand({ ...ctx, tenantId }, async (cmd): Promise<Outcome> => {
    if (!(await billing.claimStripeEvent(cmd, event.id, event.type))) return 'duplicate';
    return (await billing.recordSubscription(cmd, snap, origin)).changed ? 'applied' : 'unchanged';
  });
  return { received: true, outcome };
}
