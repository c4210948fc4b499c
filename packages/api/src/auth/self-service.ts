import { randomBytes, randomUUID } from 'node:crypto';
import { tokenLink } from '../mail/links.ts';
import { inSystem, inTenant, type Tx } from '@crm/db';
import { DomainError, identity } from '@crm/domain';
import type { Context } from '../context.ts';
import { enqueueMail } from '../mail/outbox.ts';
import type { Services } from '../services.ts';
import type { AuthedContext } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';
import { dummyPasswordHash, hashPassword, passwordBytes, verifyPassword } from './passwords.ts';
import { sha256 } from './secrets.ts';
import { passwordChangeGuard, recordPasswordChangeFailure, recordPasswordChangeSuccess } from './throttle.ts';

/*
 * The self-service paths of document 001: forgotten and changed passwords, email verification.
 *
 * Tokens are 256 random bits (`prt_…` for resets, `evt_…` for verification), mailed once and
 * stored only as their SHA-256 in `user_tokens`, bound to a tenant and a user, single use and
 * expiring (resets after an hour). No token, password or hash is ever in a response, an event or
 * a log line: the mail in the outbox (the same transaction) is the only place a token is written.
 */

export const FORGOT_MESSAGE = 'If an account with this email exists in this tenant, a password reset email has been sent.';

const newToken = (prefix: string) => {
  const token = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256(token) };
};

/** The link a mail carries (see mail/links.ts). */
const linkTo = (path: string, token: string): string | null => tokenLink(path, token);

async function storeToken(
  tx: Tx,
  now: Date,
  tenantId: string,
  purpose: identity.TokenPurpose,
  user: { id: number; email: string },
  hash: string,
) {
  await tx
    .insertInto('user_tokens')
    .values({
      tenant_id: tenantId,
      id: randomUUID(),
      purpose,
      user_id: user.id,
      token_hash: hash,
      email: user.email,
      expires_at: new Date(now.getTime() + identity.TOKEN_TTL_S[purpose] * 1000),
      used_at: null,
      created_at: now,
    })
    .execute();
}

// ---------------------------------------------------------------- forgot

export const resetLimited = (retryAfterSeconds: number) =>
  new DomainError(
    'rate_limited',
    'too_many_requests',
    `too many password reset requests for this account; try again in ${retryAfterSeconds} seconds`,
    {
      retryAfterSeconds,
    },
  );

/**
 * Counts one reset request against (tenant slug, lower(email)) whether or not either exists, so a
 * limit tells nothing about which accounts are real; 429 on the sixth within the hour. The row is
 * locked, so concurrent requests queue on it and exactly `RESET_REQUEST_LIMIT.requests` pass.
 */
async function countResetRequest(services: Services, slug: string, email: string, now: Date): Promise<void> {
  await inSystem(services.db, async (tx) => {
    await tx
      .insertInto('password_reset_throttle')
      .values({ tenant_slug: slug, subject: email, requests: 0, window_start: now })
      .onConflict((oc) => oc.columns(['tenant_slug', 'subject']).doNothing())
      .execute();
    const row = await tx
      .selectFrom('password_reset_throttle')
      .select(['requests', 'window_start'])
      .where('tenant_slug', '=', slug)
      .where('subject', '=', email)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const d = identity.decideResetRequest(row, now);
    if (!d.accepted) throw resetLimited(d.retryAfterSeconds);
    await tx.updateTable('password_reset_throttle').set(d.next).where('tenant_slug', '=', slug).where('subject', '=', email).execute();
  });
  // Now and then, forget windows long over.
  if (Math.random() < 0.01) {
    const before = new Date(now.getTime() - 2 * identity.RESET_REQUEST_LIMIT.windowS * 1000);
    await inSystem(services.db, (tx) => tx.deleteFrom('password_reset_throttle').where('window_start', '<', before).execute()).catch(
      () => {},
    );
  }
}

/**
 * The same answer whether or not the tenant and the account exist. For an active account, a reset
 * token is stored and its mail queued in one transaction; for anything else nothing is written.
 */
