// When a user's digest is due, pure. A digest goes out at a local time in the user's IANA zone,
// every day or on one weekday; a period is named by the local date of its send
// (`daily:2026-12-02`), which is what a digest is recorded under, once per user and period.

import { addDays, canonicalTimeZone, type LocalDate, localDateOf, zonedInstant } from '../../shared/zones.ts';

export { canonicalTimeZone };

export const DIGEST_FREQUENCIES = ['off', 'daily', 'weekly'] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface DigestSettings {
  frequency: DigestFrequency;
  /** Local time of the send, 'HH:MM' (24 h). */
  time: string;
  /** IANA zone, e.g. 'Europe/Paris'. */
  timezone: string;
  /** The weekly digest's day. */
  weekday: Weekday;
}

export const DEFAULT_DIGEST_SETTINGS: DigestSettings = { frequency: 'off', time: '09:00', timezone: 'UTC', weekday: 'monday' };

export const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The zone's canonical name (`america/new_york` -> `America/New_York`), or null when Intl does not know it. */

/** Monday 0 ... Sunday 6. */
const weekdayOf = (d: LocalDate) => (new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7;
const iso = (d: LocalDate) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

export interface DigestSlot {
  /** `daily:2026-12-02` / `weekly:2026-11-30`: the local date of the send. */
  period: string;
  at: Date;
}

function slotOf(s: DigestSettings, date: LocalDate): DigestSlot {
  return { period: `${s.frequency}:${iso(date)}`, at: zonedInstant(date, s.time, s.timezone) };
}

/** The local date of the most recent send at or before `now`. */
function latestDate(s: DigestSettings, now: Date): LocalDate {
  const today = localDateOf(now, s.timezone);
  const date = s.frequency === 'weekly' ? addDays(today, -((weekdayOf(today) - WEEKDAYS.indexOf(s.weekday) + 7) % 7)) : today;
  return zonedInstant(date, s.time, s.timezone) > now ? addDays(date, -stepOf(s)) : date;
}

const stepOf = (s: DigestSettings) => (s.frequency === 'weekly' ? 7 : 1);

/** The most recent send at or before `now`; null when digests are off. */
export function latestSlot(s: DigestSettings, now: Date): DigestSlot | null {
  return s.frequency === 'off' ? null : slotOf(s, latestDate(s, now));
}

/** The next send after `now`; null when digests are off. */
export function nextSlot(s: DigestSettings, now: Date): DigestSlot | null {
  return s.frequency === 'off' ? null : slotOf(s, addDays(latestDate(s, now), stepOf(s)));
}
