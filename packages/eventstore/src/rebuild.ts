import { asOwner, type Db, type Tx } from '@crm/db';
import { sql } from 'kysely';
import type { EventRow } from './events-table.ts';
import { handledBy, type Projection } from './projection.ts';
import { toStoredEvent, type Upcasters } from './upcast.ts';

/** es_append takes this lock shared; holding it exclusively means no append is in flight. */
const APPEND_LOCK = 7342001;
const SHADOW = 'crm_rebuild';

export interface RebuildOptions {
  upcasters?: Upcasters;
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

/**
 * Replays every event from position 0 into shadow copies of the projections' tables, then either
 * swaps them in or compares them with the live ones. Live traffic goes on during the bulk phase;
 * only the short tail (events since the bulk phase started) and the swap run with appends held.
 *
 * Reading by global position is safe here: positions are taken after a stream's row lock, so they
 * follow stream order, and each phase reads only below a position at which nothing was in flight.
 */
export async function rebuildProjections(db: Db, projections: Projection[], options: RebuildOptions): Promise<RebuildReport> {
  const started = performance.now();
  const tables = projections.flatMap((p) => p.tables);
  const handles = [...new Set(projections.flatMap((p) => p.handles))];
  const batchSize = options.batchSize ?? 5000;

  await asOwner(db, async (tx) => {
    await sql.raw(`create schema if not exists ${SHADOW}`).execute(tx);
    for (const t of tables) {
      await sql.raw(`drop table if exists ${SHADOW}."${t}"; create table ${SHADOW}."${t}" (like public."${t}" including all)`).execute(tx);
    }
  });

  // The bulk phase's horizon: with appends held for an instant, everything up to here has committed.
  const horizon = await asOwner(db, async (tx) => {
    await sql`select pg_advisory_xact_lock(${APPEND_LOCK})`.execute(tx);
    const { rows } = await sql<{ max: string | null }>`select max(global_position)::text as max from es_events`.execute(tx);
    return rows[0]?.max ?? '0';
  });

  let position = '0';
  let count = 0;
  /** Replays the next batch (up to `upTo`); false once there is nothing left. */
  const replayBatch = async (tx: Tx, upTo: string | null): Promise<boolean> => {
    const { rows } = await sql<EventRow>`select * from es_events
      where global_position > ${position}::bigint ${upTo ? sql`and global_position <= ${upTo}::bigint` : sql``}
        and event_type = any(${handles}::text[])
      order by global_position limit ${batchSize}`.execute(tx);
    if (rows.length === 0) return false;
    const events = rows.map((r) => toStoredEvent(r, options.upcasters));
    for (const p of projections) {
      const mine = handledBy(p, events);
      if (mine.length > 0) await p.apply(tx, mine);
    }
    count += rows.length;
    position = rows.at(-1)!.global_position;
    return rows.length === batchSize;
  };
  const inShadow = async <T>(fn: (tx: Tx) => Promise<T>) =>
    asOwner(db, async (tx) => {
      await sql.raw(`set local search_path = ${SHADOW}, public`).execute(tx);
      return fn(tx);
    });

  // One transaction per batch: the shadow tables are private, and a long transaction would hold
  // back every checkpointed reader in the cluster for the whole rebuild.
  while (await inShadow((tx) => replayBatch(tx, horizon)));

  const differences: RebuildReport['differences'] = {};
  await inShadow(async (tx) => {
    await sql`select pg_advisory_xact_lock(${APPEND_LOCK})`.execute(tx);
    while (await replayBatch(tx, null));
    if (options.swap) {
      for (const t of tables) {
        await sql.raw(`drop table public."${t}"; alter table ${SHADOW}."${t}" set schema public`).execute(tx);
        await sql`select crm_enable_tenant_rls(${`public."${t}"`}::regclass, ${t === 'tenants' ? 'id' : 'tenant_id'})`.execute(tx);
      }
    } else {
      for (const t of tables) {
        const { rows } = await sql.raw<{ only_live: string; only_rebuilt: string }>(`select
            (select count(*) from (select * from public."${t}" except all select * from ${SHADOW}."${t}") a) as only_live,
            (select count(*) from (select * from ${SHADOW}."${t}" except all select * from public."${t}") b) as only_rebuilt`).execute(tx);
        differences[t] = { onlyLive: Number(rows[0]!.only_live), onlyRebuilt: Number(rows[0]!.only_rebuilt) };
        await sql.raw(`drop table ${SHADOW}."${t}"`).execute(tx);
      }
    }
  });
  return { events: count, ms: performance.now() - started, differences };
}