export async function forgotPassword(services: Services, input: { email: string; tenantSlug: string }): Promise<{ message: string }> {
  const email = input.email.trim().toLowerCase();
  const slug = input.tenantSlug.trim().toLowerCase();
  const now = services.clock.now();
  await countResetRequest(services, slug, email, now);
  const tenant = await inSystem(services.db, (tx) => identity.findTenantBySlug(tx, slug));
  if (tenant && tenant.status === 'active') {
    await inTenant(services.db, tenant.id, async (tx) => {
      const user = await identity.findUserByEmail(tx, tenant.id, email);
      if (user?.status !== 'active') return;
      const { token, hash } = newToken('prt');
      await storeToken(tx, now, tenant.id, 'password_reset', user, hash);
      const link = linkTo('/reset-password', token);
      await enqueueMail(
        tx,
        tenant.id,
        {
          kind: 'password_reset',
          to: user.email,
          subject: `Reset your ${tenant.name} password`,
          text: [
            `Someone asked to reset the password of ${user.email} at ${tenant.name}.`,
            '',
            link
              ? `Choose a new password here (valid for one hour, once): ${link}`
              : `Your reset token (valid for one hour, once): ${token}`,
            ...(link ? ['', `Or use this token: ${token}`] : []),
            '',
            'If this was not you, ignore this email: your password stays as it is.',
          ].join('\n'),
        },
        now,
      );
    });
  }
  return { message: FORGOT_MESSAGE };
}

// ---------------------------------------------------------------- reset and change

const invalidResetToken = () =>
  new DomainError('invalid', 'invalid_reset_token', 'the reset token is invalid, expired or already used; request a new one');
const invalidVerificationToken = () =>
  new DomainError('invalid', 'invalid_verification_token', 'the verification token is invalid, expired or already used; request a new one');

async function findToken(services: Services, purpose: identity.TokenPurpose, token: string) {
  const hash = sha256(token);
  // The token names its tenant only through its row: found with the system role, used in that tenant.
  return inSystem(services.db, (tx) =>
    tx.selectFrom('user_tokens').selectAll().where('token_hash', '=', hash).where('purpose', '=', purpose).executeTakeFirst(),
  );
}

/** Locks the token's row and returns it if it may still be used, with its user; null otherwise. */
async function claimToken(tx: Tx, row: identity.UserTokensTable, now: Date) {
  const locked = await tx
    .selectFrom('user_tokens')
    .selectAll()
    .where('tenant_id', '=', row.tenant_id)
    .where('id', '=', row.id)
    .forUpdate()
    .executeTakeFirst();
  if (identity.tokenProblem(locked, now)) return null;
  const user = await identity.getUser(tx, row.tenant_id, row.user_id);
  // A token counts only for the address it was mailed to.
  if (!user || user.email.toLowerCase() !== row.email.toLowerCase()) return null;
  return user;
}

/** Every session of the user ends (each refresh family), in the caller's transaction. */
async function revokeAllSessions(tx: Tx, tenantId: string, userId: number, now: Date): Promise<number> {
  const res = await tx
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

async function storePassword(tx: Tx, tenantId: string, userId: number, hash: string, now: Date) {
  await tx
    .insertInto('user_credentials')
    .values({ tenant_id: tenantId, user_id: userId, password_hash: hash, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ password_hash: hash, updated_at: now }))
    .execute();
}

