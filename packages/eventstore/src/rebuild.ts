import { asOwner, type Db, inSystem, type Tx } from '@crm/db';
import { sql } from 'kysely';
import { type Column, columnTypes } from './bulk-insert.ts';
import { type BulkSession, handledBy, type Projection, type Write } from './projection.ts';
import { readEvents } from './read-events.ts';
import type { Upcasters } from './upcast.ts';
import type { EventCodec } from './codec.ts';

/**
 * Every append holds ROW EXCLUSIVE on es_events until it commits; SHARE conflicts with it, so
 * taking SHARE waits for every append in flight and holds new ones until this transaction ends.
 */
const holdAppends = (tx: Tx) => sql`lock table es_events in share mode`.execute(tx);
const SHADOW = 'crm_rebuild';

export interface RebuildOptions {
  upcasters?: Upcasters;
  /** Opens sealed events (the store's codec); without it a projection would see the sealed form. */
  codec?: EventCodec;
  batchSize?: number;
  /** Swap the rebuilt tables in (blue/green). Without it, the shadow is compared and dropped. */
  swap: boolean;
}

export interface RebuildReport {
  events: number;
  ms: number;
  /** Per table, rows that differ between live and rebuilt (only when not swapping). */
  differences: Record<string, { onlyLive: number; onlyRebuilt: number }>;
}

/** The live table's primary key, unique constraints and indexes, recreated on its shadow under the same names. */
async function copyIndexes(tx: Tx, table: string) {
  const { rows: constraints } = await sql<{ name: string; def: string }>`select conname as name, pg_get_constraintdef(oid) as def
    from pg_constraint where conrelid = ${`public."${table}"`}::regclass and contype in ('p', 'u')`.execute(tx);
  for (const c of constraints) await sql.raw(`alter table ${SHADOW}."${table}" add constraint "${c.name}" ${c.def}`).execute(tx);
  const { rows: indexes } = await sql<{ name: string; def: string }>`select indexname as name, indexdef as def from pg_indexes
    where schemaname = 'public' and tablename = ${table} and indexname <> all(${constraints.map((c) => c.name)}::text[])`.execute(tx);
  for (const i of indexes) {
    await sql
      .raw(i.def.replace(` ON public.${table} `, ` ON ${SHADOW}.${table} `).replace(` ON public."${table}" `, ` ON ${SHADOW}."${table}" `))
      .execute(tx);
  }
}

/**
 * Replays every event from position 0 into shadow copies of the projections' tables, then either
 * swaps them in or compares them with the live ones. Live traffic goes on during the bulk phase;
 * only the short tail (events since the bulk phase started) and the swap run with appends held.
 *
 * Projections with a bulk session fold the whole replay in memory and write each row once into a
 * table without indexes; the indexes come after the load. The tail then goes through apply(),
 * like any inline append. Reading by global position is safe: positions are taken after a
 * stream's row lock, so they follow stream order, and each phase reads only below a position at
 * which nothing was in flight.
 */
