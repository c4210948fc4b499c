import type { Tx } from '@crm/db';
import { billing, identity, iso } from '@crm/domain';
import type { z } from 'zod';
import type { BillingStatus } from '../contracts/billing.ts';
import type { Services } from '../services.ts';
import { offered, type PaidPlan } from './config.ts';

// What the billing use cases read about a tenant, in one transaction: its tenant row, its billing
// account and its seats, and the status the document's GET /billing/status shows from them.

export interface BillingView {
  tenant: { name: string; slug: string; plan: string; trial_ends_at: Date | null };
  state: billing.BillingState;
  seats: number;
}

export async function readBilling(tx: Tx, tenantId: string): Promise<BillingView> {
  const [tenant, row, seats] = await Promise.all([
    identity.getTenant(tx, tenantId),
    billing.findBillingAccount(tx, tenantId),
    billing.countSeats(tx, tenantId),
  ]);
  if (!tenant) throw new Error(`tenant ${tenantId} has no row`);
  return { tenant, state: billing.billingStateOf(row), seats };
}

function planSource(view: BillingView, plan: identity.Plan, onTrial: boolean): z.output<typeof BillingStatus>['planSource'] {
  if (onTrial) return 'trial';
  const sub = view.state.subscription;
  if (sub && billing.isLive(sub.status) && sub.plan === plan) return 'subscription';
  // Free after a trial ran out or a subscription ended; any other plan was set by an operator.
  return plan === 'free' ? 'default' : 'operator';
}

export function statusOf(services: Services, view: BillingView): z.output<typeof BillingStatus> {
  const now = services.clock.now();
  const { plan, onTrial } = billing.tenantPlanOf(view.tenant, now);
  const sub = view.state.subscription;
  return {
    plan,
    planSource: planSource(view, plan, onTrial),
    trialEndsAt: iso(view.tenant.trial_ends_at),
    trialActive: onTrial,
    seats: view.seats,
    subscription: sub
      ? {
          id: sub.subscription_id,
          plan: sub.plan,
          interval: sub.interval,
          status: sub.status,
          currentPeriodEnd: sub.current_period_end,
          cancelAtPeriodEnd: sub.cancel_at_period_end,
        }
      : null,
    hasBillingAccount: view.state.customerId !== null,
    billingConfigured: services.billing !== undefined,
    offers: offered(services.billing).map((k) => {
      const [planId, interval] = k.split(':') as [PaidPlan, billing.BillingInterval];
      return { planId, interval };
    }),
  };
}
