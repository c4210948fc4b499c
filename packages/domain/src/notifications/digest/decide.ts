import { DomainError } from '../../shared/errors.ts';
import { type DigestEvent, digestEvent } from './events.ts';
import { canonicalTimeZone, type DigestSettings, LOCAL_TIME } from './schedule.ts';

/**
 * Changes a user's digest settings: fields left out keep their value; the zone must be one Intl
 * knows (stored by its canonical name) and the time 'HH:MM'. No change, no event.
 */
export function changeDigestSettings(userId: number, current: DigestSettings, patch: Partial<DigestSettings>): DigestEvent[] {
  const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as DigestSettings;
  if (!LOCAL_TIME.test(next.time)) throw new DomainError('invalid', 'invalid_time', `time ${next.time} is not HH:MM (00:00 to 23:59)`);
  const zone = canonicalTimeZone(next.timezone);
  if (!zone) throw new DomainError('invalid', 'invalid_timezone', `${next.timezone} is not an IANA time zone (e.g. Europe/Paris)`);
  next.timezone = zone;
  const same = (Object.keys(next) as (keyof DigestSettings)[]).every((k) => next[k] === current[k]);
  if (same) return [];
  return [
    digestEvent('NotificationDigestSettingsChanged', {
      user_id: userId,
      frequency: next.frequency,
      local_time: next.time,
      timezone: next.timezone,
      weekday: next.weekday,
    }),
  ];
}
