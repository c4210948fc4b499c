import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    -- Roles are cluster-wide; several databases (parallel test runs) may race to create them.
    do $$ begin create role crm_app nologin; exception when duplicate_object or unique_violation then null; end $$;
    do $$ begin create role crm_system nologin bypassrls; exception when duplicate_object or unique_violation then null; end $$;
    do $$ begin execute format('grant crm_app, crm_system to %I', current_user); exception when others then null; end $$;
    grant usage on schema public to crm_app, crm_system;

    -- Turns on row-level security for a tenant table and grants the app roles their rights. Also
    -- used after a projection rebuild swaps a shadow table in (LIKE copies neither policy nor grant).
    create or replace function crm_enable_tenant_rls(tbl regclass, col text default 'tenant_id') returns void
    language plpgsql as $fn$
    begin
      execute format('alter table %s enable row level security', tbl);
      execute format('drop policy if exists tenant_isolation on %s', tbl);
      execute format(
        'create policy tenant_isolation on %s using (%I = nullif(current_setting(''app.tenant_id'', true), '''')::uuid) '
        'with check (%I = nullif(current_setting(''app.tenant_id'', true), '''')::uuid)', tbl, col, col);
      execute format('grant select, insert, update, delete on %s to crm_app, crm_system', tbl);
    end $fn$;

    -- ---------------------------------------------------------------- event store
    create table es_streams (
      tenant_id   uuid   not null,
      stream_type text   not null,
      stream_id   text   not null,
      version     bigint not null,
      last_hash   text   not null,
      primary key (tenant_id, stream_type, stream_id)
    );

    create table es_events (
      global_position bigint generated always as identity primary key,
      event_id        uuid        not null,
      tenant_id       uuid        not null,
      stream_type     text        not null,
      stream_id       text        not null,
      stream_version  bigint      not null,
      event_type      text        not null,
      schema_version  int         not null,
      data            jsonb       not null,
      metadata        jsonb       not null,
      occurred_at     timestamptz not null,
      transaction_id  xid8        not null default pg_current_xact_id(),
      hash            text        not null,
      unique (tenant_id, stream_type, stream_id, stream_version)
    );
    -- Checkpointed readers order by (transaction id, position) and read below the snapshot's xmin.
    create index es_events_tx_order on es_events (transaction_id, global_position);
    create index es_events_tenant_tx_order on es_events (tenant_id, transaction_id, global_position);

    -- Projection checkpoints hold no tenant data: one row per projection, written by workers.
    create table es_checkpoints (
      name           text primary key,
      transaction_id xid8   not null default '0'::xid8,
      position       bigint not null default 0,
      updated_at     timestamptz not null default now()
    );
    grant select, insert, update on es_checkpoints to crm_system;

    -- The stored form an event's hash covers; es_verify recomputes exactly this.
    create or replace function es_event_digest(prev text, e es_events) returns text
    language sql immutable as $fn$
      select encode(sha256(convert_to(concat_ws('|', prev, e.event_id::text, e.tenant_id::text, e.stream_type,
        e.stream_id, e.stream_version::text, e.event_type, e.schema_version::text, e.data::text, e.metadata::text,
        (extract(epoch from e.occurred_at) * 1000000)::bigint::text), 'UTF8')), 'hex')
    $fn$;

    -- Appends events to one stream in one round trip. p_expected: -1 any version, 0 the stream
    -- must not exist, n the stream must be at exactly version n. The version check happens before
    -- any global position is taken; a mismatch raises SQLSTATE CR409.
    create or replace function es_append(
      p_tenant uuid, p_stream_type text, p_stream_id text, p_expected bigint,
      p_event_ids uuid[], p_types text[], p_schema_versions int[], p_data jsonb[], p_metadata jsonb[])
    returns table (global_position bigint, stream_version bigint, transaction_id xid8, occurred_at timestamptz, hash text)
    language plpgsql as $fn$
    declare
      n int := cardinality(p_types);
      v bigint;
      h text;
      e es_events;
      now_ts timestamptz := clock_timestamp();
    begin
      -- Shared with every other append; a projection swap takes it exclusively to see no append in flight.
      perform pg_advisory_xact_lock_shared(7342001);
      if p_expected = 0 then
        insert into es_streams as s values (p_tenant, p_stream_type, p_stream_id, n, '') on conflict do nothing;
        if not found then
          raise exception 'stream %/% already exists', p_stream_type, p_stream_id using errcode = 'CR409';
        end if;
        v := 0; h := '';
      elsif p_expected > 0 then
        update es_streams s set version = s.version + n
          where s.tenant_id = p_tenant and s.stream_type = p_stream_type and s.stream_id = p_stream_id
            and s.version = p_expected
          returning s.last_hash into h;
        if not found then
          raise exception 'stream %/% is not at version %', p_stream_type, p_stream_id, p_expected using errcode = 'CR409';
        end if;
        v := p_expected;
      else
        insert into es_streams as s values (p_tenant, p_stream_type, p_stream_id, n, '')
          on conflict (tenant_id, stream_type, stream_id) do update set version = s.version + n
          returning s.version - n, s.last_hash into v, h;
      end if;
      for i in 1 .. n loop
        e.event_id := p_event_ids[i]; e.tenant_id := p_tenant; e.stream_type := p_stream_type;
        e.stream_id := p_stream_id; e.stream_version := v + i; e.event_type := p_types[i];
        e.schema_version := p_schema_versions[i]; e.data := p_data[i]; e.metadata := p_metadata[i];
        e.occurred_at := now_ts;
        h := es_event_digest(h, e);
        insert into es_events (event_id, tenant_id, stream_type, stream_id, stream_version, event_type,
                               schema_version, data, metadata, occurred_at, hash)
          values (e.event_id, e.tenant_id, e.stream_type, e.stream_id, e.stream_version, e.event_type,
                  e.schema_version, e.data, e.metadata, e.occurred_at, h)
          returning es_events.global_position, es_events.stream_version, es_events.transaction_id,
                    es_events.occurred_at, es_events.hash
          into global_position, stream_version, transaction_id, occurred_at, hash;
        return next;
      end loop;
      update es_streams s set last_hash = h
        where s.tenant_id = p_tenant and s.stream_type = p_stream_type and s.stream_id = p_stream_id;
    end $fn$;

    select crm_enable_tenant_rls('es_streams');
    select crm_enable_tenant_rls('es_events');
    grant usage on all sequences in schema public to crm_app, crm_system;

    -- ---------------------------------------------------------------- identity (projections)
    create table tenants (
      id            uuid primary key,
      slug          text not null unique,
      name          text not null,
      plan          text not null,
      trial_ends_at timestamptz,
      status        text not null,
      created_at    timestamptz not null,
      updated_at    timestamptz not null
    );
    select crm_enable_tenant_rls('tenants', 'id');

    create sequence user_ids;
    grant usage on sequence user_ids to crm_app, crm_system;
    create table users (
      tenant_id      uuid    not null,
      id             integer primary key,
      email          text    not null,
      first_name     text    not null,
      last_name      text    not null,
      role           text    not null,
      status         text    not null,
      email_verified boolean not null,
      created_at     timestamptz not null,
      updated_at     timestamptz not null
    );
    create unique index users_tenant_email on users (tenant_id, lower(email));
    select crm_enable_tenant_rls('users');

    -- ---------------------------------------------------------------- secrets (state, never events)
    -- Password hashes and token hashes are not domain facts and must not live forever in the log.
    create table user_credentials (
      tenant_id     uuid    not null,
      user_id       integer primary key,
      password_hash text    not null,
      updated_at    timestamptz not null default now()
    );
    select crm_enable_tenant_rls('user_credentials');

    create table api_keys (
      tenant_id    uuid not null,
      id           uuid primary key,
      user_id      integer not null,
      name         text not null,
      prefix       text not null,
      key_hash     text not null unique,
      created_at   timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at   timestamptz
    );
    create index api_keys_tenant on api_keys (tenant_id);
    select crm_enable_tenant_rls('api_keys');

    create table refresh_tokens (
      tenant_id   uuid not null,
      id          uuid primary key,
      user_id     integer not null,
      family_id   uuid not null,
      token_hash  text not null unique,
      expires_at  timestamptz not null,
      revoked_at  timestamptz,
      replaced_by uuid,
      created_at  timestamptz not null default now()
    );
    create index refresh_tokens_family on refresh_tokens (family_id);
    select crm_enable_tenant_rls('refresh_tokens');
  `)
    .execute(db);
}
