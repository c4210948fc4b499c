import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
// Every table here is a projection of es_events: no column may hold anything but what the events
// say (no now(), no random ids), so a rebuild from position 0 reproduces it row for row.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table crm_stages (
      tenant_id  uuid    not null,
      id         uuid    primary key,
      name       text    not null,
      color      text    not null,
      position   integer not null,
      is_won     boolean not null,
      is_lost    boolean not null,
      version    bigint  not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index crm_stages_tenant_position on crm_stages (tenant_id, position);
    select crm_enable_tenant_rls('crm_stages');

    create table crm_deals (
      tenant_id        uuid    not null,
      id               uuid    primary key,
      name             text    not null,
      domain           text,
      value_usd        numeric(16, 2) not null,
      stage_id         uuid    not null,
      owner_user_id    integer,
      stage_entered_at timestamptz not null,
      version          bigint  not null,
      created_by       integer,
      created_at       timestamptz not null,
      updated_at       timestamptz not null
    );
    -- Kanban columns page by (stage, created_at desc, id); counts and sums come from the same index.
    create index crm_deals_board on crm_deals (tenant_id, stage_id, created_at desc, id desc) include (value_usd);
    create index crm_deals_owner on crm_deals (tenant_id, owner_user_id);
    create index crm_deals_list on crm_deals (tenant_id, created_at desc, id desc);
    select crm_enable_tenant_rls('crm_deals');

    create table crm_deal_contacts (
      tenant_id  uuid not null,
      id         uuid primary key,
      deal_id    uuid not null,
      person_id  uuid not null,
      role       text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create unique index crm_deal_contacts_deal_person on crm_deal_contacts (deal_id, person_id);
    create index crm_deal_contacts_person on crm_deal_contacts (tenant_id, person_id);
    select crm_enable_tenant_rls('crm_deal_contacts');

    create table crm_activities (
      tenant_id     uuid not null,
      id            uuid primary key,
      deal_id       uuid not null,
      type          text not null,
      body          text not null,
      scheduled_for timestamptz,
      actor_user_id integer,
      data          jsonb not null,
      created_at    timestamptz not null
    );
    create index crm_activities_deal on crm_activities (tenant_id, deal_id, created_at desc, id desc);
    select crm_enable_tenant_rls('crm_activities');

    -- Who changed what on a deal, when, before and after: one row per deal event.
    create table crm_deal_timeline (
      tenant_id      uuid   not null,
      deal_id        uuid   not null,
      stream_version bigint not null,
      event_type     text   not null,
      actor_user_id  integer,
      changes        jsonb  not null,
      occurred_at    timestamptz not null,
      primary key (deal_id, stream_version)
    );
    create index crm_deal_timeline_tenant on crm_deal_timeline (tenant_id, deal_id);
    select crm_enable_tenant_rls('crm_deal_timeline');

    -- People (document 003). A deal contact is a person, found by email before a twin is made.
    create table persons (
      tenant_id        uuid not null,
      id               uuid primary key,
      name             text not null,
      primary_email    text,
      emails           jsonb not null,
      contact_numbers  jsonb not null,
      job_title        text not null,
      organization_id  uuid,
      owner_user_id    integer,
      platform_user_id integer,
      lifecycle_stage  text not null,
      unique_id        text not null,
      active           boolean not null,
      merged_into      uuid,
      metadata         jsonb not null,
      version          bigint not null,
      created_at       timestamptz not null,
      updated_at       timestamptz not null
    );
    create unique index persons_tenant_email on persons (tenant_id, lower(primary_email))
      where primary_email is not null and merged_into is null;
    select crm_enable_tenant_rls('persons');
  `)
    .execute(db);
}
