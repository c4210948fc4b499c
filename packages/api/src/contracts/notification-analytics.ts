import { notificationDigest } from '@crm/domain';
import { z } from 'zod';
import { contract, noInput, text, timestamp } from './shared.ts';

// Notification delivery analytics, digest statistics and each user's digest settings (document
// 001, /api/v1/notifications/analytics). Every member sees their own notifications' figures; a
// caller with `notifications.manage` (tenant_admin) sees the whole tenant's (`scope` says which).

const SELF = { permission: 'notifications.self' } as const;
const count = z.number().int().min(0);

export const Scope = z.enum(['user', 'tenant']).describe("user: the caller's own notifications; tenant: every user's (admins)");
export const InAppStats = z.object({
  created: count,
  read: count,
  dismissed: count,
  readRate: z.number().min(0).max(1).describe('read ÷ created, 0 when none'),
});
export const EmailStats = z.object({
  queued: count.describe('handed to the mail outbox on their own'),
  sent: count,
  failed: count,
  waiting: count.describe('in the outbox, not sent yet'),
  digested: count.describe('went out inside a digest'),
  scheduled: count.describe('waiting for the worker, a Do Not Disturb window to end, or the next digest'),
  skipped: count.describe('not sent: the recipient was deactivated'),
});

export const overview = contract('notificationAnalytics.overview', {
  summary: 'Get delivery overview with metrics, per-event stats, channel breakdown, and daily trend.',
  access: SELF,
  input: z
    .object({ days: z.number().int().min(1).max(90).default(30).describe('the window, in days up to today (UTC)') })
    .strict()
    .optional(),
  output: z.object({
    scope: Scope,
    days: z.number().int(),
    since: timestamp,
    totals: z.object({
      notifications: count,
      read: count,
      dismissed: count,
      readRate: z.number().min(0).max(1),
      emailsQueued: count,
      emailsSent: count,
      emailsFailed: count,
      digested: count,
    }),
    channels: z.object({ inApp: InAppStats, email: EmailStats }),
    byEvent: z.array(
      z.object({ eventKey: z.string(), module: z.string(), label: z.string().nullable(), inApp: InAppStats, email: EmailStats }),
    ),
    dailyTrend: z.array(z.object({ date: z.iso.date(), created: count, read: count, emailed: count })),
  }),
});

export const digest = contract('notificationAnalytics.digest', {
  summary: 'Get digest delivery statistics.',
  access: SELF,
  input: noInput,
  output: z.object({
    scope: Scope,
    digestsSent: count,
    itemsSent: count,
    averageItems: z.number().min(0).describe('notifications per digest'),
    maxItems: count,
    lastSentAt: timestamp.nullable(),
    byFrequency: z.object({ daily: count, weekly: count }),
    pendingItems: count.describe('notifications waiting for the next digest'),
    recent: z.array(
      z.object({
        id: z.uuid(),
        userId: z.number().int(),
        period: z.string().describe('frequency and local date of the send, e.g. daily:2026-12-02'),
        frequency: z.enum(['daily', 'weekly']),
        itemCount: count,
        sentAt: timestamp,
      }),
    ),
  }),
});

export const DigestSettings = z.object({
  frequency: z.enum(notificationDigest.DIGEST_FREQUENCIES),
  time: z.string().describe('local time of the send, HH:MM'),
  timezone: z.string().describe('IANA time zone'),
  weekday: z.enum(notificationDigest.WEEKDAYS).describe('the weekly digest’s day'),
  nextDigestAt: timestamp.nullable().describe('the next send; null when off'),
  updatedAt: timestamp.nullable(),
});

export const digestSettings = {
  get: contract('notificationAnalytics.digestSettings.get', {
    summary: "Get current user's digest settings (frequency, time).",
    access: SELF,
    input: noInput,
    output: DigestSettings,
  }),
  update: contract('notificationAnalytics.digestSettings.update', {
    summary:
      'Update digest settings: frequency off, daily or weekly, at a local time in an IANA zone (weekly: on `weekday`). Fields left out keep their value.',
    access: SELF,
    input: z
      .object({
        frequency: z.enum(notificationDigest.DIGEST_FREQUENCIES),
        time: z.string().regex(notificationDigest.LOCAL_TIME, 'HH:MM, 00:00 to 23:59'),
        timezone: text(64).min(1),
        weekday: z.enum(notificationDigest.WEEKDAYS),
      })
      .strict()
      .partial(),
    output: DigestSettings,
  }),
};
