import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { appendDecided, type CommandContext } from '../../shared/command.ts';
import { DomainError } from '../../shared/errors.ts';
import { userStream } from '../events.ts';
import type { Role } from '../roles.ts';
import '../tables.ts';
import * as decide from './decide.ts';
import { emailTaken } from './queries.ts';
import { linkPersonsToNewUser } from '../../people/users-link.ts';
import { destroyKey } from '../../privacy/keys.ts';
import { ERASED_NAME } from '../../privacy/rules.ts';
import './tables.ts';
import { tenantRows } from '../../shared/rows.ts';

/** How long an invitation link works. */
export const INVITATION_TTL_DAYS = 7;

/** An invitation token: 256 random bits, base64url. Only its SHA-256 is stored. */
export function newInvitationToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashInvitationToken(token) };
}

export const hashInvitationToken = (token: string) => createHash('sha256').update(token).digest('hex');

interface Loaded {
  state: decide.UserState | undefined;
  version: number;
}

/**
 * The user a command decides on, locked until the command commits (writers of one user queue),
 * with its stream version; undefined when the tenant has no such user.
 */
async function loadUser(ctx: CommandContext, userId: number): Promise<Loaded> {
  const { rows } = await sql<{ id: number; role: string; status: string; has_password: boolean; version: string | null }>`
    select u.id, u.role, u.status,
           exists (select 1 from user_credentials c where c.user_id = u.id) as has_password,
           (select s.version from es_streams s
             where s.tenant_id = u.tenant_id and s.stream_type = 'user' and s.stream_id = u.id::text) as version
      from users u where u.tenant_id = ${ctx.tenantId} and u.id = ${userId} for update of u`.execute(ctx.tx);
  const r = rows[0];
  if (!r) return { state: undefined, version: 0 };
  return { state: { id: r.id, role: r.role, status: r.status, hasPassword: r.has_password }, version: Number(r.version ?? 0) };
}

/**
 * The tenant's active tenant_admins, locked: two admins deactivating each other at once queue here,
 * and the second sees the first's change, so the tenant always keeps one.
 */
async function loadTeam(ctx: CommandContext): Promise<decide.Team> {
  const { rows } = await sql<{ id: number }>`
    select id from users where tenant_id = ${ctx.tenantId} and role = 'tenant_admin' and status = 'active'
      order by id for update`.execute(ctx.tx);
  return { activeAdmins: rows.length };
}

async function storeInvitation(ctx: CommandContext, userId: number): Promise<string> {
  const { token, hash } = newInvitationToken();
  const now = ctx.clock.now();
  const expires = new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000);
  await ctx.tx
    .insertInto('user_invitations')
    .values({ tenant_id: ctx.tenantId, user_id: userId, token_hash: hash, expires_at: expires, created_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ token_hash: hash, expires_at: expires, created_at: now }))
    .execute();
  return token;
}

export interface InviteInput {
  email: string;
  firstName: string;
  lastName: string;
  role: Role;
  profileId: number | null;
}

/** A new user, pending until they accept; returns the id and the invitation token (to mail, never to store). */
export async function inviteUser(ctx: CommandContext, actor: decide.Actor, input: InviteInput): Promise<{ userId: number; token: string }> {
  decide.inviteUser(actor, { ...input, userId: 0 }); // refuse before taking an id
  if (await emailTaken(ctx.tx, ctx.tenantId, input.email)) throw emailInUse(input.email);
  const { rows } = await sql<{ id: number }>`select nextval('user_ids')::int as id`.execute(ctx.tx);
  const userId = rows[0]!.id;
  await appendDecided(ctx, userStream(userId), 0, decide.inviteUser(actor, { ...input, userId }));
  // Document 003: a user created with a person's email is bound to that person.
  await linkPersonsToNewUser(ctx, userId, input.email);
  return { userId, token: await storeInvitation(ctx, userId) };
}

export const emailInUse = (email: string) =>
  new DomainError('conflict', 'email_taken', `a user with the email ${email} already exists in this tenant`);

export async function updateUser(ctx: CommandContext, actor: decide.Actor, userId: number, input: decide.UpdateUser) {
  const team = input.role !== undefined || input.status !== undefined ? await loadTeam(ctx) : { activeAdmins: 0 };
  const { state, version } = await loadUser(ctx, userId);
  const events = decide.updateUser(actor, state, team, userId, input);
  await appendDecided(ctx, userStream(userId), version, events);
  if (events.some((e) => e.type === 'UserDeactivated')) await endSessions(ctx, userId);
}