export async function rebuildProjections(db: Db, projections: Projection[], options: RebuildOptions): Promise<RebuildReport> {
  const started = performance.now();
  const tables = projections.flatMap((p) => p.tables);
  const handles = [...new Set(projections.flatMap((p) => p.handles))];
  const batchSize = options.batchSize ?? 5000;
  const columns = new Map<string, Column[]>();
  await asOwner(db, async (tx) => {
    await sql.raw(`create schema if not exists ${SHADOW}`).execute(tx);
    for (const t of tables) {
      await sql
        .raw(`drop table if exists ${SHADOW}."${t}"; create table ${SHADOW}."${t}" (like public."${t}" including all excluding indexes)`)
        .execute(tx);
      columns.set(t, await columnTypes(tx, `${SHADOW}."${t}"`));
    }
  });
  const sessions = new Map<Projection, BulkSession>();
  for (const p of projections) {
    const session = p.bulk?.((t) => columns.get(t) ?? []);
    if (session) sessions.set(p, session);
  }
  // Projections without a bulk session upsert as they go, so they need their keys from the start.
  await asOwner(db, async (tx) => {
    for (const p of projections) if (!sessions.has(p)) for (const t of p.tables) await copyIndexes(tx, t);
  });

  // The bulk phase's horizon: with appends held for an instant, everything up to here has committed.
  const horizon = await asOwner(db, async (tx) => {
    await holdAppends(tx);
    const { rows } = await sql<{ max: string | null }>`select max(global_position)::text as max from es_events`.execute(tx);
    return rows[0]?.max ?? '0';
  });

  let position = '0';
  let count = 0;
  const strings = new Map<string, string>();
  const readBatch = async (tx: Tx, upTo: string | null) => {
    const events = await readEvents(tx, position, upTo, handles, batchSize, options.codec, options.upcasters, strings);
    if (events.length > 0) position = events.at(-1)!.globalPosition;
    count += events.length;
    return events;
  };
  /**
   * A transaction on the shadow tables. Until the swap, what is written there is worth nothing after
   * a crash (a rebuild starts over), so the bulk phase's commits do not wait for their WAL flush
   * (`durable` false); the swap's commit waits, and flushes all the WAL before it.
   */
  const inShadow = async <T>(fn: (tx: Tx) => Promise<T>, durable = true) =>
    asOwner(db, async (tx) => {
      await sql.raw(`set local search_path = ${SHADOW}, public${durable ? '' : '; set local synchronous_commit = off'}`).execute(tx);
      return fn(tx);
    });

  // Three things overlap: reading the next batch (its own connection), folding this one (here, in
  // memory) and writing the previous one's rows. Each projection's writes go in order, one at a
  // time, but the projections write side by side on their own connections (their tables are
  // disjoint), so PostgreSQL ingests on other cores while this process folds. Each write is its own
  // transaction: the shadow tables are private, and a long transaction would hold back every
  // checkpointed reader in the cluster for the whole rebuild.
  const writing = new Map<Projection, Promise<void>>();
  /** Waits for every projection's write in flight (rethrowing a failure), then starts these without waiting. */
  const write = async (jobs: Array<[Projection, Write[]]>) => {
    await Promise.all(writing.values());
    for (const [p, list] of jobs) {
      if (list.length === 0) continue;
      const done = inShadow(async (tx) => {
        for (const job of list) await job(tx);
      }, false);
      done.catch(() => {}); // handled where it is next awaited; not an unhandled rejection meanwhile
      writing.set(p, done);
    }
  };
  const read = () => inSystem(db, (tx) => readBatch(tx, horizon));
  let next = read();
  for (;;) {
    const events = await next;
    const full = events.length === batchSize;
    if (full) next = read();
    const jobs: Array<[Projection, Write[]]> = [];
    for (const p of projections) {
      const mine = handledBy(p, events);
      if (mine.length === 0) continue;
      const session = sessions.get(p);
      if (session) {
        const job = session.add(mine);
        if (job) jobs.push([p, [job]]);
      } else jobs.push([p, [(tx) => p.apply(tx, mine)]]);
    }
    await write(jobs);
    if (!full) break;
  }
  await Promise.all(writing.values());
  // Each session writes what it holds in its own chain of transactions, beside the others, so one
  // session encodes while another's rows are ingested. Then each table gets its keys and indexes,
  // the tables side by side (an index build is one backend's work).
  await Promise.all(
    [...sessions.values()].map(async (session) => {
      for (const job of session.finish()) await inShadow(job, false);
    }),
  );
  await Promise.all([...sessions.keys()].flatMap((p) => p.tables.map((t) => asOwner(db, (tx) => copyIndexes(tx, t)))));

  const differences: RebuildReport['differences'] = {};
  await inShadow(async (tx) => {
    await holdAppends(tx);
    for (;;) {
      const events = await readBatch(tx, null);
      for (const p of projections) {
        const mine = handledBy(p, events);
        if (mine.length > 0) await p.apply(tx, mine);
      }
      if (events.length < batchSize) break;
    }
    if (options.swap) {
      for (const t of tables) {
        await sql.raw(`drop table public."${t}"; alter table ${SHADOW}."${t}" set schema public`).execute(tx);
        await sql`select crm_enable_tenant_rls(${`public."${t}"`}::regclass, ${t === 'tenants' ? 'id' : 'tenant_id'})`.execute(tx);
      }
    } else {
      for (const t of tables) {
        const { rows } = await sql
          .raw<{ only_live: string; only_rebuilt: string }>(`select
            (select count(*) from (select * from public."${t}" except all select * from ${SHADOW}."${t}") a) as only_live,
            (select count(*) from (select * from ${SHADOW}."${t}" except all select * from public."${t}") b) as only_rebuilt`)
          .execute(tx);
        differences[t] = { onlyLive: Number(rows[0]!.only_live), onlyRebuilt: Number(rows[0]!.only_rebuilt) };
        await sql.raw(`drop table ${SHADOW}."${t}"`).execute(tx);
      }
    }
  });
  return { events: count, ms: performance.now() - started, differences };
}
