import { randomUUID } from 'node:crypto';
import { createDb, inTenant, type DbHandle } from '@crm/db';
import { EventStore, type ExpectedVersion } from '@crm/eventstore';
import { closedLoop } from './closed-loop.ts';
import { withClient } from './db.ts';
import { log, ratio, round } from './util.ts';

// Figure 1: EventStore.append, one event per call, against a plain INSERT of the same JSON.
//
// Both sides use the same pg pool (its connections run as crm_app) and the same number of
// concurrent callers. The append runs as the app does it: inTenant opens a transaction, sets the
// tenant, calls es_append (version check, stream row, hash, event row). The baseline is one INSERT
// of the same data + metadata into a table with only a primary key, in its own implicit transaction.

/** Each writer's streams get this many events: 1 in 5 calls opens a stream ('no_stream'), 4 append at a version. */
const STREAM_LENGTH = 5;
export const RAW_TABLE = 'bench_raw_events';
export const RAW_TABLE_DDL = `create table if not exists ${RAW_TABLE} (
  id bigint generated always as identity primary key, data jsonb not null, metadata jsonb not null)`;

export interface AppendPlan {
  workers: number;
  warmMs: number;
  /** Measured time is rounds × roundMs per side, alternated A B B A ... so drift hits both alike. */
  rounds: number;
  roundMs: number;
  /** The baseline: one INSERT of the given JSON texts, in its own implicit transaction. */
  rawInsert(data: string, metadata: string): Promise<void>;
  /**
   * For information: the same INSERT wrapped the way inTenant wraps an append (begin, set_config,
   * insert, commit). Separates the cost of the round trips from the cost of es_append itself.
   */
  rawInsertInTx(tenantId: string, data: string, metadata: string): Promise<void>;
  /**
   * The second baseline, the ceiling a grouped append can approach: the rows of every caller that
   * arrives while a commit is in flight, gathered into one `unnest` INSERT (its own implicit
   * transaction), up to GROUP_IN_FLIGHT of them committing at once.
   */
  rawGroupedInsert(rows: Array<[data: string, metadata: string]>): Promise<void>;
}

/** Grouped INSERTs committing at once (the measurement in issue 10 used 4). */
export const GROUP_IN_FLIGHT = 4;

/**
 * Group commit in its plainest form, for the baseline: a call that finds a free slot starts a
 * batch at once; calls that arrive while every slot is busy wait, and the next batch takes them all.
 */
export function grouped<T>(write: (items: T[]) => Promise<void>, inFlight = GROUP_IN_FLIGHT, maxItems = 256): (item: T) => Promise<void> {
  let queue: Array<{ item: T; done: (e?: unknown) => void }> = [];
  let busy = 0;
  const pump = () => {
    while (busy < inFlight && queue.length > 0) {
      const batch = queue.slice(0, maxItems);
      queue = queue.slice(batch.length);
      busy++;
      write(batch.map((b) => b.item))
        .then(
          () => {
            for (const b of batch) b.done();
          },
          (e) => {
            for (const b of batch) b.done(e ?? new Error('grouped insert failed'));
          },
        )
        .finally(() => {
          busy--;
          pump();
        });
    }
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, done: (e) => (e ? reject(e) : resolve()) });
      pump();
    });
}

/**
 * Measured in turn; the baseline the target is judged on is 'raw'. 'append' is EventStore.appendNow
 * (one statement, its own transaction: what a caller with no inline projection uses), 'append_tx'
 * the same append inside inTenant (what a command does, before its projections), for information.
 */
const SIDES = ['append', 'append_tx', 'raw', 'raw_grouped', 'raw_tx'] as const;
type Side = (typeof SIDES)[number];

export interface AppendFigures {
  append_per_s: number | null;
  raw_insert_per_s: number | null;
  append_vs_raw: number | null;
  grouped_insert_per_s: number | null;
  append_vs_grouped_insert: number | null;
  raw_tx_insert_per_s: number | null;
  append_in_tx_per_s: number | null;
  append_errors: number;
  raw_insert_errors: number;
}

const metadata = { source: 'system' as const };
/** A deal-move-sized payload, so the JSON encoded and stored is what the app stores. */
const payload = (n: number) => ({
  deal_id: randomUUID(),
  from_stage_id: '5c1e4f7a-9b1d-4c61-8f0e-0a9d6f3b2c11',
  to_stage_id: '0b7e2d44-3f5a-4a8e-9a77-6f1c2b9d8e05',
  reason: 'user',
  from_stage_name: 'Qualified',
  to_stage_name: 'Proposal',
  n,
});

