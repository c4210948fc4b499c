import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import { pageWithCount } from '../shared/paging.ts';
import type { PlatformEventsTable } from './tables.ts';
import './tables.ts';

// Reads of an entity's platform events. Callers pass the entity's lineage (its id and every id
// merged into it, see registry lineageOf): a merged duplicate's events are the survivor's.

export interface PlatformEventFilters {
  app?: string | undefined;
  category?: string | undefined;
  action?: string | undefined;
  /** Inclusive bounds on when the event happened. */
  from?: Date | undefined;
  to?: Date | undefined;
}

function filtered(tx: Tx, tenantId: string, ids: string[], f: PlatformEventFilters) {
  let q = tx.selectFrom('platform_events').where('tenant_id', '=', tenantId).where('canonical_id', 'in', ids);
  if (f.app) q = q.where('app', '=', f.app);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.from) q = q.where('occurred_at', '>=', f.from);
  if (f.to) q = q.where('occurred_at', '<=', f.to);
  return q;
}

/** A page of events, newest first, and how many match. */
export async function listPlatformEvents(
  tx: Tx,
  tenantId: string,
  ids: string[],
  f: PlatformEventFilters,
  page: number,
  limit: number,
): Promise<{ rows: PlatformEventsTable[]; total: number }> {
  const q = filtered(tx, tenantId, ids, f);
  const { rows, count } = await pageWithCount(
    q,
    [
      ['occurred_at', 'desc'],
      ['id', 'desc'],
    ],
    page,
    limit,
  );
  return { rows, total: count };
}

export interface EventCount {
  app: string;
  category: string;
  action: string;
  count: number;
  first: Date;
  last: Date;
}

/** Counts per (app, category, action), with first and last time: every summary is folded from these. */
export async function platformEventCounts(tx: Tx, tenantId: string, ids: string[], since?: Date): Promise<EventCount[]> {
  const { rows } = await sql<{ app: string; category: string; action: string; n: string; first: Date; last: Date }>`
    select app, category, action, count(*) as n, min(occurred_at) as first, max(occurred_at) as last
      from platform_events
     where tenant_id = ${tenantId} and canonical_id = any(${ids}::uuid[]) ${since ? sql`and occurred_at >= ${since}` : sql``}
     group by app, category, action`.execute(tx);
  return rows.map((r) => ({
    app: r.app,
    category: r.category,
    action: r.action,
    count: Number(r.n),
    first: new Date(r.first),
    last: new Date(r.last),
  }));
}

/** On how many distinct UTC days the entity had events. */
export async function activeDays(tx: Tx, tenantId: string, ids: string[]): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(distinct (occurred_at at time zone 'UTC')::date) as n from platform_events
     where tenant_id = ${tenantId} and canonical_id = any(${ids}::uuid[])`.execute(tx);
  return Number(rows[0]!.n);
}

/** Counts per (app, category) in each window ending now: [30, 90, 365] days gives three columns. */
export async function windowCounts(tx: Tx, tenantId: string, ids: string[], now: Date, days: readonly number[]) {
  const since = days.map((d) => new Date(now.getTime() - d * 86_400_000));
  const oldest = new Date(now.getTime() - Math.max(...days) * 86_400_000);
  const { rows } = await sql<Record<string, string>>`select app, category,
      ${sql.join(
        since.map((s, i) => sql`count(*) filter (where occurred_at >= ${s})::text as ${sql.ref(`w${i}`)}`),
        sql`, `,
      )}
      from platform_events
     where tenant_id = ${tenantId} and canonical_id = any(${ids}::uuid[]) and occurred_at >= ${oldest} and occurred_at <= ${now}
     group by app, category order by app, category`.execute(tx);
  return {
    since,
    rows: rows.map((r) => ({ app: r.app!, category: r.category!, counts: days.map((_, i) => Number(r[`w${i}`])) })),
  };
}
