import type { Projection } from '@crm/eventstore';
import { sql } from 'kysely';
import { rowStamp, typedRowProjection } from '../shared/events.ts';
import { InboxEvent, PreferenceEvent, preferenceEventSchemas, type StoredInboxEvent } from './events.ts';
import { DEFAULT_DND } from './preferences.ts';
import type { NotificationPreferencesTable } from './tables.ts';

/**
 * Read state on the inbox rows. Inline, it gives the user's own request read-your-writes on the
 * rows that exist; the engine applies the same events again in log order (engine.ts), which marks
 * rows it writes late and makes a replay end with the same state. Each step is idempotent: a
 * time once set stays.
 */
export const inboxStateProjection: Projection = {
  name: 'notifications.read_state',
  // The rows are the engine's (an async projection, replayed by resetting its checkpoint): a rebuild
  // of the inline projections must not replace them with an empty shadow. Its updates are
  // idempotent, so a rebuild running them again over the live rows changes nothing.
  tables: [],
  handles: Object.values(InboxEvent),
  async apply(tx, events) {
    for (const e of events as StoredInboxEvent[]) {
      const mine = sql`tenant_id = ${e.tenantId} and user_id = ${Number(e.streamId)}`;
      const at = e.occurredAt;
      if (e.type === InboxEvent.NotificationsRead) {
        await sql`update notifications set read_at = ${at} where ${mine} and read_at is null and id = any(${e.data.ids}::uuid[])`.execute(
          tx,
        );
      } else if (e.type === InboxEvent.NotificationsAllRead) {
        // Bounded by the time of the click, so applying it again later (the engine, a rebuild) marks
        // only what had fired before it, never a notification that came after.
        await sql`update notifications set read_at = ${at} where ${mine} and read_at is null and created_at <= ${at}`.execute(tx);
      } else {
        await sql`update notifications set dismissed_at = ${at} where ${mine} and dismissed_at is null and id = ${e.data.id}`.execute(tx);
      }
    }
  },
};

/** A user's settings, folded from their preferences stream. */
export const preferencesProjection = typedRowProjection(preferenceEventSchemas, {
  name: 'notifications.preferences',
  table: 'notification_preferences',
  key: 'user_id',
  columns: ['tenant_id', 'user_id', 'overrides', 'muted', 'dnd_enabled', 'dnd_start', 'dnd_end', 'dnd_timezone', 'version', 'updated_at'],
  evolve(row, e) {
    const base: NotificationPreferencesTable = row ?? {
      tenant_id: e.tenantId,
      user_id: Number(e.streamId),
      overrides: {},
      muted: [],
      dnd_enabled: DEFAULT_DND.enabled,
      dnd_start: DEFAULT_DND.startTime,
      dnd_end: DEFAULT_DND.endTime,
      dnd_timezone: DEFAULT_DND.timezone,
      ...rowStamp(e),
    };
    const next = { ...base, ...rowStamp(e) };
    switch (e.type) {
      case PreferenceEvent.NotificationPreferenceSet: {
        const d = e.data;
        next.overrides = { ...base.overrides, [d.event_key]: { ...base.overrides[d.event_key], [d.channel]: d.enabled } };
        break;
      }
      case PreferenceEvent.NotificationRuleToggled: {
        const d = e.data;
        next.muted = d.enabled ? base.muted.filter((k) => k !== d.event_key) : [...new Set([...base.muted, d.event_key])];
        break;
      }
      case PreferenceEvent.NotificationDndSet: {
        const d = e.data;
        Object.assign(next, { dnd_enabled: d.enabled, dnd_start: d.start_time, dnd_end: d.end_time, dnd_timezone: d.timezone });
        break;
      }
    }
    return next;
  },
});