export async function measureAppend(h: DbHandle, plan: AppendPlan): Promise<AppendFigures> {
  const store = new EventStore();
  const tenantId = randomUUID();
  // Per writer: its current stream and that stream's version. Writers never share a stream, so
  // no call fails on a version conflict and every call does the full append.
  const streams = Array.from({ length: plan.workers }, () => ({ id: randomUUID(), version: 0 }));
  let seq = 0;

  const nextStream = (w: number) => {
    const s = streams[w]!;
    if (s.version >= STREAM_LENGTH) {
      s.id = randomUUID();
      s.version = 0;
    }
    return { s, expected: (s.version === 0 ? 'no_stream' : s.version) as ExpectedVersion };
  };
  const append = async (w: number) => {
    const { s, expected } = nextStream(w);
    const stored = await store.appendNow(
      h.db,
      tenantId,
      { type: 'bench', id: s.id },
      expected,
      [{ type: 'Benched', data: payload(seq++) }],
      metadata,
    );
    s.version = stored[0]!.streamVersion;
  };
  const appendInTx = async (w: number) => {
    const { s, expected } = nextStream(w);
    const stored = await inTenant(h.db, tenantId, (tx) =>
      store.append(tx, tenantId, { type: 'bench', id: s.id }, expected, [{ type: 'Benched', data: payload(seq++) }], metadata),
    );
    s.version = stored[0]!.streamVersion;
  };
  const metadataText = JSON.stringify(metadata);
  const groupedInsert = grouped(plan.rawGroupedInsert);
  const sides: Record<Side, (w: number) => Promise<void>> = {
    append,
    append_tx: appendInTx,
    raw: async () => plan.rawInsert(JSON.stringify(payload(seq++)), metadataText),
    raw_grouped: () => groupedInsert([JSON.stringify(payload(seq++)), metadataText]),
    raw_tx: async () => plan.rawInsertInTx(tenantId, JSON.stringify(payload(seq++)), metadataText),
  };

  log(`append: warm-up ${plan.warmMs} ms per side, ${plan.workers} writers`);
  for (const side of SIDES) await closedLoop(plan.workers, plan.warmMs, sides[side]);

  const totals = Object.fromEntries(SIDES.map((s) => [s, { ops: 0, s: 0, errors: 0 }])) as Record<
    Side,
    { ops: number; s: number; errors: number }
  >;
  for (let r = 0; r < plan.rounds; r++) {
    const order = r % 2 === 0 ? SIDES : [...SIDES].reverse();
    for (const side of order) {
      const res = await closedLoop(plan.workers, plan.roundMs, sides[side]);
      if (res.firstError) log(`append: ${side} error: ${res.firstError}`);
      totals[side].ops += res.ops;
      totals[side].s += res.seconds;
      totals[side].errors += res.errors;
      log(`append: round ${r + 1}/${plan.rounds} ${side}: ${Math.round(res.ops / res.seconds)}/s`);
    }
  }
  const perS = (side: Side) => totals[side].ops / totals[side].s;
  return {
    append_per_s: round(perS('append'), 0),
    raw_insert_per_s: round(perS('raw'), 0),
    append_vs_raw: ratio(perS('append'), perS('raw')),
    grouped_insert_per_s: round(perS('raw_grouped'), 0),
    append_vs_grouped_insert: ratio(perS('append'), perS('raw_grouped')),
    raw_tx_insert_per_s: round(perS('raw_tx'), 0),
    append_in_tx_per_s: round(perS('append_tx'), 0),
    append_errors: totals.append.errors + totals.append_tx.errors,
    raw_insert_errors: totals.raw.errors + totals.raw_tx.errors + totals.raw_grouped.errors,
  };
}

const INSERT_SQL = `insert into ${RAW_TABLE} (data, metadata) values ($1::jsonb, $2::jsonb)`;
export const GROUPED_INSERT_SQL = `insert into ${RAW_TABLE} (data, metadata) select * from unnest($1::jsonb[], $2::jsonb[])`;

export interface AppendTiming {
  warmMs: number;
  rounds: number;
  roundMs: number;
}

/** Figure 1 on PostgreSQL: a pool of 32 connections, 32 concurrent callers on each side. */
export async function appendFigureOnPg(url: string, timing: AppendTiming): Promise<AppendFigures> {
  const h = await createDb({ url, poolSize: 32 });
  try {
    // The pool's connections run as crm_app, which may not create tables: the owner makes the
    // baseline table and grants it, and then the baseline INSERTs go through the very same pool.
    await withClient(url, (c) => c.query(`${RAW_TABLE_DDL}; grant all on ${RAW_TABLE} to crm_app`));
    const pool = h.pool!;
    return await measureAppend(h, {
      workers: 32,
      ...timing,
      rawInsert: async (data, metadata) => {
        await pool.query(INSERT_SQL, [data, metadata]);
      },
      rawGroupedInsert: async (rows) => {
        await pool.query(GROUPED_INSERT_SQL, [rows.map((r) => r[0]), rows.map((r) => r[1])]);
      },
      rawInsertInTx: async (tenantId, data, metadata) => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          await client.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
          await client.query(INSERT_SQL, [data, metadata]);
          await client.query('commit');
        } catch (error) {
          await client.query('rollback').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
      },
    });
  } finally {
    await h.close();
  }
}
