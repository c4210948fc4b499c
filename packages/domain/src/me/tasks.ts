import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import { countRows } from '../shared/paging.ts';
import { tenantRows } from '../shared/rows.ts';
import '../pipeline/deals/tables.ts';

// The caller's tasks (document 001's /me): activities with a scheduled time on deals the caller
// owns. Activities have no "done" state in this platform, so a task scheduled in the past stays
// overdue until its deal changes owner or is deleted.

/** "Due soon" is the next 48 hours. */
export const DUE_SOON_HOURS = 48;
const HOUR = 3_600_000;

export const TASK_BUCKETS = ['overdue', 'dueSoon', 'upcoming'] as const;
export type TaskBucket = (typeof TASK_BUCKETS)[number];

export interface TaskRow {
  id: string;
  deal_id: string;
  deal_name: string;
  type: string;
  body: string;
  scheduled_for: Date;
  created_at: Date;
}

const ownedTasks = (tx: Tx, tenantId: string, userId: number) =>
  tenantRows(tx, tenantId, 'crm_activities')
    .innerJoin('crm_deals', (j) =>
      j.onRef('crm_deals.id', '=', 'crm_activities.deal_id').onRef('crm_deals.tenant_id', '=', 'crm_activities.tenant_id'),
    )
    .where('crm_deals.owner_user_id', '=', userId)
    .where('crm_activities.scheduled_for', 'is not', null);

/** Each bucket's bounds: overdue before now, due soon up to DUE_SOON_HOURS from now, upcoming after. */
function bounds(now: Date): Record<TaskBucket, [Date | null, Date | null]> {
  const soon = new Date(now.getTime() + DUE_SOON_HOURS * HOUR);
  return { overdue: [null, now], dueSoon: [now, soon], upcoming: [soon, null] };
}

/**
 * The caller's tasks in three buckets, each the first `limit` by scheduled time (overdue: the
 * oldest first, as the most pressing), with every bucket's full count.
 */
export async function actionItems(tx: Tx, tenantId: string, userId: number, now: Date, limit: number) {
  const b = bounds(now);
  const lists = await Promise.all(
    TASK_BUCKETS.map(async (bucket) => {
      const [from, to] = b[bucket];
      let q = ownedTasks(tx, tenantId, userId);
      if (from) q = q.where('crm_activities.scheduled_for', '>=', from);
      if (to) q = q.where('crm_activities.scheduled_for', '<', to);
      const [rows, count] = await Promise.all([
        q
          .select([
            'crm_activities.id',
            'crm_activities.deal_id',
            'crm_deals.name as deal_name',
            'crm_activities.type',
            'crm_activities.body',
            'crm_activities.created_at',
          ])
          .select(sql<Date>`crm_activities.scheduled_for`.as('scheduled_for'))
          .orderBy('crm_activities.scheduled_for')
          .orderBy('crm_activities.id')
          .limit(limit)
          .execute(),
        countRows(q),
      ]);
      return [bucket, { items: rows as TaskRow[], count }] as const;
    }),
  );
  return Object.fromEntries(lists) as Record<TaskBucket, { items: TaskRow[]; count: number }>;
}

/** The badge: tasks overdue or due before the end of today (UTC). */
export async function tasksDueTodayCount(tx: Tx, tenantId: string, userId: number, now: Date): Promise<number> {
  const endOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return countRows(ownedTasks(tx, tenantId, userId).where('crm_activities.scheduled_for', '<', endOfDay));
}