async function useUpTokens(tx: Tx, tenantId: string, userId: number, purpose: identity.TokenPurpose, now: Date) {
  await tx
    .updateTable('user_tokens')
    .set({ used_at: now })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

/** A new password from a mailed token: the token (and any other reset token of the user) is used up, every session ends. */
export async function resetPassword(ctx: Context, input: { token: string; password: string }) {
  const { services } = ctx;
  passwordBytes(input.password);
  const row = await findToken(services, 'password_reset', input.token);
  if (!row || identity.tokenProblem(row, services.clock.now())) throw invalidResetToken();
  const hash = await hashPassword(input.password);
  const revoked = await runCommand({ ...ctx, tenantId: row.tenant_id }, async (c) => {
    const now = c.clock.now();
    const user = await claimToken(c.tx, row, now);
    if (user?.status !== 'active') throw invalidResetToken();
    await useUpTokens(c.tx, row.tenant_id, user.id, 'password_reset', now);
    await storePassword(c.tx, row.tenant_id, user.id, hash, now);
    await identity.recordPasswordChanged(c, user.id, 'reset');
    return revokeAllSessions(c.tx, row.tenant_id, user.id, now);
  });
  return { passwordChanged: true as const, sessionsRevoked: revoked };
}

/** A new password given the current one; every session of the user ends (the access token runs out by itself). */
export async function changePassword(ctx: AuthedContext, input: { currentPassword: string; newPassword: string }) {
  const { tenantId, userId } = ctx.principal;
  passwordBytes(input.currentPassword);
  passwordBytes(input.newPassword);
  await passwordChangeGuard(ctx.services, tenantId, userId);
  const stored = await runQuery(ctx, (tx) =>
    tx
      .selectFrom('user_credentials')
      .select('password_hash')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst(),
  );
  const ok = await verifyPassword(input.currentPassword, stored?.password_hash ?? dummyPasswordHash());
  if (!stored || !ok) {
    // Like a login: this answer stays 400; the lock shows from the next attempt on (429).
    await recordPasswordChangeFailure(ctx.services, tenantId, userId);
    throw new DomainError('invalid', 'invalid_current_password', 'the current password is wrong');
  }
  await recordPasswordChangeSuccess(ctx.services, tenantId, userId);
  if (input.newPassword === input.currentPassword)
    throw new DomainError('invalid', 'password_unchanged', 'the new password is the current one');
  const hash = await hashPassword(input.newPassword);
  const revoked = await runCommand(
    ctx,
    async (c) => {
      const now = c.clock.now();
      // Only replaces the hash that was verified: a change that got in first wins, this one is refused.
      const res = await c.tx
        .updateTable('user_credentials')
        .set({ password_hash: hash, updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('password_hash', '=', stored.password_hash)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new DomainError('conflict', 'password_changed_meanwhile', 'the password was changed meanwhile; try again');
      await useUpTokens(c.tx, tenantId, userId, 'password_reset', now);
      await identity.recordPasswordChanged(c, userId, 'change');
      return revokeAllSessions(c.tx, tenantId, userId, now);
    },
    { retry: false },
  );
  return { passwordChanged: true as const, sessionsRevoked: revoked };
}

// ---------------------------------------------------------------- email verification

/**
 * Stores a verification token for the user's current address and queues its mail, in the caller's
 * transaction (so a rolled-back sign-up or invitation sends nothing).
 */
export async function issueEmailVerification(tx: Tx, tenantId: string, user: { id: number; email: string }, now: Date): Promise<void> {
  const { token, hash } = newToken('evt');
  await storeToken(tx, now, tenantId, 'email_verification', user, hash);
  const link = linkTo('/verify-email', token);
  await enqueueMail(
    tx,
    tenantId,
    {
      kind: 'email_verification',
      to: user.email,
      subject: 'Verify your email address',
      text: [
        `Please confirm that ${user.email} is your address.`,
        '',
        link ? `Confirm here (valid for 7 days, once): ${link}` : `Your verification token (valid for 7 days, once): ${token}`,
        `It is checked at GET /api/v1/auth/verify-email/${token}`,
      ].join('\n'),
    },
    now,
  );
}

/** Mails the caller a verification link for their address; 409 when it is verified already. */
export async function sendEmailVerification(ctx: AuthedContext) {
  const { tenantId, userId } = ctx.principal;
  const now = ctx.services.clock.now();
  return inTenant(ctx.services.db, tenantId, async (tx) => {
    const user = await identity.getUser(tx, tenantId, userId);
    if (!user) throw new DomainError('unauthorized', 'user_not_found', 'the user of this token no longer exists');
    if (user.email_verified) throw new DomainError('conflict', 'email_already_verified', 'this email address is verified already');
    await issueEmailVerification(tx, tenantId, user, now);
    return { sent: true as const, email: user.email };
  });
}

/** Marks the address the token was mailed to as verified (an event on the user's stream); the token is used up. */
export async function verifyEmail(ctx: Context, token: string) {
  const row = await findToken(ctx.services, 'email_verification', token);
  if (!row || identity.tokenProblem(row, ctx.services.clock.now())) throw invalidVerificationToken();
  const email = await runCommand({ ...ctx, tenantId: row.tenant_id }, async (c) => {
    const now = c.clock.now();
    const user = await claimToken(c.tx, row, now);
    if (!user || (user.status !== 'active' && user.status !== 'invited')) throw invalidVerificationToken();
    await useUpTokens(c.tx, row.tenant_id, user.id, 'email_verification', now);
    await identity.recordEmailVerified(c, user.id, user.email, user.email_verified);
    return user.email;
  });
  return { emailVerified: true as const, email };
}
