import { identity } from '@crm/domain';
import { z } from 'zod';
import { password, slug } from './identity.ts';
import { userName } from './answers.ts';
import { contract, email, noInput, rawText, text, timestamp } from './shared.ts';

// A user's own account (document 001, /api/v1/auth/...): forgotten and changed passwords, email
// verification, profile and preferences. Router paths sit under `auth`.

const PUBLIC = { public: true } as const;
const SELF = { permission: 'profile.self' } as const;

/** Mailed tokens are `prt_`/`evt_` + 43 characters; anything far longer is not one. */
const mailedToken = rawText(1, 200);

export const PasswordChanged = z.object({
  passwordChanged: z.literal(true),
  sessionsRevoked: z.number().int().describe('refresh sessions ended: every device must log in again'),
});

export const passwords = {
  forgot: contract('auth.password.forgot', {
    summary:
      'Request a password reset email. 5 requests per hour per (tenant, email); the answer is the same whether or not the account exists.',
    access: PUBLIC,
    input: z.object({ email, tenantSlug: slug }),
    output: z.object({ message: z.string() }),
  }),
  reset: contract('auth.password.reset', {
    summary: 'Set a new password with the token from the reset email (single use, valid one hour); ends every session.',
    access: PUBLIC,
    input: z.object({ token: mailedToken, password }),
    output: PasswordChanged,
  }),
  change: contract('auth.password.change', {
    summary: 'Change the password, giving the current one; ends every session.',
    access: SELF,
    input: z.object({ currentPassword: rawText(1, 4096), newPassword: password }),
    output: PasswordChanged,
  }),
};

export const emailVerification = {
  verify: contract('auth.email.verify', {
    summary: 'Verify an email address with the token from the verification email (single use).',
    access: PUBLIC,
    input: z.object({ token: mailedToken }),
    output: z.object({ emailVerified: z.literal(true), email: z.string() }),
  }),
  send: contract('auth.email.sendVerification', {
    summary: 'Mail the current user a link that verifies their address (409 when it is verified already).',
    access: SELF,
    input: noInput,
    output: z.object({ sent: z.literal(true), email: z.string() }),
  }),
};

// ---------------------------------------------------------------- profile

const phone = text(16).regex(identity.E164, 'an E.164 number: +, country code and number, at most 15 digits (+14155550123)');
const timeZone = text(64)
  .refine((s) => identity.canonicalTimeZone(s) !== null, 'an IANA time zone, such as Europe/Paris or UTC')
  .overwrite((s) => identity.canonicalTimeZone(s) ?? s);
const locale = text(identity.MAX_LOCALE)
  .refine((s) => identity.canonicalLocale(s) !== null, 'a BCP 47 language tag, such as en-US or pt-BR')
  .overwrite((s) => identity.canonicalLocale(s) ?? s);
const avatarUrl = text(identity.MAX_AVATAR_URL)
  .refine((s) => identity.avatarUrl(s) !== null, 'an https URL without credentials')
  .overwrite((s) => identity.avatarUrl(s) ?? s);

export const Profile = z.object({
  userId: z.number().int(),
  email: z.string(),
  ...userName,
  emailVerified: z.boolean(),
  phone: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  timezone: z.string().nullable(),
  locale: z.string().nullable(),
  updatedAt: timestamp.nullable().describe('when the profile or preferences last changed; null if never'),
});
export type Profile = z.infer<typeof Profile>;

export const profile = {
  get: contract('auth.profile.get', {
    summary: 'The current user’s profile: phone, avatar, time zone and locale.',
    access: SELF,
    input: noInput,
    output: Profile,
  }),
  update: contract('auth.profile.update', {
    summary: 'Change profile fields: a field left out stays, null clears it.',
    access: SELF,
    input: z.object({
      phone: phone.nullable().optional(),
      avatarUrl: avatarUrl.nullable().optional(),
      timezone: timeZone.nullable().optional(),
      locale: locale.nullable().optional(),
    }),
    output: Profile,
  }),
};

// ---------------------------------------------------------------- preferences

const L = identity.PREFERENCE_LIMITS;
/**
 * Free-form UI and notification settings (the document names no keys), within PREFERENCE_LIMITS.
 * JSON values are checked by preferencesProblem (z.json() is recursive, which OpenAPI's per-route
 * schemas cannot reference).
 */
export const Preferences = z
  .record(z.string(), z.unknown())
  .describe(
    `free-form settings: at most ${L.bytes} bytes as JSON, ${L.depth} levels deep, ${L.keysPerObject} keys per object, keys of 1-${L.keyLength} characters`,
  );

export const preferences = {
  get: contract('auth.preferences.get', {
    summary: 'The current user’s preferences (UI and notification settings); {} until set.',
    access: SELF,
    input: noInput,
    output: Preferences,
  }),
  update: contract('auth.preferences.update', {
    summary: 'Merge settings into the preferences (JSON Merge Patch, RFC 7386: null removes a key); returns them all.',
    access: SELF,
    input: z.record(text(L.keyLength), z.unknown()).superRefine((v, ctx) => {
      const problem = identity.preferencesProblem(v as identity.Preferences);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    output: Preferences,
  }),
};
