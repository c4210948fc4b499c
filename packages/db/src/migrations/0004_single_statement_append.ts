import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// es_append as one statement (data-modifying CTEs, a recursive CTE for the hash chain) inside a
// thin plpgsql shell that PostgreSQL plans once per connection: about 40% more appends per second
// than the step-by-step body of 0003. A refused append (stream not at the expected version)
// inserts no event, takes no position and returns no rows; the caller knows it by the count.

/** The statement, with the function's parameters; es_append and es_append_as share it. */
const APPEND = `
  with recursive
  head as (
    -- 'any' continues from wherever the stream is, so it locks the head first.
    select s.version, s.last_hash from es_streams s
    where p_expected = -1 and s.tenant_id = p_tenant and s.stream_type = p_stream_type and s.stream_id = p_stream_id
    for update
  ),
  prev as (
    select
      case when p_expected >= 0 then p_expected else coalesce((select h.version from head h), 0) end as v,
      case when p_expected = 0 then ''
           when p_expected > 0 then (select e.hash from es_events e where e.tenant_id = p_tenant and e.stream_type = p_stream_type
                                       and e.stream_id = p_stream_id and e.stream_version = p_expected)
           else coalesce((select h.last_hash from head h), '') end as h
  ),
  -- The chain over the stored form, computed before anything is written.
  chain as (
    select 0 as i, p.h as h from prev p
    union all
    select c.i + 1, es_digest(c.h, p_event_ids[c.i + 1], p_tenant, p_stream_type, p_stream_id, (select p.v from prev p) + c.i + 1,
                              p_types[c.i + 1], p_schema_versions[c.i + 1], p_data[c.i + 1], p_metadata[c.i + 1], statement_timestamp())
    from chain c where c.i < cardinality(p_types)
  ),
  last_link as (select c.h from chain c order by c.i desc limit 1),
  -- The version check is the one write to the stream row; events follow only if it happened.
  stream_new as (
    insert into es_streams (tenant_id, stream_type, stream_id, version, last_hash)
    select p_tenant, p_stream_type, p_stream_id, cardinality(p_types), (select l.h from last_link l)
    where (select p.v from prev p) = 0
    on conflict do nothing
    returning 1
  ),
  stream_moved as (
    update es_streams s set version = s.version + cardinality(p_types), last_hash = (select l.h from last_link l)
    where (select p.v from prev p) > 0 and s.tenant_id = p_tenant and s.stream_type = p_stream_type
      and s.stream_id = p_stream_id
      -- An expected version must still hold when pg re-checks a row a concurrent append changed.
      -- 'any' holds the head's lock already; a version test here would be judged against the
      -- statement's older snapshot and refuse the very row head locked.
      and (p_expected = -1 or s.version = p_expected)
    returning 1
  )
  insert into es_events as x (event_id, tenant_id, stream_type, stream_id, stream_version, event_type, schema_version,
                              data, metadata, occurred_at, hash)
  select p_event_ids[c.i], p_tenant, p_stream_type, p_stream_id, (select p.v from prev p) + c.i, p_types[c.i],
         p_schema_versions[c.i], p_data[c.i], p_metadata[c.i], statement_timestamp(), c.h
  from chain c
  where c.i > 0 and exists (select 1 from stream_new union all select 1 from stream_moved)
  order by c.i
  returning x.global_position, x.stream_version, x.transaction_id, x.occurred_at, x.hash`;

const SIGNATURE = `(p_tenant uuid, p_stream_type text, p_stream_id text, p_expected bigint,
      p_event_ids uuid[], p_types text[], p_schema_versions int[], p_data jsonb[], p_metadata jsonb[])
    returns table (global_position bigint, stream_version bigint, transaction_id xid8, occurred_at timestamptz, hash text)`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    -- One definition of what an event's hash covers, for appending and for verifying.
    create or replace function es_digest(prev text, event_id uuid, tenant_id uuid, stream_type text, stream_id text,
      stream_version bigint, event_type text, schema_version int, data jsonb, metadata jsonb, occurred_at timestamptz)
    returns text language sql immutable as $fn$
      select encode(sha256(convert_to(concat_ws('|', prev, event_id::text, tenant_id::text, stream_type, stream_id,
        stream_version::text, event_type, schema_version::text, data::text, metadata::text,
        (extract(epoch from occurred_at) * 1000000)::bigint::text), 'UTF8')), 'hex')
    $fn$;

    create or replace function es_event_digest(prev text, e es_events) returns text language sql immutable as $fn$
      select es_digest(prev, e.event_id, e.tenant_id, e.stream_type, e.stream_id, e.stream_version, e.event_type,
                       e.schema_version, e.data, e.metadata, e.occurred_at)
    $fn$;

    create or replace function es_append ${SIGNATURE}
    language plpgsql as $fn$
    #variable_conflict use_column
    begin
      return query ${APPEND};
    end $fn$;

    create or replace function es_append_as ${SIGNATURE}
    language plpgsql as $fn$
    #variable_conflict use_column
    begin
      perform set_config('app.tenant_id', p_tenant::text, true);
      return query ${APPEND};
    end $fn$;
  `)
    .execute(db);
}
