import { describe, expect, it } from 'vitest';
import { refusal } from '../../shared/refusal.ts';
import { changeDigestSettings } from './decide.ts';
import { zonedInstant } from '../../shared/zones.ts';
import { DEFAULT_DIGEST_SETTINGS, latestSlot, nextSlot } from './schedule.ts';

// Given a user's digest settings, when they change them, then this event (or this refusal); and
// when their digest is due.

describe('digest settings decisions', () => {
  it('records the settings after the change, with the zone by its canonical name', () => {
    expect(changeDigestSettings(7, DEFAULT_DIGEST_SETTINGS, { frequency: 'daily', timezone: 'america/new_york' })).toEqual([
      {
        type: 'NotificationDigestSettingsChanged',
        data: { user_id: 7, frequency: 'daily', local_time: '09:00', timezone: 'America/New_York', weekday: 'monday' },
      },
    ]);
  });

  it('records nothing when nothing changes', () => {
    expect(changeDigestSettings(7, DEFAULT_DIGEST_SETTINGS, { frequency: 'off', time: undefined })).toEqual([]);
    expect(changeDigestSettings(7, DEFAULT_DIGEST_SETTINGS, {})).toEqual([]);
  });

  it('refuses a zone Intl does not know and a time that is not HH:MM', () => {
    expect(refusal(() => changeDigestSettings(7, DEFAULT_DIGEST_SETTINGS, { timezone: 'Mars/Olympus' }))).toBe('invalid_timezone');
    expect(refusal(() => changeDigestSettings(7, DEFAULT_DIGEST_SETTINGS, { time: '24:00' }))).toBe('invalid_time');
  });
});

describe('digest schedule', () => {
  const at = (s: string) => new Date(s);

  it('finds the latest daily send in the user’s zone, named by its local date', () => {
    const s = { ...DEFAULT_DIGEST_SETTINGS, frequency: 'daily' as const, time: '08:30', timezone: 'America/New_York' };
    // 08:30 in New York in December is 13:30 UTC.
    expect(latestSlot(s, at('2026-12-02T13:30:00Z'))).toEqual({ period: 'daily:2026-12-02', at: at('2026-12-02T13:30:00Z') });
    expect(latestSlot(s, at('2026-12-02T13:29:00Z'))).toEqual({ period: 'daily:2026-12-01', at: at('2026-12-01T13:30:00Z') });
    // 02:00 UTC on the 3rd is still the 2nd in New York.
    expect(latestSlot(s, at('2026-12-03T02:00:00Z'))?.period).toBe('daily:2026-12-02');
    expect(nextSlot(s, at('2026-12-02T14:00:00Z'))).toEqual({ period: 'daily:2026-12-03', at: at('2026-12-03T13:30:00Z') });
  });

  it('finds the latest weekly send on the chosen weekday', () => {
    const s = {
      ...DEFAULT_DIGEST_SETTINGS,
      frequency: 'weekly' as const,
      time: '09:00',
      timezone: 'Europe/Paris',
      weekday: 'friday' as const,
    };
    // Wednesday 2 December 2026: the last Friday was 27 November, 09:00 in Paris = 08:00 UTC.
    expect(latestSlot(s, at('2026-12-02T12:00:00Z'))).toEqual({ period: 'weekly:2026-11-27', at: at('2026-11-27T08:00:00Z') });
    expect(nextSlot(s, at('2026-12-02T12:00:00Z'))?.at).toEqual(at('2026-12-04T08:00:00Z'));
    expect(latestSlot(s, at('2026-12-04T07:59:00Z'))?.period).toBe('weekly:2026-11-27');
    expect(latestSlot(s, at('2026-12-04T08:00:00Z'))?.period).toBe('weekly:2026-12-04');
    expect(latestSlot(DEFAULT_DIGEST_SETTINGS, at('2026-12-04T08:00:00Z'))).toBeNull();
  });

  it('follows daylight saving time', () => {
    // Paris: 09:00 is 07:00 UTC in summer and 08:00 UTC in winter.
    expect(zonedInstant({ year: 2026, month: 7, day: 1 }, '09:00', 'Europe/Paris')).toEqual(at('2026-07-01T07:00:00Z'));
    expect(zonedInstant({ year: 2026, month: 12, day: 1 }, '09:00', 'Europe/Paris')).toEqual(at('2026-12-01T08:00:00Z'));
    // 02:30 on 29 March 2026 does not exist in Paris: the hour after.
    expect(zonedInstant({ year: 2026, month: 3, day: 29 }, '02:30', 'Europe/Paris')).toEqual(at('2026-03-29T01:30:00Z'));
  });
});
