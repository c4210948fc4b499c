import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Notification templates, digests and the email leg's bookkeeping (document 001,
// /api/v1/notifications/templates and /analytics).
// - notification_template_overrides: the read model of the `notification_template/<key>` streams of
//   a tenant: its customised in-app title/body and email subject/body (null: the system's). A row
//   projection keys on one column, so `id` is '<tenant id>:<template key>'.
// - notification_digest_settings: the read model of each user's `notification_digest/<user id>`
//   stream (frequency off/daily/weekly, local time, IANA zone, weekday).
// - notification_digests: state, not events: the digests sent, one per user and period (the
//   unique key is what makes two digest workers send one), for the statistics.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table notification_template_overrides (
      tenant_id     uuid        not null,
      id            text        primary key,
      template_key  text        not null,
      title         text,
      body          text,
      email_subject text,
      email_body    text,
      updated_by    integer,
      version       bigint      not null,
      created_at    timestamptz not null,
      updated_at    timestamptz not null
    );
    create unique index notification_template_overrides_key on notification_template_overrides (tenant_id, template_key);
    select crm_enable_tenant_rls('notification_template_overrides');

    create table notification_digest_settings (
      tenant_id  uuid        not null,
      user_id    integer     primary key,
      frequency  text        not null,
      local_time text        not null,
      timezone   text        not null,
      weekday    text        not null,
      version    bigint      not null,
      updated_at timestamptz not null
    );
    create index notification_digest_settings_tenant on notification_digest_settings (tenant_id);
    -- The digest worker's list: users with a digest on.
    create index notification_digest_settings_on on notification_digest_settings (frequency) where frequency <> 'off';
    select crm_enable_tenant_rls('notification_digest_settings');

    create table notification_digests (
      tenant_id  uuid        not null,
      id         uuid        primary key,
      user_id    integer     not null,
      period     text        not null,
      frequency  text        not null,
      item_count integer     not null,
      mail_id    uuid,
      sent_at    timestamptz not null
    );
    create unique index notification_digests_period on notification_digests (tenant_id, user_id, period);
    create index notification_digests_sent on notification_digests (tenant_id, sent_at desc);
    select crm_enable_tenant_rls('notification_digests');

    -- Analytics read a user's (or the tenant's) notifications of the last days by creation time.
    create index notifications_created on notifications (tenant_id, created_at);
  `)
    .execute(db);
}
