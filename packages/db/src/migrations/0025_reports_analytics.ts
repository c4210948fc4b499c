import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Document 000's reports, scheduled reports and usage analytics.
//
// report_industry_rollups: the pre-computed industry benchmarks ("pre-computed rollups, not live
// queries"), one row per (tenant, industry slug), rewritten whole for a tenant by the rollup
// worker; report_rollup_state says when and through which event it last did so.
//
// report_schedules: read model of the `report_schedule/<id>` streams. report_runs: one row per
// (schedule, 5-minute bucket) the worker fired; its primary key is the run key that makes a
// schedule fire at most once per bucket, however many server processes race for it.
//
// analytics_events: usage facts from the dashboard, append-only like platform_events (crm_app
// may insert and read, never change or delete).
//
// mail_outbox.attachments: files a message carries (a scheduled report's PDF, CSV or JSON),
// `[{filename, content_type, content_base64}]`; null for plain messages.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table report_industry_rollups (
      tenant_id          uuid             not null,
      industry           text             not null,
      name               text             not null,
      organizations      integer          not null,
      enrichment_rate    double precision not null,
      persons            integer          not null,
      persons_with_email integer          not null,
      new_last_30        integer          not null,
      new_prior_30       integer          not null,
      top_domains        jsonb            not null,
      computed_at        timestamptz      not null,
      primary key (tenant_id, industry)
    );
    select crm_enable_tenant_rls('report_industry_rollups');

    create table report_rollup_state (
      tenant_id        uuid        primary key,
      computed_at      timestamptz not null,
      through_position bigint
    );
    select crm_enable_tenant_rls('report_rollup_state');

    create table report_schedules (
      tenant_id   uuid        not null,
      id          uuid        primary key,
      report_type text        not null,
      industry    text,
      cron        text        not null,
      recipients  jsonb       not null,
      format      text        not null,
      created_by  integer,
      version     bigint      not null,
      created_at  timestamptz not null,
      updated_at  timestamptz not null
    );
    create index report_schedules_tenant on report_schedules (tenant_id, created_at, id);
    select crm_enable_tenant_rls('report_schedules');

    create table report_runs (
      tenant_id    uuid        not null,
      schedule_id  uuid        not null,
      bucket       timestamptz not null,
      scheduled_for timestamptz not null,
      status       text        not null check (status in ('queued', 'skipped')),
      reason       text,
      mail_ids     jsonb       not null default '[]',
      fired_at     timestamptz not null,
      primary key (tenant_id, schedule_id, bucket)
    );
    select crm_enable_tenant_rls('report_runs');

    create table analytics_events (
      tenant_id   uuid        not null,
      id          bigint      generated always as identity primary key,
      event_type  text        not null,
      page        text        not null,
      session_id  text,
      user_id     integer,
      properties  jsonb       not null,
      occurred_at timestamptz not null default now()
    );
    create index analytics_events_tenant_time on analytics_events (tenant_id, occurred_at);
    select crm_enable_tenant_rls('analytics_events');
    revoke update, delete on analytics_events from crm_app;
    grant usage on all sequences in schema public to crm_app, crm_system;

    alter table mail_outbox add column attachments jsonb;
  `)
    .execute(db);
}
