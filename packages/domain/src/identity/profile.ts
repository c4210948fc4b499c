import { sql } from 'kysely';
import type { Executor } from '@crm/db';
import { z } from 'zod';
import { type CommandContext, appendFacts } from '../shared/command.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { defineEvents, type NewEventOf, typedRowProjection } from '../shared/events.ts';
import { userStream } from './events.ts';
import { UserErased } from './users/events.ts';

// A user's own profile (phone, avatar, time zone, locale) and preferences (UI and notification
// settings): events on the user's stream, read from the `user_profiles` projection.

// ---------------------------------------------------------------- rules (pure)

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{1,14}$/;
export const MAX_AVATAR_URL = 2048;
export const MAX_LOCALE = 35;

export { canonicalTimeZone } from '../shared/zones.ts';

/** The BCP 47 tag in canonical form (`en-us` -> `en-US`), or null if it is not one. */
export function canonicalLocale(tag: string): string | null {
  if (tag.length === 0 || tag.length > MAX_LOCALE) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical ?? null;
  } catch {
    return null;
  }
}

/** An https URL without credentials in it, normalised; else null. */
export function avatarUrl(s: string): string | null {
  if (s.length > MAX_AVATAR_URL) return null;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username || url.password || !url.hostname) return null;
  return url.href.length > MAX_AVATAR_URL ? null : url.href;
}

/** Preferences are free-form (the document names no keys), within these bounds. */
export const PREFERENCE_LIMITS = { bytes: 16 * 1024, depth: 8, keysPerObject: 100, keyLength: 100, arrayLength: 100 } as const;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Preferences = { [key: string]: JsonValue };

/** What is wrong with a preferences object, or null. Strings and keys must be storable text. */
export function preferencesProblem(value: Preferences): string | null {
  const bad = (v: unknown, depth: number, at: string): string | null => {
    if (depth > PREFERENCE_LIMITS.depth) return `${at}: nested deeper than ${PREFERENCE_LIMITS.depth} levels`;
    if (typeof v === 'string') return storable(v) ? null : `${at}: NUL bytes and unpaired surrogates cannot be stored`;
    if (typeof v === 'number') return Number.isFinite(v) ? null : `${at}: not a finite number`;
    if (v === null || typeof v === 'boolean') return null;
    if (Array.isArray(v)) {
      if (v.length > PREFERENCE_LIMITS.arrayLength) return `${at}: more than ${PREFERENCE_LIMITS.arrayLength} items`;
      for (let i = 0; i < v.length; i++) {
        const p = bad(v[i], depth + 1, `${at}[${i}]`);
        if (p) return p;
      }
      return null;
    }
    if (typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length > PREFERENCE_LIMITS.keysPerObject) return `${at}: more than ${PREFERENCE_LIMITS.keysPerObject} keys`;
      for (const k of keys) {
        if (k.length === 0 || k.length > PREFERENCE_LIMITS.keyLength || !storable(k))
          return `${at}: key "${k.slice(0, 20)}" must be 1-${PREFERENCE_LIMITS.keyLength} storable characters`;
        if (k === '__proto__' || k === 'constructor' || k === 'prototype') return `${at}: key "${k}" is reserved`;
        const p = bad((v as Record<string, unknown>)[k], depth + 1, `${at}.${k}`);
        if (p) return p;
      }
      return null;
    }
    return `${at}: not a JSON value`;
  };
  const problem = bad(value, 1, 'preferences');
  if (problem) return problem;
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  return bytes > PREFERENCE_LIMITS.bytes ? `preferences: ${bytes} bytes, more than ${PREFERENCE_LIMITS.bytes}` : null;
}

const storable = (s: string) => !s.includes('\u0000') && s.isWellFormed();

const isObject = (v: unknown): v is Preferences => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON Merge Patch (RFC 7386): objects merge key by key, null removes a key, anything else replaces. */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return patch;
  const out: Preferences = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

// ---------------------------------------------------------------- events

const profileFields = {
  phone: z.string().nullable().optional(),
  avatar_url: z.string().nullable().optional(),
  timezone: z.string().nullable().optional(),
  locale: z.string().nullable().optional(),
};
/** Only the fields that changed; null clears one. */
export const UserProfileUpdated = z.object({ user_id: z.number().int(), ...profileFields });
/** The whole preferences object after the change. */
export const UserPreferencesUpdated = z.object({ user_id: z.number().int(), preferences: z.record(z.string(), z.json()) });

/** Every profile event type and its schema: the store parses each appended event against it. */
const profile = defineEvents({ UserProfileUpdated, UserPreferencesUpdated });
export const { schemas: profileEventSchemas, types: ProfileEvent, event: profileEvent } = profile;
/** A profile event as decide returns it: `{ type: 'UserProfileUpdated'; data: ... } | ...`. */
export type ProfileEvent = NewEventOf<typeof profileEventSchemas>;

// ---------------------------------------------------------------- decide (pure)

