import { isIPv4, isIPv6 } from 'node:net';
import { type Database, inSystem, type Tx } from '@crm/db';
import { DomainError } from '@crm/domain';
import type { ExpressionBuilder } from 'kysely';
import type { Services } from '../services.ts';

/**
 * Failed-login throttling, in the database so that every server process sees the same counters.
 *
 * - Per account (tenant slug as typed, lower(email)), whether or not the tenant or user exists, so
 *   a lock says nothing about which accounts are real: 5 failures within 15 minutes lock it for
 *   1 minute, the next lock 2, then 4, 8, capped at 15. A success forgets the account's record.
 * - Per source address: 50 failures within 15 minutes lock the address for 15 minutes (a success
 *   does not reset it, or one valid account would let an attacker spray the others). IPv6 clients
 *   count by /64, the block one subscriber usually gets.
 *
 * While locked, `loginGuard` refuses before any password is hashed: 429 `too_many_attempts` with
 * `details.retryAfterSeconds` for the Retry-After header. The answer is the same for real and
 * unknown accounts.
 */

export interface ThrottleRule {
  /** Failures within the window that lock. */
  maxFailures: number;
  windowS: number;
  /** The first lock; each further lock doubles, up to maxLockS. */
  lockS: number;
  maxLockS: number;
}

export const THROTTLE_POLICY = {
  account: { maxFailures: 5, windowS: 15 * 60, lockS: 60, maxLockS: 15 * 60 } satisfies ThrottleRule,
  address: { maxFailures: 50, windowS: 15 * 60, lockS: 15 * 60, maxLockS: 15 * 60 } satisfies ThrottleRule,
  /** A record with no failure for this long (and no lock running) is deleted, lock history and all. */
  forgetAfterS: 24 * 3600,
};

export interface LoginThrottleTable {
  /** 'password_change': wrong current passwords on password/change, per (tenant id, user id). */
  scope: 'account' | 'address' | 'password_change';
  tenant_slug: string;
  subject: string;
  failures: number;
  window_start: Date;
  lockouts: number;
  locked_until: Date | null;
  last_failure_at: Date;
}

declare module '@crm/db' {
  interface Database {
    login_throttle: LoginThrottleTable;
  }
}

export interface LoginAttempt {
  slug: string;
  email: string;
  /** The client's address; without it only the account is throttled. */
  ip?: string | null | undefined;
}

type Key = Pick<LoginThrottleTable, 'scope' | 'tenant_slug' | 'subject'>;
export type ThrottleState = Pick<LoginThrottleTable, 'failures' | 'window_start' | 'lockouts' | 'locked_until' | 'last_failure_at'>;

function keysOf(attempt: LoginAttempt): Key[] {
  const keys: Key[] = [{ scope: 'account', tenant_slug: attempt.slug.trim().toLowerCase(), subject: attempt.email.trim().toLowerCase() }];
  const address = attempt.ip ? normaliseAddress(attempt.ip) : null;
  if (address) keys.push({ scope: 'address', tenant_slug: '', subject: address });
  return keys;
}

// A wrong current password on password/change is throttled like a failed login of the account:
// a stolen access token must not become a way to guess the password (and so to take the account).
const ruleOf = (scope: Key['scope']): ThrottleRule => (scope === 'password_change' ? THROTTLE_POLICY.account : THROTTLE_POLICY[scope]);

/** Throws 429 too_many_attempts while the account or the address is locked. */
export async function loginGuard(services: Services, attempt: LoginAttempt): Promise<void> {
  await guard(services, keysOf(attempt), 'failed logins');
}

async function guard(services: Services, keys: Key[], what: string): Promise<void> {
  const now = services.clock.now();
  const rows = await inSystem(services.db, (tx) =>
    tx
      .selectFrom('login_throttle')
      .select(['locked_until'])
      .where((eb) =>
        eb.or(keys.map((k) => eb.and([eb('scope', '=', k.scope), eb('tenant_slug', '=', k.tenant_slug), eb('subject', '=', k.subject)]))),
      )
      .where('locked_until', '>', now)
      .execute(),
  );
  const until = Math.max(0, ...rows.map((r) => r.locked_until?.getTime() ?? 0));
  if (until > now.getTime()) throw lockedError(Math.ceil((until - now.getTime()) / 1000), what);
}

export function lockedError(retryAfterSeconds: number, what = 'failed logins'): DomainError {
  const s = Math.max(1, retryAfterSeconds);
  return new DomainError('rate_limited', 'too_many_attempts', `too many ${what}; try again in ${s} seconds`, {
    retryAfterSeconds: s,
  });
}

/**
 * Counts a failed login against the account and the address. Returns the seconds until the account
 * or address may try again if this failure locked it, else null.
 */
export async function recordLoginFailure(services: Services, attempt: LoginAttempt): Promise<number | null> {
  return recordFailure(services, keysOf(attempt));
}

