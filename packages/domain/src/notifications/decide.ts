import { DomainError } from '../shared/errors.ts';
import { type InboxEvent, inboxEvent, type PreferenceEvent, preferenceEvent } from './events.ts';
import { type Dnd, isTimeZone, type Preferences } from './preferences.ts';
import { NOTIFICATION_CHANNELS, type NotificationChannel, type NotificationSource } from './source.ts';

// Pure decisions on a user's own notifications and settings.

/** What decide needs of one inbox row: is it there for this user, and is it read. */
export interface InboxItem {
  id: string;
  read: boolean;
  dismissed: boolean;
}

export const notificationNotFound = (id: string) => new DomainError('not_found', 'notification_not_found', `notification ${id} not found`);

/** A row of another user, or none, is not found; a dismissed one is gone for its user. */
function visible(item: InboxItem | undefined, id: string): InboxItem {
  if (!item || item.dismissed) throw notificationNotFound(id);
  return item;
}

/** Reading what is already read changes nothing. */
export function markRead(item: InboxItem | undefined, id: string): InboxEvent[] {
  return visible(item, id).read ? [] : [inboxEvent('NotificationsRead', { ids: [id] })];
}

export function markAllRead(unread: number): InboxEvent[] {
  return unread === 0 ? [] : [inboxEvent('NotificationsAllRead', {})];
}

export function dismiss(item: InboxItem | undefined, id: string): InboxEvent[] {
  visible(item, id);
  return [inboxEvent('NotificationDismissed', { id })];
}

function sourceOf(sources: readonly NotificationSource[], key: string): NotificationSource {
  const s = sources.find((x) => x.key === key);
  if (!s) {
    throw new DomainError('invalid', 'unknown_event_key', `no notification is called ${key}`, {
      known: sources.map((x) => x.key),
    });
  }
  return s;
}

export interface PreferenceChange {
  eventKey: string;
  channel: string;
  enabled: boolean;
}

/** An upsert of one override; setting what is already set appends nothing. */
export function setPreference(prefs: Preferences, change: PreferenceChange, sources: readonly NotificationSource[]): PreferenceEvent[] {
  const source = sourceOf(sources, change.eventKey);
  if (!(NOTIFICATION_CHANNELS as readonly string[]).includes(change.channel)) {
    throw new DomainError('invalid', 'unknown_channel', `no channel is called ${change.channel}`, { known: [...NOTIFICATION_CHANNELS] });
  }
  const channel = change.channel as NotificationChannel;
  if (prefs.overrides[source.key]?.[channel] === change.enabled) return [];
  return [preferenceEvent('NotificationPreferenceSet', { event_key: source.key, channel, enabled: change.enabled })];
}

/** The 000 face's rules: `event/<key>`, one per kind of notification. */
export const RULE_TYPES = ['event'] as const;

/** Flips a whole rule for the user, keeping its channel choices. */
export function toggleRule(
  prefs: Preferences,
  ruleType: string,
  ruleId: string,
  sources: readonly NotificationSource[],
): PreferenceEvent[] {
  const source = sources.find((x) => x.key === ruleId);
  if (!(RULE_TYPES as readonly string[]).includes(ruleType) || !source) {
    throw new DomainError('not_found', 'rule_not_found', `notification rule ${ruleType}/${ruleId} not found`);
  }
  return [preferenceEvent('NotificationRuleToggled', { event_key: source.key, enabled: prefs.muted.includes(source.key) })];
}

export function setDnd(prefs: Preferences, dnd: Dnd): PreferenceEvent[] {
  if (!isTimeZone(dnd.timezone)) throw new DomainError('invalid', 'invalid_timezone', `${dnd.timezone} is not an IANA time zone`);
  const same = (['enabled', 'startTime', 'endTime', 'timezone'] as const).every((k) => prefs.dnd[k] === dnd[k]);
  if (same && prefs.version > 0) return [];
  return [
    preferenceEvent('NotificationDndSet', {
      enabled: dnd.enabled,
      start_time: dnd.startTime,
      end_time: dnd.endTime,
      timezone: dnd.timezone,
    }),
  ];
}
