import { me as domain } from '@crm/domain';
import { z } from 'zod';
import { contract, noInput, timestamp, uuid } from './shared.ts';

// Document 001's /me: what the caller has to act on, gathered from the modules that own it.

const SELF = { permission: 'profile.self' } as const;

export const Task = z.object({
  id: uuid,
  dealId: uuid,
  dealName: z.string(),
  type: z.string(),
  body: z.string(),
  scheduledFor: timestamp,
  createdAt: timestamp,
});

const bucket = z.object({ count: z.number().int().describe('all of them'), items: z.array(Task).describe('the first 50, soonest first') });

export const me = {
  actionItems: contract('me.actionItems', {
    summary: `Your tasks (scheduled activities on deals you own): overdue, due in the next ${domain.DUE_SOON_HOURS} hours, and later.`,
    access: SELF,
    input: noInput,
    output: z.object({
      overdue: bucket,
      dueSoon: bucket,
      upcoming: bucket,
      counts: z.object({ overdue: z.number().int(), dueSoon: z.number().int(), upcoming: z.number().int(), total: z.number().int() }),
      dueSoonHours: z.number().int(),
      generatedAt: timestamp,
    }),
  }),
  unreadCounts: contract('me.unreadCounts', {
    summary: 'Your unread chat messages and notifications, your tasks overdue or due today (UTC); email is null: there is no mailbox.',
    access: SELF,
    input: noInput,
    output: z.object({
      chat: z.number().int(),
      notifications: z.number().int(),
      tasks: z.number().int(),
      email: z.null().describe('no mailbox module: always null'),
    }),
  }),
};
