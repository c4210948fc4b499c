import { lockKey } from '../shared/command.ts';
import { setPlan } from '../identity/commands.ts';
import { getTenant } from '../identity/queries.ts';
import { appendDecided, type CommandContext } from '../shared/command.ts';
import {
  applyBilling,
  attachCustomer,
  type BillingState,
  planAfter,
  type StripeOrigin,
  type SubscriptionSnapshot,
  syncSubscription,
} from './decide.ts';
import { type BillingEvent, billingStream } from './events.ts';
import { billingStateOf, findBillingAccount, tenantPlanOf } from './queries.ts';

// Billing's commands: lock the tenant's billing, load, decide, append. Stripe itself is called by
// the API around them, never inside a transaction (a slow Stripe must not hold a lock or a
// connection, and a retried command must not call Stripe twice).

async function load(ctx: CommandContext) {
  await lockKey(ctx, 'billing', ctx.tenantId);
  const row = await findBillingAccount(ctx.tx, ctx.tenantId);
  return { state: billingStateOf(row), version: row?.version ?? 0 };
}

async function append(ctx: CommandContext, version: number | string, events: BillingEvent[]) {
  await appendDecided(ctx, billingStream(ctx.tenantId), version, events);
}

/** Remembers the tenant's Stripe customer; answers the one attached (an earlier one wins a race). */
export async function attachBillingCustomer(ctx: CommandContext, customerId: string): Promise<string> {
  const { state, version } = await load(ctx);
  await append(ctx, version, attachCustomer(state, customerId));
  return state.customerId ?? customerId;
}

/**
 * Records the subscription as Stripe shows it and moves the tenant's plan with it, through the
 * identity module's own command (so its read model, its caches and its history stay right).
 */
export async function recordSubscription(
  ctx: CommandContext,
  snap: SubscriptionSnapshot,
  origin: StripeOrigin | null,
): Promise<{ state: BillingState; changed: boolean }> {
  const { state, version } = await load(ctx);
  const events = syncSubscription(state, snap, origin);
  await append(ctx, version, events);
  const after = applyBilling(state, events);
  if (events.length > 0) {
    const tenant = await getTenant(ctx.tx, ctx.tenantId);
    const plan = tenant ? planAfter(after, tenantPlanOf(tenant, ctx.clock.now())) : null;
    if (plan) await setPlan(ctx, plan);
  }
  return { state: after, changed: events.length > 0 };
}

/** Marks a Stripe event handled for this tenant; false when it already was (a delivery sent again). */
export async function claimStripeEvent(ctx: CommandContext, eventId: string, eventType: string): Promise<boolean> {
  const inserted = await ctx.tx
    .insertInto('billing_webhook_events')
    .values({ tenant_id: ctx.tenantId, stripe_event_id: eventId, event_type: eventType, received_at: ctx.clock.now() })
    .onConflict((oc) => oc.columns(['tenant_id', 'stripe_event_id']).doNothing())
    .returning('stripe_event_id')
    .executeTakeFirst();
  return inserted !== undefined;
}
