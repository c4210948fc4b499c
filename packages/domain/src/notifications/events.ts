import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';
import { NOTIFICATION_CHANNELS } from './source.ts';

// What a user does to their own notifications is an event, on a stream of their own: read state
// and dismissals on `notification_inbox/<user id>`, preferences and Do Not Disturb on
// `notification_preferences/<user id>`. The inbox rows themselves are derived from the log by the
// engine (engine.ts); the read-state events name rows by id, and that id is derived from the source
// event, so a replay in log order gives the same rows in the same state.

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

const inbox = defineEvents({
  /** Notifications the user has read (already-read ones are left as they were). */
  NotificationsRead: z.object({ ids: z.array(z.string().uuid()).min(1) }),
  /** Every notification of the user that fired before this event is read. */
  NotificationsAllRead: z.object({}),
  /** Gone from the user's inbox; kept for the history and the analytics. */
  NotificationDismissed: z.object({ id: z.string().uuid() }),
});

const preferences = defineEvents({
  /** One channel of one kind of notification on or off for the user (an override of the default). */
  NotificationPreferenceSet: z.object({
    event_key: z.string(),
    channel: z.enum(NOTIFICATION_CHANNELS),
    enabled: z.boolean(),
  }),
  /** The whole rule muted or unmuted, its channel choices kept (document 000's toggle). */
  NotificationRuleToggled: z.object({ event_key: z.string(), enabled: z.boolean() }),
  NotificationDndSet: z.object({ enabled: z.boolean(), start_time: HHMM, end_time: HHMM, timezone: z.string() }),
});

export const { schemas: inboxEventSchemas, types: InboxEvent, event: inboxEvent } = inbox;
export const { schemas: preferenceEventSchemas, types: PreferenceEvent, event: preferenceEvent } = preferences;
export type InboxEvent = NewEventOf<typeof inboxEventSchemas>;
export type StoredInboxEvent = StoredEventOf<typeof inboxEventSchemas>;
export type PreferenceEvent = NewEventOf<typeof preferenceEventSchemas>;

export const notificationEventSchemas = { ...inboxEventSchemas, ...preferenceEventSchemas } as const;

export const inboxStream = (userId: number) => ({ type: 'notification_inbox', id: String(userId) });
export const preferencesStream = (userId: number) => ({ type: 'notification_preferences', id: String(userId) });
