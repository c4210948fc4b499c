import { randomUUID } from 'node:crypto';
import { type DbHandle, inTenant } from '@crm/db';
import { eventCodec, eventSchemas, inlineProjections, pipeline, upcasters } from '@crm/domain';
import { EventStore } from '@crm/eventstore';
import { withClient } from './db.ts';
import { log } from './util.ts';

// Figure 4's data: about a million events in the shape the app writes, made by SQL in a few
// seconds instead of by a million appends. One tenant; its pipeline stream is appended through the
// real EventStore (so the stages exist and every deal event refers to a real stage), then ~100k
// deal streams are inserted directly by the table owner, with es_streams rows to match.
//
// Per deal stream k: 7 + k % 8 events (7..14, 10.5 on average). Version 1 is DealCreated; later
// versions are DealMoved (40%), DealUpdated (20%) or ActivityLogged (40%), picked by a fixed hash of
// (k, version). Moves walk the stages in order from the deal's first stage, and value updates step
// by 100, so every event's "from" is the previous event's "to". Event time: deal k is created at
// t0 + 10k seconds and its version v follows (v-1) × 50,000 s later, so streams interleave in the
// log as they would in use; positions follow time.

export interface SeedPlan {
  streams: number;
}

export interface Seeded {
  tenantId: string;
  events: number;
  seconds: number;
}

const EXTRA_STAGES = [
  { name: 'Bench 7', color: '#0ea5e9', is_won: false, is_lost: false },
  { name: 'Bench 8', color: '#14b8a6', is_won: false, is_lost: false },
];

export async function seedEvents(h: DbHandle, url: string, plan: SeedPlan): Promise<Seeded> {
  const started = performance.now();
  const tenantId = randomUUID();
  const stages = [...pipeline.stages.DEFAULT_STAGES, ...EXTRA_STAGES].map((s) => ({ ...s, stage_id: randomUUID() }));
  const store = new EventStore({ inlineProjections, upcasters, schemas: eventSchemas, codec: eventCodec });
  await inTenant(h.db, tenantId, (tx) =>
    store.append(
      tx,
      tenantId,
      pipeline.stages.pipelineStream(tenantId),
      'no_stream',
      [
        ...stages.map((data) => ({ type: pipeline.stages.StageEvent.StageAdded, data })),
        { type: pipeline.stages.StageEvent.StagesReordered, data: { stage_ids: stages.map((s) => s.stage_id) } },
      ],
      { source: 'system' },
    ),
  );

  await withClient(url, async (c) => {
    // The sort of ~1M rows into time order wants memory rather than temp files.
    await c.query(`set work_mem = '512MB'`);
    await c.query(
      `create temp table bench_deals as
         select k, gen_random_uuid() as id, k % $2::int as s0, 500 + (k * 37) % 20000 as base, 7 + k % 8 as n
         from generate_series(1, $1::int) k`,
      [plan.streams, stages.length],
    );
    log(`replay: inserting deal events for ${plan.streams} streams`);
    await c.query(
      `insert into es_events (event_id, tenant_id, stream_type, stream_id, stream_version, event_type, schema_version,
                              data, metadata, occurred_at, hash)
       select gen_random_uuid(), $1::uuid, 'deal', s.id::text, s.v, s.type, 1,
         case s.type
           when 'DealCreated' then jsonb_build_object('deal_id', s.id, 'name', 'Deal ' || s.k, 'domain', 'acme' || (s.k % 1000) || '.com',
             'value_usd', s.base || '.00', 'stage_id', ($2::uuid[])[s.s0 + 1], 'owner_user_id', null)
           when 'DealMoved' then jsonb_build_object(
             'from_stage_id', ($2::uuid[])[(s.s0 + s.moves - 1) % $4::int + 1], 'to_stage_id', ($2::uuid[])[(s.s0 + s.moves) % $4::int + 1],
             'reason', 'user',
             'from_stage_name', ($3::text[])[(s.s0 + s.moves - 1) % $4::int + 1], 'to_stage_name', ($3::text[])[(s.s0 + s.moves) % $4::int + 1])
           when 'DealUpdated' then jsonb_build_object('changes', jsonb_build_object('value_usd', jsonb_build_object(
             'from', (s.base + (s.updates - 1) * 100) || '.00', 'to', (s.base + s.updates * 100) || '.00')))
           else jsonb_build_object('activity_id', gen_random_uuid(), 'type', 'note',
             'body', 'Called the customer about deal ' || s.k, 'scheduled_for', null)
         end,
         '{"source":"system"}'::jsonb,
         now() + interval '1 minute' + make_interval(secs => s.k * 10 + (s.v - 1) * 50000),
         md5(s.k || ':' || s.v)
       from (
         select d.k, d.id, d.s0, d.base, e.v, e.type, e.moves, e.updates
         from bench_deals d cross join lateral (
           select v, type,
             (count(*) filter (where type = 'DealMoved') over (order by v))::int as moves,
             (count(*) filter (where type = 'DealUpdated') over (order by v))::int as updates
           from (
             select v, case when v = 1 then 'DealCreated'
                            when (d.k * 31 + v * 17) % 10 < 4 then 'DealMoved'
                            when (d.k * 31 + v * 17) % 10 < 6 then 'DealUpdated'
                            else 'ActivityLogged' end as type
             from generate_series(1, d.n) v
           ) x
         ) e
       ) s
       order by s.k * 10 + (s.v - 1) * 50000, s.k`,
      [tenantId, stages.map((s) => s.stage_id), stages.map((s) => s.name), stages.length],
    );
    await c.query(
      `insert into es_streams (tenant_id, stream_type, stream_id, version, last_hash)
       select $1::uuid, 'deal', id::text, n, md5(k || ':' || n) from bench_deals`,
      [tenantId],
    );
    // Set hint bits and statistics now, so neither timed read pays for the bulk load.
    log('replay: vacuum analyze');
    await c.query('vacuum (analyze) es_events');
    await c.query('vacuum (analyze) es_streams');
  });
  const events = await withClient(url, async (c) => Number((await c.query('select count(*)::int as n from es_events')).rows[0].n));
  return { tenantId, events, seconds: (performance.now() - started) / 1000 };
}
