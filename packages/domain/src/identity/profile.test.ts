import { describe, expect, it } from 'vitest';
import {
  avatarUrl,
  canonicalLocale,
  canonicalTimeZone,
  decidePreferencesUpdate,
  decideProfileUpdate,
  mergePatch,
  PREFERENCE_LIMITS,
  preferencesProblem,
} from './profile.ts';
import { DomainError } from '../shared/errors.ts';

const none = { phone: null, avatar_url: null, timezone: null, locale: null };

/** Each input of `table` read by `rule`, against the answer beside it (null: refused). */
const expectAnswers = (rule: (input: string) => string | null, table: Record<string, string | null>) =>
  expect(Object.fromEntries(Object.keys(table).map((input) => [input, rule(input)]))).toEqual(table);

describe('profile rules', () => {
  it('knows IANA zones, in their canonical spelling, and nothing else', () => {
    expectAnswers(canonicalTimeZone, {
      'America/New_York': 'America/New_York',
      'europe/paris': 'Europe/Paris',
      UTC: 'UTC',
      'Mars/Base': null,
      '+01:00': null,
      '': null,
    });
  });

  it('canonicalises BCP 47 tags and refuses what is not one', () => {
    expectAnswers(canonicalLocale, { 'en-us': 'en-US', 'pt-BR': 'pt-BR', 'zh-Hant-TW': 'zh-Hant-TW', 'not a tag': null, '': null });
  });

  it('takes https avatars without credentials', () => {
    expectAnswers(avatarUrl, {
      'https://cdn.example.com/a.png': 'https://cdn.example.com/a.png',
      'http://cdn.example.com/a.png': null,
      'https://u:p@cdn.example.com/a.png': null,
      'data:image/png;base64,AAAA': null,
    });
  });
});

describe('profile updates', () => {
  it('given a profile, when fields change, then one event carries only the changes', () => {
    const current = { ...none, timezone: 'UTC' };
    expect(decideProfileUpdate(7, current, { timezone: 'UTC', locale: 'en-US', phone: undefined })).toEqual([
      { type: 'UserProfileUpdated', data: { user_id: 7, locale: 'en-US' } },
    ]);
    expect(decideProfileUpdate(7, current, { timezone: null })).toEqual([
      { type: 'UserProfileUpdated', data: { user_id: 7, timezone: null } },
    ]);
  });

  it('given a profile, when nothing differs, then no event', () => {
    expect(decideProfileUpdate(7, { ...none, phone: '+15550001111' }, { phone: '+15550001111' })).toEqual([]);
    expect(decideProfileUpdate(7, none, {})).toEqual([]);
  });
});

describe('preferences', () => {
  it('merge as JSON Merge Patch (RFC 7386)', () => {
    expect(mergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } })).toEqual({ a: 'z', c: { d: 'e' } });
    expect(mergePatch({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] });
    expect(mergePatch({ a: 1 }, { b: { c: null } })).toEqual({ a: 1, b: {} });
  });

  it('given preferences, when a patch changes them, then the event holds the whole result', () => {
    expect(decidePreferencesUpdate(3, { theme: 'dark' }, { density: 'compact' })).toEqual([
      { type: 'UserPreferencesUpdated', data: { user_id: 3, preferences: { theme: 'dark', density: 'compact' } } },
    ]);
    expect(decidePreferencesUpdate(3, { theme: 'dark' }, { theme: 'dark' })).toEqual([]);
  });

  it('refuses a result out of bounds', () => {
    const big = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`k${i}`, 'x'.repeat(5000)]));
    expect(() => decidePreferencesUpdate(3, big, { more: 'x'.repeat(1000) })).toThrow(DomainError);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < PREFERENCE_LIMITS.depth; i++) deep = { d: deep };
    expect(preferencesProblem(deep as never)).toMatch(/deeper/);
    expect(preferencesProblem({ a: 'x\u0000' })).toMatch(/NUL/);
    expect(preferencesProblem({ a: Number.NaN })).toMatch(/finite/);
    expect(preferencesProblem({ ok: [1, 'two', null, { three: true }] })).toBeNull();
  });
});