export interface ProfileFields {
  phone: string | null;
  avatar_url: string | null;
  timezone: string | null;
  locale: string | null;
}
export const PROFILE_FIELDS = ['phone', 'avatar_url', 'timezone', 'locale'] as const satisfies readonly (keyof ProfileFields)[];

/** The event for a profile change: only what differs from now; none when nothing does. */
export function decideProfileUpdate(userId: number, current: ProfileFields, patch: Partial<ProfileFields>): ProfileEvent[] {
  const changes: Partial<ProfileFields> = {};
  for (const f of PROFILE_FIELDS) {
    const v = patch[f];
    if (v !== undefined && v !== current[f]) changes[f] = v;
  }
  return Object.keys(changes).length === 0 ? [] : [profileEvent('UserProfileUpdated', { user_id: userId, ...changes })];
}

/** The event for a preferences patch (RFC 7386 merge), or none when nothing changes; throws on a result out of bounds. */
export function decidePreferencesUpdate(userId: number, current: Preferences, patch: Preferences): ProfileEvent[] {
  const next = mergePatch(current, patch) as Preferences;
  const problem = preferencesProblem(next);
  if (problem) throw new DomainError('invalid', 'invalid_preferences', problem);
  if (JSON.stringify(next) === JSON.stringify(current)) return [];
  return [profileEvent('UserPreferencesUpdated', { user_id: userId, preferences: next })];
}

// ---------------------------------------------------------------- projection

export interface UserProfilesTable extends ProfileFields {
  tenant_id: string;
  user_id: number;
  preferences: Preferences;
  updated_at: Date;
}

declare module '@crm/db' {
  interface Database {
    user_profiles: UserProfilesTable;
  }
}

/** The projection also reads UserErased (users management): an erased user's profile row goes. */
const profileReadEvents = { ...profileEventSchemas, UserErased } as const;

export const userProfilesProjection = typedRowProjection(profileReadEvents, {
  name: 'identity.user_profiles',
  table: 'user_profiles',
  key: 'user_id',
  columns: ['tenant_id', 'user_id', 'phone', 'avatar_url', 'timezone', 'locale', 'preferences', 'updated_at'],
  handles: [ProfileEvent.UserProfileUpdated, ProfileEvent.UserPreferencesUpdated, 'UserErased'],
  keysOf: (e) => [String(e.data.user_id)],
  evolve(row, e) {
    if (e.type === 'UserErased') return null;
    const base: UserProfilesTable = row ?? {
      tenant_id: e.tenantId,
      user_id: e.data.user_id,
      phone: null,
      avatar_url: null,
      timezone: null,
      locale: null,
      preferences: {},
      updated_at: e.occurredAt,
    };
    if (e.type === ProfileEvent.UserProfileUpdated) {
      const next = { ...base, updated_at: e.occurredAt };
      for (const f of PROFILE_FIELDS) {
        const v = e.data[f];
        if (v !== undefined) next[f] = v;
      }
      return next;
    }
    return { ...base, preferences: e.data.preferences as Preferences, updated_at: e.occurredAt };
  },
});

// ---------------------------------------------------------------- queries and commands

export const emptyProfile = (tenantId: string, userId: number): UserProfilesTable => ({
  tenant_id: tenantId,
  user_id: userId,
  phone: null,
  avatar_url: null,
  timezone: null,
  locale: null,
  preferences: {},
  updated_at: new Date(0),
});

/** The user's profile row, or null when they never set anything. */
export async function getProfile(db: Executor, tenantId: string, userId: number): Promise<UserProfilesTable | null> {
  return (
    (await db.selectFrom('user_profiles').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst()) ??
    null
  );
}

/** Locks the user's row: changes to one user's profile queue, so a merge never loses another's write. */
async function lockUser(ctx: CommandContext, userId: number): Promise<void> {
  const { rows } = await sql<{ id: number }>`select id from users where tenant_id = ${ctx.tenantId} and id = ${userId} for update`.execute(
    ctx.tx,
  );
  if (rows.length === 0) throw notFound('user', userId);
}

export async function updateProfile(ctx: CommandContext, userId: number, patch: Partial<ProfileFields>): Promise<UserProfilesTable> {
  await lockUser(ctx, userId);
  const current = (await getProfile(ctx.tx, ctx.tenantId, userId)) ?? emptyProfile(ctx.tenantId, userId);
  const events = decideProfileUpdate(userId, current, patch);
  if (events.length === 0) return current;
  await appendFacts(ctx, userStream(userId), events);
  return (await getProfile(ctx.tx, ctx.tenantId, userId))!;
}

export async function updatePreferences(ctx: CommandContext, userId: number, patch: Preferences): Promise<UserProfilesTable> {
  await lockUser(ctx, userId);
  const current = (await getProfile(ctx.tx, ctx.tenantId, userId)) ?? emptyProfile(ctx.tenantId, userId);
  const events = decidePreferencesUpdate(userId, current.preferences, patch);
  if (events.length === 0) return current;
  await appendFacts(ctx, userStream(userId), events);
  return (await getProfile(ctx.tx, ctx.tenantId, userId))!;
}
