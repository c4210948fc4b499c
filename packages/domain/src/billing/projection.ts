import { rowCreated, rowStamp, typedRowProjection } from '../shared/events.ts';
import { BillingEvent, billingEventSchemas } from './events.ts';
import './tables.ts';

const at = (iso: string | null) => (iso ? new Date(iso) : null);

/** The tenant's billing account: one row per billing stream, folded inline and in rebuilds. */
export const billingAccountsProjection = typedRowProjection(billingEventSchemas, {
  name: 'billing.accounts',
  table: 'billing_accounts',
  key: 'id',
  columns: [
    'tenant_id',
    'id',
    'customer_id',
    'subscription_id',
    'plan',
    'billing_interval',
    'status',
    'current_period_end',
    'cancel_at_period_end',
    'last_stripe_event_at',
    'version',
    'created_at',
    'updated_at',
  ],
  handles: Object.values(BillingEvent),
  keysOf: (e) => [e.streamId],
  evolve(row, e) {
    const base = row ?? {
      ...rowCreated(e, e.streamId),
      customer_id: null,
      subscription_id: null,
      plan: null,
      billing_interval: null,
      status: null,
      current_period_end: null,
      cancel_at_period_end: false,
      last_stripe_event_at: null,
    };
    const next = { ...base, ...rowStamp(e) };
    if (e.type === BillingEvent.BillingCustomerAttached) return { ...next, customer_id: e.data.customer_id };
    const d = e.data;
    const seen = at(d.stripe_event_at) ?? base.last_stripe_event_at;
    if (e.type === BillingEvent.SubscriptionCancelled) {
      return { ...next, status: 'canceled', cancel_at_period_end: false, last_stripe_event_at: seen };
    }
    if (e.type !== BillingEvent.SubscriptionStarted && e.type !== BillingEvent.SubscriptionChanged) return next;
    return {
      ...next,
      subscription_id: e.data.subscription_id,
      plan: e.data.plan,
      billing_interval: e.data.interval,
      status: e.data.status,
      current_period_end: at(e.data.current_period_end),
      cancel_at_period_end: e.data.cancel_at_period_end,
      last_stripe_event_at: seen,
    };
  },
});