/** Refresh tokens end at once; access tokens live out their minutes; API keys stop at the next lookup. */
async function endSessions(ctx: CommandContext, userId: number) {
  await ctx.tx
    .updateTable('refresh_tokens')
    .set({ revoked_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  await ctx.tx.deleteFrom('user_invitations').where('tenant_id', '=', ctx.tenantId).where('user_id', '=', userId).execute();
}

export async function deactivateUser(ctx: CommandContext, actor: decide.Actor, userId: number) {
  const team = await loadTeam(ctx);
  const { state, version } = await loadUser(ctx, userId);
  const events = decide.deactivateUser(actor, state, team, userId);
  await appendDecided(ctx, userStream(userId), version, events);
  if (events.length > 0) await endSessions(ctx, userId);
}

export async function activateUser(ctx: CommandContext, userId: number) {
  const { state, version } = await loadUser(ctx, userId);
  await appendDecided(ctx, userStream(userId), version, decide.activateUser(state, userId));
}

/** A new token; the old one stops working. Returns the token to mail. */
export async function resendInvitation(ctx: CommandContext, userId: number): Promise<string> {
  const { state, version } = await loadUser(ctx, userId);
  await appendDecided(ctx, userStream(userId), version, decide.resendInvitation(state, userId));
  return storeInvitation(ctx, userId);
}

/**
 * Uses an invitation: the token's hash must match a live invitation of this tenant. The row is
 * locked and deleted, so a token works once even when two requests race with it.
 */
export async function acceptInvitation(ctx: CommandContext, tokenHash: string, passwordHash: string): Promise<number> {
  const invitation = await tenantRows(ctx.tx, ctx.tenantId, 'user_invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .forUpdate()
    .executeTakeFirst();
  if (!invitation) throw invitationInvalid();
  if (invitation.expires_at.getTime() <= ctx.clock.now().getTime()) throw invitationExpired();
  const { state, version } = await loadUser(ctx, invitation.user_id);
  await appendDecided(ctx, userStream(invitation.user_id), version, decide.acceptInvitation(state));
  await ctx.tx
    .insertInto('user_credentials')
    .values({ tenant_id: ctx.tenantId, user_id: invitation.user_id, password_hash: passwordHash, updated_at: ctx.clock.now() })
    .execute();
  await ctx.tx.deleteFrom('user_invitations').where('tenant_id', '=', ctx.tenantId).where('user_id', '=', invitation.user_id).execute();
  return invitation.user_id;
}

export const invitationInvalid = () =>
  new DomainError('invalid', 'invitation_invalid', 'this invitation link is not valid (unknown, or already used)');
export const invitationExpired = () =>
  new DomainError('invalid', 'invitation_expired', 'this invitation link has expired; ask an administrator to resend it');

/**
 * Erasure: a UserErased event, read models show placeholders instead of the name and email, and
 * every secret and piece of state about the user is deleted. Events already in the log are not
 * rewritten (their hashes cover the stored form): the user's name, email and profile fields were
 * sealed under the user's own key (privacy/rules.ts), and destroying that key here makes them
 * read as placeholders in every read, rebuild and export from now on.
 */
export async function eraseUser(ctx: CommandContext, actor: decide.Actor, userId: number) {
  const team = await loadTeam(ctx);
  const { state, version } = await loadUser(ctx, userId);
  const before = await tenantRows(ctx.tx, ctx.tenantId, 'users').select('email').where('id', '=', userId).executeTakeFirst();
  await appendDecided(ctx, userStream(userId), version, decide.eraseUser(actor, state, team, userId));
  await destroyKey(ctx.tx, { tenantId: ctx.tenantId, subjectType: 'user', subjectId: String(userId) }, ctx.clock.now());
  const t = ctx.tenantId;
  await ctx.tx.deleteFrom('user_credentials').where('tenant_id', '=', t).where('user_id', '=', userId).execute();
  await ctx.tx.deleteFrom('refresh_tokens').where('tenant_id', '=', t).where('user_id', '=', userId).execute();
  await ctx.tx.deleteFrom('api_keys').where('tenant_id', '=', t).where('user_id', '=', userId).execute();
  await ctx.tx.deleteFrom('user_invitations').where('tenant_id', '=', t).where('user_id', '=', userId).execute();
  // Mailed tokens (password reset, email verification) and mail to the user's address carry their data too.
  await sql`delete from user_tokens where tenant_id = ${t} and user_id = ${userId}`.execute(ctx.tx);
  if (before) {
    await sql`delete from mail_outbox where tenant_id = ${t} and lower(to_address) = lower(${before.email})`.execute(ctx.tx);
    // A team invitation to the address keeps it outside the log (teams module): it goes too.
    await sql`delete from team_invite_secrets where tenant_id = ${t} and lower(email) = lower(${before.email})`.execute(ctx.tx);
  }
  await eraseWrittenBy(ctx, userId);
}

/**
 * What the user wrote and what was said of their actions, in the read models: their chat
 * messages (sealed under their key in the log, so a rebuild shows the same placeholder) and the
 * notifications their actions or messages fired, whose texts carry their name or their words.
 */
async function eraseWrittenBy(ctx: CommandContext, userId: number) {
  const t = ctx.tenantId;
  await sql`update chat_messages set content = ${ERASED_NAME} where tenant_id = ${t} and author_id = ${userId}`.execute(ctx.tx);
  await sql`update chat_channels set last_message_content = ${ERASED_NAME}
    where tenant_id = ${t} and last_message_author_id = ${userId}`.execute(ctx.tx);
  await sql`update notifications n set title = ${ERASED_NAME}, body = ${ERASED_NAME}, variables = '{}'::jsonb
    from es_events e where n.tenant_id = ${t} and e.tenant_id = ${t} and e.global_position = n.source_position
      and ((e.metadata->>'userId')::int = ${userId} or (e.event_type = 'ChatMessagePosted' and (e.data->>'author_id')::int = ${userId}))`.execute(
    ctx.tx,
  );
}
