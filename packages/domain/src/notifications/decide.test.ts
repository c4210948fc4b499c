import { describe, expect, it } from 'vitest';
import { refusalKind } from '../shared/refusal.ts';
import { catalogue } from './catalogue.ts';
import { dismiss, markAllRead, markRead, setDnd, setPreference, toggleRule } from './decide.ts';
import { emailLeg } from './engine.ts';
import { channelsFor, DEFAULT_PREFERENCES, dndEndsAt, type Preferences } from './preferences.ts';
import { notificationId } from './render.ts';
import { fill } from './templates/render.ts';
import type { NotificationSource } from './source.ts';

// Given the user's notifications and settings, when they act, then these events (or this refusal).

const ID = '00000000-0000-4000-8000-0000000000a1';
const source = (key: string, module: string, email = true): NotificationSource => ({
  key,
  module,
  label: key,
  description: '',
  eventTypes: ['DealCreated'],
  defaultChannels: { in_app: true, email },
  variables: { dealName: 'Acme' },
  template: { title: 'New: {{dealName}}', body: '{{ who }} gave you {{dealName}}', emailSubject: '', emailBody: '' },
  fire: () => [],
});
const sources = [
  source('sales.lead_assigned', 'sales'),
  source('sales.deal_stage_changed', 'sales', false),
  source('chat.mention', 'chat'),
];
const prefs = (p: Partial<Preferences> = {}): Preferences => ({ ...DEFAULT_PREFERENCES, ...p });

describe('read state', () => {
  it('reads an unread notification; reading it again appends nothing', () => {
    expect(markRead({ id: ID, read: false, dismissed: false }, ID)).toEqual([{ type: 'NotificationsRead', data: { ids: [ID] } }]);
    expect(markRead({ id: ID, read: true, dismissed: false }, ID)).toEqual([]);
  });

  it('refuses a notification the user does not have, or has dismissed, as not found', () => {
    expect(refusalKind(() => markRead(undefined, ID))).toBe('not_found:notification_not_found');
    expect(refusalKind(() => markRead({ id: ID, read: false, dismissed: true }, ID))).toBe('not_found:notification_not_found');
    expect(refusalKind(() => dismiss({ id: ID, read: true, dismissed: true }, ID))).toBe('not_found:notification_not_found');
  });

  it('dismisses, and marks all read only when something is unread', () => {
    expect(dismiss({ id: ID, read: true, dismissed: false }, ID)).toEqual([{ type: 'NotificationDismissed', data: { id: ID } }]);
    expect(markAllRead(3)).toEqual([{ type: 'NotificationsAllRead', data: {} }]);
    expect(markAllRead(0)).toEqual([]);
  });
});

describe('preferences', () => {
  it('upserts one channel of a known kind; the same value again appends nothing', () => {
    const change = { eventKey: 'sales.lead_assigned', channel: 'email', enabled: false };
    expect(setPreference(prefs(), change, sources)).toEqual([
      { type: 'NotificationPreferenceSet', data: { event_key: 'sales.lead_assigned', channel: 'email', enabled: false } },
    ]);
    expect(setPreference(prefs({ overrides: { 'sales.lead_assigned': { email: false } } }), change, sources)).toEqual([]);
  });

  it('refuses an unknown kind or channel with a 400 code', () => {
    expect(refusalKind(() => setPreference(prefs(), { eventKey: 'nope', channel: 'email', enabled: true }, sources))).toBe(
      'invalid:unknown_event_key',
    );
    expect(refusalKind(() => setPreference(prefs(), { eventKey: 'chat.mention', channel: 'sms', enabled: true }, sources))).toBe(
      'invalid:unknown_channel',
    );
  });

  it('merges overrides over the defaults, and the catalogue says which are overridden', () => {
    const p = prefs({ overrides: { 'sales.deal_stage_changed': { email: true } } });
    expect(channelsFor(sources[1]!, p)).toEqual({ in_app: true, email: true });
    const cat = catalogue(sources, p);
    expect(cat.map((m) => m.module)).toEqual(['chat', 'sales']);
    const stage = cat[1]!.entries.find((e) => e.source.key === 'sales.deal_stage_changed')!;
    expect(stage.overridden).toEqual({ in_app: false, email: true });
  });

  it('toggles a rule off and on again, keeping its channels; an unknown rule is not found', () => {
    expect(toggleRule(prefs(), 'event', 'chat.mention', sources)).toEqual([
      { type: 'NotificationRuleToggled', data: { event_key: 'chat.mention', enabled: false } },
    ]);
    expect(toggleRule(prefs({ muted: ['chat.mention'] }), 'event', 'chat.mention', sources)).toEqual([
      { type: 'NotificationRuleToggled', data: { event_key: 'chat.mention', enabled: true } },
    ]);
    expect(refusalKind(() => toggleRule(prefs(), 'event', 'nope', sources))).toBe('not_found:rule_not_found');
    expect(refusalKind(() => toggleRule(prefs(), 'saved_search', 'chat.mention', sources))).toBe('not_found:rule_not_found');
  });
});

