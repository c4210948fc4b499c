import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// A tenant's email settings (document 001, /api/v1/settings/email/*). `email_settings` is the read
// model of the tenant's `email_settings` stream: one row per tenant, one jsonb document per section
// (smtp without its password, sender, tracking, compliance, footer, deliverability).
// `email_smtp_secrets` is state, not events: the SMTP password, encrypted with AES-256-GCM under a
// key derived from the server secret, written in the same transaction as the event that says a
// password was set. The log is kept forever and handed to analysts; a secret never enters it.
// The relay reads both (through crm_system) to send a tenant's mail over its own server.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table email_settings (
      tenant_id      uuid        primary key,
      smtp           jsonb,
      sender         jsonb       not null,
      tracking       jsonb       not null,
      compliance     jsonb       not null,
      footer         jsonb       not null,
      deliverability jsonb       not null,
      version        bigint      not null,
      updated_at     timestamptz not null
    );
    select crm_enable_tenant_rls('email_settings');

    create table email_smtp_secrets (
      tenant_id          uuid        primary key,
      password_encrypted text        not null,
      updated_at         timestamptz not null
    );
    select crm_enable_tenant_rls('email_smtp_secrets');
  `)
    .execute(db);
}
