import { randomUUID } from 'node:crypto';
import { appendDecided, type CommandContext } from '../shared/command.ts';
import { DomainError } from '../shared/errors.ts';
import { hashInvitationToken, newInvitationToken } from '../identity/users/commands.ts';
import * as decide from './decide.ts';
import { type TeamEvent, type TeamRole, teamStream } from './events.ts';
import { inviteByTokenHash, type LoadedTeam, loadTeam, userIdByEmail } from './queries.ts';
import './tables.ts';

// A team's commands: lock the team's row, decide, append to `team/<id>` as the caller.

/** How long an invitation link works. */
export const TEAM_INVITE_TTL_DAYS = 7;

/** Who acts: always a user here (API keys act as the user who made them). */
function actor(ctx: CommandContext): number {
  if (ctx.userId === null) throw new DomainError('forbidden', 'user_required', 'teams are managed by users');
  return ctx.userId;
}

async function locked(ctx: CommandContext, teamId: string): Promise<LoadedTeam> {
  const loaded = await loadTeam(ctx.tx, ctx.tenantId, teamId, true);
  if (!loaded) throw decide.teamNotFound(teamId);
  return loaded;
}

/** Decides on the locked team and appends what was decided; answers the team's id. */
async function onTeam(ctx: CommandContext, teamId: string, decision: (state: decide.TeamState, actor: number) => TeamEvent[]) {
  const { team, state } = await locked(ctx, teamId);
  await appendDecided(ctx, teamStream(teamId), team.version, decision(state, actor(ctx)));
  return teamId;
}

export async function createTeam(ctx: CommandContext, input: { name: string; description: string | null }): Promise<string> {
  const teamId = randomUUID();
  await appendDecided(ctx, teamStream(teamId), 0, decide.createTeam({ teamId, ...input, ownerUserId: actor(ctx) }));
  return teamId;
}

export function updateTeam(
  ctx: CommandContext,
  teamId: string,
  input: { name?: string | undefined; description?: string | null | undefined },
) {
  return onTeam(ctx, teamId, (state, by) => decide.updateTeam(state, by, input));
}

export async function disbandTeam(ctx: CommandContext, teamId: string): Promise<void> {
  await onTeam(ctx, teamId, decide.disbandTeam);
  // The secrets of its invitations go with it: no link of a disbanded team can be taken up.
  await ctx.tx.deleteFrom('team_invite_secrets').where('tenant_id', '=', ctx.tenantId).where('team_id', '=', teamId).execute();
}

export function changeMemberRole(ctx: CommandContext, teamId: string, userId: number, role: TeamRole) {
  return onTeam(ctx, teamId, (state, by) => decide.changeRole(state, by, userId, role));
}

export function removeMember(ctx: CommandContext, teamId: string, userId: number) {
  return onTeam(ctx, teamId, (state, by) => decide.removeMember(state, by, userId));
}

export function revokeInvite(ctx: CommandContext, teamId: string, inviteId: string) {
  return onTeam(ctx, teamId, (state, by) => decide.revokeInvite(state, by, inviteId));
}

export interface SentInvite {
  inviteId: string;
  /** The one-time token, for the mail only: it is stored hashed. */
  token: string;
  expiresAt: Date;
  invitedUserId: number | null;
}

/** Records the invitation and keeps the token's hash and the address beside it (never in the log). */
export async function inviteMember(ctx: CommandContext, teamId: string, input: { email: string; role: TeamRole }): Promise<SentInvite> {
  const { team, state } = await locked(ctx, teamId);
  const now = ctx.clock.now();
  const inviteId = randomUUID();
  const expiresAt = new Date(now.getTime() + TEAM_INVITE_TTL_DAYS * 86_400_000);
  const email = input.email.toLowerCase();
  const invitedUserId = await userIdByEmail(ctx.tx, ctx.tenantId, email);
  const events = decide.inviteMember(state, actor(ctx), { inviteId, email, role: input.role, now, expiresAt, invitedUserId });
  const { token, hash } = newInvitationToken();
  await ctx.tx
    .insertInto('team_invite_secrets')
    .values({ tenant_id: ctx.tenantId, invite_id: inviteId, team_id: teamId, email, token_hash: hash })
    .execute();
  await appendDecided(ctx, teamStream(teamId), team.version, events);
  return { inviteId, token, expiresAt, invitedUserId };
}

/** The caller takes up a mailed invitation; answers the team joined. */
export async function acceptInvite(ctx: CommandContext, token: string, userEmail: string): Promise<string> {
  const secret = await inviteByTokenHash(ctx.tx, ctx.tenantId, hashInvitationToken(token));
  if (!secret) throw decide.inviteNotFound();
  const { team, state } = await locked(ctx, secret.team_id);
  const events = decide.acceptInvite(state, { inviteId: secret.invite_id, userId: actor(ctx), userEmail, now: ctx.clock.now() });
  await appendDecided(ctx, teamStream(team.id), team.version, events);
  return team.id;
}
