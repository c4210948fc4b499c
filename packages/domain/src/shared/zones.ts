// Wall-clock times in IANA zones, with Intl only: what a user's "09:00 in Europe/Paris" is as an
// instant, across daylight-saving changes (a time in a spring-forward gap is the hour after).

let zones: Map<string, string> | undefined;
/** The IANA zone in its canonical spelling, or null if the runtime knows no such zone. */
export function canonicalTimeZone(tz: string): string | null {
  zones ??= new Map([...Intl.supportedValuesOf('timeZone'), 'UTC'].map((z) => [z.toLowerCase(), z]));
  if (tz.length > 64) return null;
  const known = zones.get(tz.toLowerCase());
  if (known) return known;
  // Aliases the list leaves out (Asia/Calcutta, Etc/GMT+5) but ICU knows; offsets ("+01:00") are not zones.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatIn(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, f);
  }
  return f;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** The wall-clock reading in a zone at an instant, as if it were UTC (ms). */
export function wallClock(at: number, zone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatIn(zone).formatToParts(new Date(at))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

/** The instant a local date and time in a zone names (in a DST gap, the hour after). */
export function zonedInstant(date: LocalDate, time: string, zone: string): Date {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(date.year, date.month - 1, date.day, h, m);
  const first = wall - (wallClock(wall, zone) - wall);
  const second = wall - (wallClock(first, zone) - first);
  // In a gap the two guesses straddle it, east or west of UTC alike: the later one is the hour after.
  return new Date(wallClock(second, zone) === wall ? second : Math.max(first, second));
}

export function localDateOf(at: Date, zone: string): LocalDate {
  const d = new Date(wallClock(at.getTime(), zone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function addDays(d: LocalDate, days: number): LocalDate {
  const x = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: x.getUTCFullYear(), month: x.getUTCMonth() + 1, day: x.getUTCDate() };
}
