import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Document 001's entity registry and platform events.
//
// The registry's canonical entities are the persons and companies themselves (no table of their
// own); `registry_entities` is the read model of the registry's stream per canonical entity
// (`registry/<canonical id>`: its class, its version, and whether it was merged into another), and
// `registry_links` the records of other apps attached to one. A reference (app, entity type,
// entity id) names at most one canonical entity per tenant.
//
// Platform events are analytics facts, not aggregate state: they go to an append-only table of
// their own (see the README), written in one multi-row statement per batch. crm_app may insert
// and read them, never delete them; it may only clear their metadata (erasure of a person).

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table registry_entities (
      tenant_id    uuid        not null,
      id           uuid        primary key,
      entity_class text        not null,
      merged_into  uuid,
      merged_at    timestamptz,
      version      bigint      not null,
      created_at   timestamptz not null,
      updated_at   timestamptz not null
    );
    create index registry_entities_tenant_merged on registry_entities (tenant_id, merged_into) where merged_into is not null;
    select crm_enable_tenant_rls('registry_entities');

    create table registry_links (
      tenant_id     uuid        not null,
      id            uuid        primary key,
      canonical_id  uuid        not null,
      entity_class  text        not null,
      app           text        not null,
      entity_type   text        not null,
      entity_id     text        not null,
      linked_via    text        not null,
      linked_by     integer,
      created_at    timestamptz not null
    );
    create unique index registry_links_tenant_ref on registry_links (tenant_id, app, entity_type, entity_id);
    create index registry_links_tenant_canonical on registry_links (tenant_id, canonical_id, created_at);
    select crm_enable_tenant_rls('registry_links');

    create table platform_events (
      tenant_id     uuid        not null,
      id            bigint      generated always as identity primary key,
      canonical_id  uuid        not null,
      app           text        not null,
      category      text        not null,
      action        text        not null,
      metadata      jsonb       not null,
      occurred_at   timestamptz not null,
      recorded_at   timestamptz not null default now(),
      actor_user_id integer
    );
    -- The one index reads need: an entity's events by time, newest first.
    create index platform_events_entity on platform_events (tenant_id, canonical_id, occurred_at desc, id desc);
    select crm_enable_tenant_rls('platform_events');
    revoke update, delete on platform_events from crm_app;
    -- Erasure of a person clears the free-form metadata of their events; nothing else ever changes.
    grant update (metadata) on platform_events to crm_app;
    grant usage on all sequences in schema public to crm_app, crm_system;
  `)
    .execute(db);
}
