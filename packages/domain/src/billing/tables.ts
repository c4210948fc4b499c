/** The tenant's billing stream, folded (migration 0027): its Stripe customer and subscription. */
export interface BillingAccountsTable {
  tenant_id: string;
  /** The tenant's id: one billing account per tenant. */
  id: string;
  customer_id: string | null;
  subscription_id: string | null;
  plan: string | null;
  billing_interval: string | null;
  status: string | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  last_stripe_event_at: Date | null;
  version: string;
  created_at: Date;
  updated_at: Date;
}

/** Stripe events already handled: a delivery sent again is recognised and changes nothing. */
export interface BillingWebhookEventsTable {
  tenant_id: string;
  stripe_event_id: string;
  event_type: string;
  received_at: Date;
}

declare module '@crm/db' {
  interface Database {
    billing_accounts: BillingAccountsTable;
    billing_webhook_events: BillingWebhookEventsTable;
  }
}
