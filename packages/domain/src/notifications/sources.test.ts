import { describe, expect, it } from 'vitest';
import { eventSchemas } from '../index.ts';
import { NOTIFICATION_CHANNELS } from './source.ts';
import { placeholdersOf } from './templates/render.ts';
import { notificationSources } from './sources.ts';

// The one list every module adds its notifications to: each kind once, named `<module>.<event>`,
// fired by event types that exist, with templates that use only the variables it declares.

describe('notification sources', () => {
  it('have unique keys of the form module.event', () => {
    const keys = notificationSources.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of notificationSources) expect(s.key, s.key).toMatch(new RegExp(`^${s.module}\\.[a-z0-9_]+$`));
  });

  it('are fired by event types the store knows, with a default for every channel', () => {
    for (const s of notificationSources) {
      for (const type of s.eventTypes) expect(Object.keys(eventSchemas), `${s.key}: ${type}`).toContain(type);
      expect(Object.keys(s.defaultChannels).sort(), s.key).toEqual([...NOTIFICATION_CHANNELS].sort());
    }
  });

  it('use only the variables they declare in their templates', () => {
    for (const s of notificationSources) {
      const used = Object.values(s.template).flatMap(placeholdersOf);
      for (const name of used) expect(Object.keys(s.variables), `${s.key}: {{${name}}}`).toContain(name);
    }
  });
});
