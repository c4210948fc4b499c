import type { NotificationChannel, NotificationSource } from './source.ts';
import { addDays, canonicalTimeZone, localDateOf, wallClock, zonedInstant } from '../shared/zones.ts';

// A user's notification settings, as decide and the engine see them: pure values and rules.

export interface Dnd {
  enabled: boolean;
  /** 'HH:MM', local to `timezone`; a window whose end is before its start crosses midnight. */
  startTime: string;
  endTime: string;
  /** An IANA zone, e.g. America/New_York. */
  timezone: string;
}

export interface Preferences {
  /** `{ [eventKey]: { [channel]: enabled } }`: only what the user chose; the rest is the default. */
  overrides: Readonly<Record<string, Readonly<Partial<Record<NotificationChannel, boolean>>>>>;
  muted: readonly string[];
  dnd: Dnd;
  /** Version of the preferences stream; 0 before the user ever set anything. */
  version: number;
}

export const DEFAULT_DND: Dnd = { enabled: false, startTime: '22:00', endTime: '08:00', timezone: 'UTC' };
export const DEFAULT_PREFERENCES: Preferences = { overrides: {}, muted: [], dnd: DEFAULT_DND, version: 0 };

/** The channels the user gets this kind of notification on: their overrides over the source's defaults. */
export function channelsFor(source: NotificationSource, prefs: Preferences): Record<NotificationChannel, boolean> {
  const own = prefs.overrides[source.key] ?? {};
  return {
    in_app: own.in_app ?? source.defaultChannels.in_app,
    email: own.email ?? source.defaultChannels.email,
  };
}

export const isMuted = (source: NotificationSource, prefs: Preferences) => prefs.muted.includes(source.key);

/** Whether `zone` is an IANA time zone this runtime knows (an offset such as +01:00 is not). */
export const isTimeZone = (zone: string): boolean => canonicalTimeZone(zone) !== null;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When the Do Not Disturb window `at` falls in ends, or null outside it (or with DND off). A start
 * equal to its end is an empty window. The end is the instant the zone's clock next reads the end
 * time, so a window across a daylight-saving change ends at its local end time all the same.
 */
export function dndEndsAt(dnd: Dnd, at: Date): Date | null {
  if (!dnd.enabled) return null;
  const start = minutesOf(dnd.startTime);
  const end = minutesOf(dnd.endTime);
  if (start === end) return null;
  const local = new Date(wallClock(at.getTime(), dnd.timezone));
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  const inside = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inside) return null;
  // Before midnight in a window that crosses it, the end is tomorrow's.
  const today = localDateOf(at, dnd.timezone);
  return zonedInstant(minutes >= end ? addDays(today, 1) : today, dnd.endTime, dnd.timezone);
}
