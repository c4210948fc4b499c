import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// es_append, leaner: one write to es_streams per append instead of two, no advisory lock (a
// projection swap now takes SHARE on es_events, which waits for every transaction that has
// appended), and es_append_as for a single-statement append outside any transaction.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create or replace function es_append(
      p_tenant uuid, p_stream_type text, p_stream_id text, p_expected bigint,
      p_event_ids uuid[], p_types text[], p_schema_versions int[], p_data jsonb[], p_metadata jsonb[])
    returns table (global_position bigint, stream_version bigint, transaction_id xid8, occurred_at timestamptz, hash text)
    language plpgsql as $fn$
    declare
      n int := cardinality(p_types);
      v bigint;
      h text;
      hashes text[] := '{}';
      e es_events;
      now_ts timestamptz := clock_timestamp();
    begin
      -- Where the chain continues from. For an expected version that is the stored hash of that
      -- event (immutable, so reading it before the check is safe); 'any' must lock the head first.
      if p_expected = 0 then
        v := 0; h := '';
      elsif p_expected > 0 then
        v := p_expected;
        select x.hash into h from es_events x where x.tenant_id = p_tenant and x.stream_type = p_stream_type
          and x.stream_id = p_stream_id and x.stream_version = p_expected;
        if not found then
          raise exception 'stream %/% is not at version %', p_stream_type, p_stream_id, p_expected using errcode = 'CR409';
        end if;
      else
        select s.version, s.last_hash into v, h from es_streams s
          where s.tenant_id = p_tenant and s.stream_type = p_stream_type and s.stream_id = p_stream_id for update;
        if not found then v := 0; h := ''; end if;
      end if;

      -- The chain is computed from the stored form before anything is written.
      for i in 1 .. n loop
        e.event_id := p_event_ids[i]; e.tenant_id := p_tenant; e.stream_type := p_stream_type;
        e.stream_id := p_stream_id; e.stream_version := v + i; e.event_type := p_types[i];
        e.schema_version := p_schema_versions[i]; e.data := p_data[i]; e.metadata := p_metadata[i];
        e.occurred_at := now_ts;
        h := es_event_digest(h, e);
        hashes := hashes || h;
      end loop;

      -- The version check is the one write to the stream row, before any global position is taken.
      if v = 0 then
        insert into es_streams as s values (p_tenant, p_stream_type, p_stream_id, n, h) on conflict do nothing;
        if not found then
          raise exception 'stream %/% already exists', p_stream_type, p_stream_id using errcode = 'CR409';
        end if;
      else
        update es_streams s set version = v + n, last_hash = h
          where s.tenant_id = p_tenant and s.stream_type = p_stream_type and s.stream_id = p_stream_id and s.version = v;
        if not found then
          raise exception 'stream %/% is not at version %', p_stream_type, p_stream_id, v using errcode = 'CR409';
        end if;
      end if;

      return query
        insert into es_events as x (event_id, tenant_id, stream_type, stream_id, stream_version, event_type,
                                    schema_version, data, metadata, occurred_at, hash)
        select p_event_ids[i], p_tenant, p_stream_type, p_stream_id, v + i, p_types[i],
               p_schema_versions[i], p_data[i], p_metadata[i], now_ts, hashes[i]
        from generate_series(1, n) as i
        returning x.global_position, x.stream_version, x.transaction_id, x.occurred_at, x.hash;
    end $fn$;

    -- One statement, its own transaction: sets the tenant for row-level security, then appends.
    -- For appends no inline projection has to see (EventStore.appendNow).
    create or replace function es_append_as(
      p_tenant uuid, p_stream_type text, p_stream_id text, p_expected bigint,
      p_event_ids uuid[], p_types text[], p_schema_versions int[], p_data jsonb[], p_metadata jsonb[])
    returns table (global_position bigint, stream_version bigint, transaction_id xid8, occurred_at timestamptz, hash text)
    language plpgsql as $fn$
    begin
      perform set_config('app.tenant_id', p_tenant::text, true);
      return query select * from es_append(p_tenant, p_stream_type, p_stream_id, p_expected,
        p_event_ids, p_types, p_schema_versions, p_data, p_metadata);
    end $fn$;
  `)
    .execute(db);
}
