import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import './tables.ts';

// The 30-day traffic rollup. A page view is an event of type `page_view`; a session is the
// `session_id` the events carry, else one user's run of events with gaps under 30 minutes; a
// conversion is an event of one of CONVERSION_TYPES (or any type starting `conversion.`).

export const PAGE_VIEW = 'page_view';
export const CONVERSION_TYPES = ['conversion', 'signup', 'trial_started', 'upgrade', 'purchase', 'checkout_completed'] as const;
export const SESSION_GAP_MINUTES = 30;
const TOP_PAGES = 10;
const DAY = 86_400_000;

export interface TrafficDay {
  date: string;
  page_views: number;
  sessions: number;
  conversions: number;
}

export interface Traffic {
  since: Date;
  until: Date;
  totals: { events: number; page_views: number; sessions: number; unique_users: number; conversions: number };
  top_pages: { page: string; views: number; unique_users: number }[];
  conversion_events: { event_type: string; count: number }[];
  daily: TrafficDay[];
}

const isConversion = sql`(e.event_type = any(${[...CONVERSION_TYPES]}::text[]) or e.event_type like 'conversion.%')`;

/** The last 30 days up to `now`, per UTC day (days with nothing are zeros). */
export async function traffic(tx: Tx, tenantId: string, now: Date, days = 30): Promise<Traffic> {
  const firstDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY);
  const window = sql`select * from analytics_events where tenant_id = ${tenantId} and occurred_at >= ${firstDay} and occurred_at <= ${now}`;
  // A session starts at the first event of its key, or after a gap of 30 minutes in a user's own events.
  const marked = sql`select e.*, case when e.session_id is not null then lag(e.id) over w is null
        else lag(e.occurred_at) over w is null or e.occurred_at - lag(e.occurred_at) over w >= make_interval(mins => ${SESSION_GAP_MINUTES}) end as starts
      from (${window}) e
      window w as (partition by coalesce('s:' || e.session_id, 'u:' || coalesce(e.user_id::text, '-')) order by e.occurred_at, e.id)`;
  const [perDay, totals, pages, conversions] = await Promise.all([
    sql<{ date: string; page_views: number; sessions: number; conversions: number }>`
      select to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD') as date,
        (count(*) filter (where e.event_type = ${PAGE_VIEW}))::int as page_views,
        (count(*) filter (where e.starts))::int as sessions,
        (count(*) filter (where ${isConversion}))::int as conversions
      from (${marked}) e group by 1`.execute(tx),
    sql<Traffic['totals']>`select count(*)::int as events, (count(*) filter (where e.event_type = ${PAGE_VIEW}))::int as page_views,
        (count(*) filter (where e.starts))::int as sessions, count(distinct e.user_id)::int as unique_users,
        (count(*) filter (where ${isConversion}))::int as conversions
      from (${marked}) e`.execute(tx),
    sql<Traffic['top_pages'][number]>`select e.page, count(*)::int as views, count(distinct e.user_id)::int as unique_users
      from (${window}) e where e.event_type = ${PAGE_VIEW} group by e.page order by views desc, e.page limit ${TOP_PAGES}`.execute(tx),
    sql<Traffic['conversion_events'][number]>`select e.event_type, count(*)::int as count from (${window}) e
      where ${isConversion} group by e.event_type order by count desc, e.event_type`.execute(tx),
  ]);
  const byDate = new Map(perDay.rows.map((r) => [r.date, r]));
  const daily: TrafficDay[] = [];
  for (let i = 0; i < days; i++) {
    const date = new Date(firstDay.getTime() + i * DAY).toISOString().slice(0, 10);
    daily.push(byDate.get(date) ?? { date, page_views: 0, sessions: 0, conversions: 0 });
  }
  return { since: firstDay, until: now, totals: totals.rows[0]!, top_pages: pages.rows, conversion_events: conversions.rows, daily };
}
