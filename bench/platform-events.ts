import { randomUUID } from 'node:crypto';
import { createDb, inTenant } from '@crm/db';
import { type CommandContext, eventCodec, eventSchemas, inlineProjections, people, platformEvents, upcasters } from '@crm/domain';
import { EventStore } from '@crm/eventstore';
import { closedLoop } from './closed-loop.ts';
import { withClient } from './db.ts';
import { log, ratio, round } from './util.ts';

// Issue 8: a batch of 500 platform events as the app writes it (one tenant transaction: the
// canonical ids checked against persons and companies, then one INSERT ... SELECT FROM unnest into
// platform_events, with its index and row-level security), against a plain multi-row INSERT of
// the same 500 rows into a bare table (primary key only), in its own implicit transaction. Both
// sides go through the same pool (connections run as crm_app) with the same number of callers,
// measured in alternating rounds. Target: app / plain >= 0.5.

export const RAW_PLATFORM_TABLE = 'bench_raw_platform_events';
const RAW_DDL = `create table if not exists ${RAW_PLATFORM_TABLE} (
  id bigint generated always as identity primary key, tenant_id uuid not null, canonical_id uuid not null,
  app text not null, category text not null, action text not null, metadata jsonb not null, occurred_at timestamptz not null)`;

export interface PlatformEventsTiming {
  warmMs: number;
  rounds: number;
  roundMs: number;
}

export interface PlatformEventsFigures {
  platform_events_batch_size: number;
  platform_events_batches_per_s: number | null;
  raw_batch_inserts_per_s: number | null;
  platform_events_vs_raw_insert: number | null;
  platform_events_rows_per_s: number | null;
  platform_events_errors: number;
}

const WORKERS = 4;
const SIDES = ['app', 'raw'] as const;
type Side = (typeof SIDES)[number];

export async function measurePlatformEvents(url: string, timing: PlatformEventsTiming, batchSize = 500): Promise<PlatformEventsFigures> {
  const h = await createDb({ url, poolSize: WORKERS * 2 });
  try {
    await withClient(url, (c) => c.query(`${RAW_DDL}; grant all on ${RAW_PLATFORM_TABLE} to crm_app`));
    const store = new EventStore({ inlineProjections, upcasters, schemas: eventSchemas, codec: eventCodec });
    const tenantId = randomUUID();
    const ctxOf = (tx: CommandContext['tx']): CommandContext => ({
      tx,
      store,
      tenantId,
      userId: null,
      metadata: { source: 'cli' },
      clock: { now: () => new Date() },
    });
    // Twenty persons the events are about, made as the app makes them.
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push((await inTenant(h.db, tenantId, (tx) => people.addPersonRecord(ctxOf(tx), { name: `Bench person ${i}` }))).id);
    }
    const batch = (): platformEvents.NewPlatformEvent[] =>
      Array.from({ length: batchSize }, (_, i) => ({
        canonicalId: ids[i % ids.length]!,
        app: 'bench',
        category: 'engagement',
        action: i % 3 === 0 ? 'email_opened' : 'page_viewed',
        metadata: { campaign: 'spring', seq: i, url: `/pages/${i % 50}` },
        occurredAt: new Date(),
      }));
    const pool = h.pool!;
    const cols = 7;
    const valuesSql = Array.from(
      { length: batchSize },
      (_, r) => `(${Array.from({ length: cols }, (_, c) => `$${r * cols + c + 1}${c === 6 ? '::jsonb' : ''}`).join(', ')})`,
    ).join(', ');
    const rawSql = `insert into ${RAW_PLATFORM_TABLE} (tenant_id, canonical_id, app, category, action, occurred_at, metadata) values ${valuesSql}`;
    const sides: Record<Side, () => Promise<void>> = {
      app: async () => {
        await inTenant(h.db, tenantId, (tx) => platformEvents.writePlatformEvents(ctxOf(tx), batch()));
      },
      raw: async () => {
        const params = batch().flatMap((e) => [
          tenantId,
          e.canonicalId,
          e.app,
          e.category,
          e.action,
          e.occurredAt!.toISOString(),
          JSON.stringify(e.metadata),
        ]);
        await pool.query(rawSql, params);
      },
    };
    log(`platform events: batches of ${batchSize}, ${WORKERS} writers, warm-up ${timing.warmMs} ms per side`);
    for (const side of SIDES) await closedLoop(WORKERS, timing.warmMs, sides[side]);
    const totals = { app: { ops: 0, s: 0, errors: 0 }, raw: { ops: 0, s: 0, errors: 0 } };
    for (let r = 0; r < timing.rounds; r++) {
      for (const side of r % 2 === 0 ? SIDES : [...SIDES].reverse()) {
        const res = await closedLoop(WORKERS, timing.roundMs, sides[side]);
        if (res.firstError) log(`platform events: ${side} error: ${res.firstError}`);
        totals[side].ops += res.ops;
        totals[side].s += res.seconds;
        totals[side].errors += res.errors;
        log(`platform events: round ${r + 1}/${timing.rounds} ${side}: ${Math.round(res.ops / res.seconds)} batches/s`);
      }
    }
    const perS = (side: Side) => totals[side].ops / totals[side].s;
    return {
      platform_events_batch_size: batchSize,
      platform_events_batches_per_s: round(perS('app'), 1),
      raw_batch_inserts_per_s: round(perS('raw'), 1),
      platform_events_vs_raw_insert: ratio(perS('app'), perS('raw')),
      platform_events_rows_per_s: round(perS('app') * batchSize, 0),
      platform_events_errors: totals.app.errors + totals.raw.errors,
    };
  } finally {
    await h.close();
  }
}
