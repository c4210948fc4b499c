import type { Tx } from '@crm/db';
import type { StoredEvent } from '@crm/eventstore';
import type { Firing, NotificationSource } from '../notifications/source.ts';
import { actorOf } from '../shared/events.ts';
import { tenantRows } from '../shared/rows.ts';
import '../identity/tables.ts';
import { isLive } from './decide.ts';
import { BillingEvent, isBillingEvent } from './events.ts';

// What billing tells the tenant's admins (the people who can act on it): a subscription became
// active, a payment failed, the subscription ended. Never the admin whose own act it was.

const PAYMENT_TROUBLE = ['past_due', 'unpaid'];

async function toAdmins(tx: Tx, e: StoredEvent, variables: Record<string, string>): Promise<Firing[]> {
  const admins = await tenantRows(tx, e.tenantId, 'users')
    .select('id')
    .where('role', '=', 'tenant_admin')
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
  return admins.filter((u) => u.id !== actorOf(e)).map((u) => ({ userId: u.id, variables, link: '/settings/billing' }));
}

/** The mail says what the inbox says. */
const sameInMail = (title: string, body: string) => ({ title, body, emailSubject: title, emailBody: body });
const BILLING = { module: 'billing', defaultChannels: { in_app: true, email: true } } as const;

export const billingNotificationSources: readonly NotificationSource[] = [
  {
    ...BILLING,
    key: 'billing.subscription_started',
    label: 'Subscription active',
    description: 'A checkout was paid: the tenant’s subscription is active and its plan in force.',
    eventTypes: [BillingEvent.SubscriptionStarted],
    variables: { plan: 'pro' },
    template: sameInMail(
      'Your {{plan}} subscription is active',
      'Payment received: the {{plan}} plan is now in force for your organization.',
    ),
    fire: (tx, e) => (isBillingEvent(e, 'SubscriptionStarted') && isLive(e.data.status) ? toAdmins(tx, e, { plan: e.data.plan }) : []),
  },
  {
    ...BILLING,
    key: 'billing.payment_failed',
    label: 'Payment failed',
    description: 'Stripe could not collect a subscription payment; the plan is kept while it retries (past due), then dropped (unpaid).',
    eventTypes: [BillingEvent.SubscriptionChanged],
    variables: { plan: 'pro', status: 'past_due' },
    template: sameInMail(
      'A payment for your {{plan}} subscription failed',
      'Stripe could not collect the payment (status: {{status}}). Update the payment method in the billing portal to keep the {{plan}} plan.',
    ),
    fire: (tx, e) =>
      isBillingEvent(e, 'SubscriptionChanged') && PAYMENT_TROUBLE.includes(e.data.status)
        ? toAdmins(tx, e, { plan: e.data.plan, status: e.data.status })
        : [],
  },
  {
    ...BILLING,
    key: 'billing.subscription_ended',
    label: 'Subscription ended',
    description: 'The subscription ended (cancelled, or never paid): the plan it paid for is no longer in force.',
    eventTypes: [BillingEvent.SubscriptionCancelled],
    variables: {},
    template: sameInMail(
      'Your subscription has ended',
      'Your organization’s subscription has ended. Buy a plan again in the billing settings to keep paid features.',
    ),
    fire: (tx, e) => toAdmins(tx, e, {}),
  },
];