describe('Do Not Disturb', () => {
  const night = { enabled: true, startTime: '22:00', endTime: '08:00', timezone: 'America/New_York' };

  it('sets a window in a known zone, and refuses an unknown zone', () => {
    expect(setDnd(prefs(), night)).toEqual([
      { type: 'NotificationDndSet', data: { enabled: true, start_time: '22:00', end_time: '08:00', timezone: 'America/New_York' } },
    ]);
    expect(setDnd(prefs({ dnd: night, version: 2 }), night)).toEqual([]);
    expect(refusalKind(() => setDnd(prefs(), { ...night, timezone: 'Mars/Olympus' }))).toBe('invalid:invalid_timezone');
  });

  it('holds email inside a window that crosses midnight, until its end in the zone', () => {
    // 23:30 in New York (EST, UTC-5) is 04:30 UTC the next day; the window ends at 08:00 local = 13:00 UTC.
    expect(dndEndsAt(night, new Date('2026-01-16T04:30:20Z'))).toEqual(new Date('2026-01-16T13:00:00Z'));
    // 03:00 local, after midnight, still inside.
    expect(dndEndsAt(night, new Date('2026-01-16T08:00:00Z'))).toEqual(new Date('2026-01-16T13:00:00Z'));
    // 12:00 local: outside.
    expect(dndEndsAt(night, new Date('2026-01-16T17:00:00Z'))).toBeNull();
    expect(dndEndsAt({ ...night, enabled: false }, new Date('2026-01-16T04:30:00Z'))).toBeNull();
    expect(dndEndsAt({ ...night, startTime: '09:00', endTime: '17:00', timezone: 'UTC' }, new Date('2026-01-16T10:00:00Z'))).toEqual(
      new Date('2026-01-16T17:00:00Z'),
    );
  });

  it('ends a window at its local end time across a daylight-saving change', () => {
    // 23:00 on 7 March in New York is EST (04:00 UTC on the 8th); the clocks go forward at 02:00,
    // so 08:00 on the 8th is EDT, 12:00 UTC, not the 13:00 that nine elapsed hours would give.
    expect(dndEndsAt(night, new Date('2026-03-08T04:00:00Z'))).toEqual(new Date('2026-03-08T12:00:00Z'));
    // And in autumn, 08:00 EST on 1 November is 13:00 UTC.
    expect(dndEndsAt(night, new Date('2026-11-01T03:30:00Z'))).toEqual(new Date('2026-11-01T13:00:00Z'));
    // A window ending inside the spring-forward gap ends at the first instant after it.
    const gap = { ...night, startTime: '01:00', endTime: '02:30' };
    expect(dndEndsAt(gap, new Date('2026-03-08T06:30:00Z'))).toEqual(new Date('2026-03-08T07:30:00Z'));
  });

  it('gives a new row its email leg: none when unwanted, held inside the window, else pending', () => {
    const p = prefs({ dnd: night });
    expect(emailLeg(false, p, new Date('2026-01-16T04:30:00Z'))).toEqual({ email_state: 'none', held_until: null });
    expect(emailLeg(true, p, new Date('2026-01-16T04:30:00Z'))).toEqual({
      email_state: 'held',
      held_until: new Date('2026-01-16T13:00:00Z'),
    });
    expect(emailLeg(true, p, new Date('2026-01-16T17:00:00Z'))).toEqual({ email_state: 'pending', held_until: null });
  });
});

describe('rendering and ids', () => {
  it('fills {{name}} and leaves unknown names empty, inherited ones included', () => {
    expect(fill('{{ who }} gave you {{dealName}}', { dealName: 'Acme' })).toBe(' gave you Acme');
    // Only the variables' own names: the former copy rendered Object's `constructor` here.
    expect(fill('{{constructor}}{{toString}}by {{who}}', { who: 'Ada' })).toBe('by Ada');
  });

  it('derives the same id from the same event, recipient and kind, and another for another recipient', () => {
    const a = notificationId(ID, 7, 'sales.lead_assigned');
    expect(a).toBe(notificationId(ID, 7, 'sales.lead_assigned'));
    expect(a).not.toBe(notificationId(ID, 8, 'sales.lead_assigned'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
