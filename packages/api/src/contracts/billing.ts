import { billing as domain, identity } from '@crm/domain';
import { z } from 'zod';
import { PAID_PLANS } from '../billing/config.ts';
import { LIMITS } from '../limits.ts';
import { contract, noInput, rawText, timestamp } from './shared.ts';

// Document 001's billing: the tenant's plan and subscription, Stripe Checkout and the customer
// portal, cancellation; and our Stripe webhook (not in the document), which is how a paid or
// ended subscription reaches the tenant's plan.

const READ = { permission: 'billing.read' } as const;
const MANAGE = { permission: 'billing.manage' } as const;

const interval = z.enum(domain.BILLING_INTERVALS);
const plan = z.enum(identity.PLANS);

export const Subscription = z.object({
  id: z.string().describe('Stripe’s subscription id'),
  plan,
  interval,
  status: z.string().describe('Stripe’s status: active, trialing, past_due, unpaid, canceled, incomplete …'),
  currentPeriodEnd: timestamp.nullable(),
  cancelAtPeriodEnd: z.boolean().describe('true once cancelled: the plan stays until the period ends'),
});

export const BillingStatus = z.object({
  plan: plan.describe('the plan in force now (a trial that ran out is free)'),
  planSource: z
    .enum(['trial', 'subscription', 'operator', 'default'])
    .describe('trial: a running trial; subscription: paid through Stripe; operator: set by an operator; default: free'),
  trialEndsAt: timestamp.nullable().describe('the end of the trial, running or run out; null once a plan was set'),
  trialActive: z.boolean(),
  seats: z.number().int().describe('active users'),
  subscription: Subscription.nullable().describe('the latest subscription, ended ones included; null before the first'),
  hasBillingAccount: z.boolean().describe('a Stripe customer exists: the portal can open'),
  billingConfigured: z.boolean().describe('this server can take payments (STRIPE_SECRET_KEY is set)'),
  offers: z.array(z.object({ planId: plan, interval })).describe('the plans and intervals a checkout can buy'),
});

export const billingContracts = {
  status: contract('billing.status', {
    summary: 'The tenant’s billing: plan, where it comes from, trial, seats and subscription.',
    access: READ,
    input: noInput,
    output: BillingStatus,
  }),
  checkout: contract('billing.checkout', {
    summary: 'A Stripe Checkout session (subscription mode) for a plan and interval; send the admin to its url.',
    access: MANAGE,
    input: z.object({ planId: z.enum(PAID_PLANS), interval }).strict(),
    output: z.object({ url: z.string(), sessionId: z.string() }),
  }),
  portal: contract('billing.portal', {
    summary: 'A Stripe customer portal session for managing the subscription, payment methods and invoices.',
    access: MANAGE,
    input: noInput,
    output: z.object({ url: z.string() }),
  }),
  cancel: contract('billing.cancel', {
    summary: 'Cancels the subscription at the end of its period (the plan stays until then); answers the billing status.',
    access: MANAGE,
    input: noInput,
    output: BillingStatus,
  }),
  webhook: contract('billing.webhook', {
    summary: 'Stripe’s webhook: events signed with our endpoint’s secret (Stripe-Signature), each handled once.',
    access: { public: true },
    input: z.object({ payload: rawText(1, LIMITS.bodyBytes), signature: rawText(1, 4096) }),
    output: z.object({
      received: z.literal(true),
      outcome: z
        .enum(['applied', 'unchanged', 'duplicate', 'ignored'])
        .describe(
          'applied: billing changed; unchanged: nothing new; duplicate: this event was handled before; ignored: not ours or not a kind we handle',
        ),
    }),
  }),
};
