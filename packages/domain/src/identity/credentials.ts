import { z } from 'zod';
import { defineEvents } from '../shared/events.ts';

// Facts about a user's credentials (spread into identityEventSchemas, so this file imports nothing of
// the module's events). Only the facts: never a password, a hash or a token (the log is
// kept forever and handed to analysts); tokens live hashed in `user_tokens`, hashes in `user_credentials`.

export const UserPasswordChanged = z.object({
  user_id: z.number().int(),
  /** 'change': the user gave the current password; 'reset': a mailed reset token was used. */
  via: z.enum(['change', 'reset']),
});
export const UserEmailVerified = z.object({ user_id: z.number().int(), email: z.string() });
/** The user ended every session (logout-all): refresh families and every access token issued before. */
export const UserSessionsRevoked = z.object({ user_id: z.number().int() });

export type UserPasswordChanged = z.infer<typeof UserPasswordChanged>;
export type UserEmailVerified = z.infer<typeof UserEmailVerified>;

const credentials = defineEvents({ UserPasswordChanged, UserEmailVerified, UserSessionsRevoked });
/**
 * The credential facts' schemas, type constants and builder. Read back they are identity events:
 * their union types and guard are the identity registry's (StoredIdentityEvent, isIdentityEvent).
 */
export const { schemas: credentialEventSchemas, types: CredentialEvent, event: credentialEvent } = credentials;

/** Mailed one-time tokens: what each is for and how long it lives. */
export const TOKEN_PURPOSES = ['password_reset', 'email_verification'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];
export const TOKEN_TTL_S: Record<TokenPurpose, number> = {
  password_reset: 3600,
  email_verification: 7 * 24 * 3600,
};

/** Password-reset requests per (tenant slug, lower(email)) and window (document 001: 5 per hour). */
export const RESET_REQUEST_LIMIT = { requests: 5, windowS: 3600 } as const;

export interface ResetThrottleState {
  requests: number;
  window_start: Date;
}

/**
 * Pure: whether one more reset request at `now` is accepted, and the record after it. A window
 * older than the policy's starts afresh; a refused request does not count.
 */
export function decideResetRequest(
  row: ResetThrottleState | null,
  now: Date,
  limit: { requests: number; windowS: number } = RESET_REQUEST_LIMIT,
): { accepted: true; next: ResetThrottleState } | { accepted: false; retryAfterSeconds: number } {
  const t = now.getTime();
  // A request whose clock reads before the window started (it took its time before a concurrent one
  // opened the window) counts in that window.
  if (!row || t - row.window_start.getTime() >= limit.windowS * 1000) {
    return { accepted: true, next: { requests: 1, window_start: now } };
  }
  if (row.requests >= limit.requests) {
    const left = Math.ceil((row.window_start.getTime() + limit.windowS * 1000 - t) / 1000);
    return { accepted: false, retryAfterSeconds: Math.min(limit.windowS, Math.max(1, left)) };
  }
  return { accepted: true, next: { requests: row.requests + 1, window_start: row.window_start } };
}

/** Why a presented token is refused, or null when it may be used at `now`. */
export function tokenProblem(
  row: { used_at: Date | null; expires_at: Date } | undefined,
  now: Date,
): 'unknown' | 'used' | 'expired' | null {
  if (!row) return 'unknown';
  if (row.used_at) return 'used';
  if (row.expires_at.getTime() <= now.getTime()) return 'expired';
  return null;
}

export interface UserTokensTable {
  tenant_id: string;
  id: string;
  purpose: TokenPurpose;
  user_id: number;
  token_hash: string;
  email: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: Date;
}
export interface PasswordResetThrottleTable {
  tenant_slug: string;
  subject: string;
  requests: number;
  window_start: Date;
}

declare module '@crm/db' {
  interface Database {
    user_tokens: UserTokensTable;
    password_reset_throttle: PasswordResetThrottleTable;
  }
}
