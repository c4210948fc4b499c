import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../../shared/events.ts';
import { DIGEST_FREQUENCIES, WEEKDAYS } from './schedule.ts';

// A user's digest settings (document 001, /api/v1/notifications/analytics/digest/settings), on a
// stream per user, `notification_digest/<user id>`; each change records the settings after it.

export const NotificationDigestSettingsChanged = z.object({
  user_id: z.number().int(),
  frequency: z.enum(DIGEST_FREQUENCIES),
  local_time: z.string(),
  timezone: z.string(),
  weekday: z.enum(WEEKDAYS),
});

export const { schemas: digestEventSchemas, types: DigestEvent, event: digestEvent } = defineEvents({ NotificationDigestSettingsChanged });

export type DigestEvent = NewEventOf<typeof digestEventSchemas>;
export type StoredDigestEvent = StoredEventOf<typeof digestEventSchemas>;

export const digestStream = (userId: number) => ({ type: 'notification_digest', id: String(userId) });