async function recordFailure(services: Services, keys: Key[]): Promise<number | null> {
  const now = services.clock.now();
  let lockedForS: number | null = null;
  await inSystem(services.db, async (tx) => {
    // Always account first, then address: two processes lock rows in the same order, so no deadlock.
    for (const key of keys) {
      const row = await lockRow(tx, key, now);
      const next = afterFailure(row, now, ruleOf(key.scope));
      await tx.updateTable('login_throttle').set(next).where(matches(key)).execute();
      if (next.locked_until && next.locked_until.getTime() > now.getTime() && next.lockouts > row.lockouts) {
        const s = Math.ceil((next.locked_until.getTime() - now.getTime()) / 1000);
        lockedForS = Math.max(lockedForS ?? 0, s);
        services.log.warn(key.scope === 'password_change' ? 'password change locked' : 'login locked', {
          scope: key.scope,
          tenantSlug: key.tenant_slug || undefined,
          lockedForSeconds: s,
          lockouts: next.lockouts,
        });
      }
    }
  });
  // Now and then, forget what is stale (rows are cheap to write, an address spray makes many).
  if (Math.random() < 0.01) await pruneLoginThrottle(services).catch(() => {});
  return lockedForS;
}

/** A success forgets the account's failures and lock history (not the address's). */
export async function recordLoginSuccess(services: Services, attempt: LoginAttempt): Promise<void> {
  const [account] = keysOf(attempt);
  await inSystem(services.db, (tx) => tx.deleteFrom('login_throttle').where(matches(account!)).execute());
}

const passwordChangeKey = (tenantId: string, userId: number): Key => ({
  scope: 'password_change',
  tenant_slug: tenantId,
  subject: String(userId),
});

/** Throws 429 too_many_attempts while the user's password changes are locked (before any hashing). */
export function passwordChangeGuard(services: Services, tenantId: string, userId: number): Promise<void> {
  return guard(services, [passwordChangeKey(tenantId, userId)], 'wrong current passwords');
}

/** Counts a wrong current password; returns the seconds locked if this one locked, else null. */
export function recordPasswordChangeFailure(services: Services, tenantId: string, userId: number): Promise<number | null> {
  return recordFailure(services, [passwordChangeKey(tenantId, userId)]);
}

/** A right current password forgets the failures. */
export async function recordPasswordChangeSuccess(services: Services, tenantId: string, userId: number): Promise<void> {
  await inSystem(services.db, (tx) =>
    tx
      .deleteFrom('login_throttle')
      .where(matches(passwordChangeKey(tenantId, userId)))
      .execute(),
  );
}

/** Deletes records with no failure for THROTTLE_POLICY.forgetAfterS and no lock running. */
export async function pruneLoginThrottle(services: Services): Promise<number> {
  const now = services.clock.now();
  const before = new Date(now.getTime() - THROTTLE_POLICY.forgetAfterS * 1000);
  const res = await inSystem(services.db, (tx) =>
    tx
      .deleteFrom('login_throttle')
      .where('last_failure_at', '<', before)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .executeTakeFirst(),
  );
  return Number(res.numDeletedRows);
}

const matches = (key: Key) => (eb: ExpressionBuilder<Database, 'login_throttle'>) =>
  eb.and([eb('scope', '=', key.scope), eb('tenant_slug', '=', key.tenant_slug), eb('subject', '=', key.subject)]);

async function lockRow(tx: Tx, key: Key, now: Date): Promise<LoginThrottleTable> {
  await tx
    .insertInto('login_throttle')
    .values({ ...key, failures: 0, window_start: now, lockouts: 0, locked_until: null, last_failure_at: now })
    .onConflict((oc) => oc.columns(['scope', 'tenant_slug', 'subject']).doNothing())
    .execute();
  return tx.selectFrom('login_throttle').selectAll().where(matches(key)).forUpdate().executeTakeFirstOrThrow();
}

/** The record after one more failure at `now` (pure: the policy in one place, tested without a database). */
export function afterFailure(row: ThrottleState, now: Date, rule: ThrottleRule): ThrottleState {
  const t = now.getTime();
  const quietForS = (t - row.last_failure_at.getTime()) / 1000;
  let lockouts = quietForS >= THROTTLE_POLICY.forgetAfterS ? 0 : row.lockouts;
  let failures = row.failures;
  let windowStart = row.window_start;
  if (failures === 0 || t - windowStart.getTime() >= rule.windowS * 1000) {
    failures = 0;
    windowStart = now;
  }
  failures += 1;
  let lockedUntil = row.locked_until;
  if (failures >= rule.maxFailures) {
    lockouts += 1;
    const lockS = Math.min(rule.lockS * 2 ** Math.min(lockouts - 1, 20), rule.maxLockS);
    lockedUntil = new Date(t + lockS * 1000);
    // The count starts again after a lock: the next lock needs maxFailures more, and lasts longer.
    failures = 0;
    windowStart = now;
  }
  return { failures, window_start: windowStart, lockouts, locked_until: lockedUntil, last_failure_at: now };
}

/** Canonical form of a client address: IPv4 as is (also when IPv4-mapped), IPv6 as its /64; else null. */
export function normaliseAddress(raw: string): string | null {
  let ip = raw.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1]!;
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return null;
  const groups = expandIPv6(ip);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

function expandIPv6(ip: string): string[] {
  // An embedded IPv4 tail (::1.2.3.4) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    ip = ip.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const fill = tail !== undefined ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16).toString(16));
}
