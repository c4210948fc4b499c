import type { NotificationChannel, NotificationSource } from './source.ts';

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

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes past local midnight, and seconds past the minute, of `at` in `zone`. */
function localClock(at: Date, zone: string): { minutes: number; seconds: number } {
  const parts: Record<string, number> = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  for (const p of format.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { minutes: (parts.hour ?? 0) * 60 + (parts.minute ?? 0), seconds: parts.second ?? 0 };
}

/**
 * When the Do Not Disturb window `at` falls in ends, or null outside it (or with DND off). A start
 * equal to its end is an empty window. Counted in wall-clock minutes of the zone: across a DST
 * change the end may come an hour early or late.
 */
export function dndEndsAt(dnd: Dnd, at: Date): Date | null {
  if (!dnd.enabled) return null;
  const start = minutesOf(dnd.startTime);
  const end = minutesOf(dnd.endTime);
  if (start === end) return null;
  const { minutes, seconds } = localClock(at, dnd.timezone);
  const inside = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inside) return null;
  const untilEnd = (end - minutes + 1440) % 1440;
  const minuteStart = at.getTime() - seconds * 1000 - at.getUTCMilliseconds();
  return new Date(minuteStart + untilEnd * 60_000);
}
