import { chat, me as domain, iso, notifications } from '@crm/domain';
import type { z } from 'zod';
import * as c from '../contracts/me.ts';
import { query, router } from '../trpc.ts';
import { runQuery } from '../unit-of-work.ts';

// Document 001's /me: the caller's action items and unread counts, read from the modules that own them.

const LIST_LIMIT = 50;

const taskDto = (t: domain.TaskRow): z.output<typeof c.Task> => ({
  id: t.id,
  dealId: t.deal_id,
  dealName: t.deal_name,
  type: t.type,
  body: t.body,
  scheduledFor: iso(t.scheduled_for),
  createdAt: iso(t.created_at),
});

export const meRouter = router({
  actionItems: query(c.me.actionItems, async ({ ctx }) => {
    const { tenantId, userId } = ctx.principal;
    const now = ctx.services.clock.now();
    const b = await runQuery(ctx, (tx) => domain.actionItems(tx, tenantId, userId, now, LIST_LIMIT));
    const shown = (k: domain.TaskBucket) => ({ count: b[k].count, items: b[k].items.map(taskDto) });
    return {
      overdue: shown('overdue'),
      dueSoon: shown('dueSoon'),
      upcoming: shown('upcoming'),
      counts: {
        overdue: b.overdue.count,
        dueSoon: b.dueSoon.count,
        upcoming: b.upcoming.count,
        total: b.overdue.count + b.dueSoon.count + b.upcoming.count,
      },
      dueSoonHours: domain.DUE_SOON_HOURS,
      generatedAt: iso(now),
    };
  }),
  unreadCounts: query(c.me.unreadCounts, async ({ ctx }) => {
    const { tenantId, userId } = ctx.principal;
    const now = ctx.services.clock.now();
    return runQuery(ctx, async (tx) => ({
      chat: await chat.unreadTotal(tx, tenantId, userId),
      notifications: await notifications.unreadCount(tx, tenantId, userId),
      tasks: await domain.tasksDueTodayCount(tx, tenantId, userId, now),
      email: null,
    }));
  }),
});
