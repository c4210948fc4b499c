import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Billing with Stripe (document 001). `billing_accounts` is the read model of the tenant's billing
// stream (`billing/<tenant id>`): its Stripe customer and its subscription as Stripe last told us.
// `billing_webhook_events` remembers the Stripe events already handled, so a delivery Stripe sends
// again changes nothing. No secret is stored: the Stripe key lives in the server's configuration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table billing_accounts (
      tenant_id            uuid        not null,
      id                   uuid        primary key,
      customer_id          text,
      subscription_id      text,
      plan                 text,
      billing_interval     text,
      status               text,
      current_period_end   timestamptz,
      cancel_at_period_end boolean     not null default false,
      last_stripe_event_at timestamptz,
      version              bigint      not null,
      created_at           timestamptz not null,
      updated_at           timestamptz not null
    );
    create unique index billing_accounts_tenant_customer on billing_accounts (tenant_id, customer_id);
    -- The webhook finds the tenant by the customer Stripe names (a system lookup, across tenants).
    create index billing_accounts_customer on billing_accounts (customer_id) where customer_id is not null;
    select crm_enable_tenant_rls('billing_accounts');

    create table billing_webhook_events (
      tenant_id       uuid        not null,
      stripe_event_id text        not null,
      event_type      text        not null,
      received_at     timestamptz not null default now(),
      primary key (tenant_id, stripe_event_id)
    );
    select crm_enable_tenant_rls('billing_webhook_events');
  `)
    .execute(db);
}
