import { DomainError } from '../shared/errors.ts';
import { type TeamEvent, type TeamRole, teamEvent } from './events.ts';

// A team's decisions, pure: the team as its read models hold it, who asks (a user id) and what
// they ask for, to the events that record it or a refusal. The tenant's own roles do not enter
// here: within a team only the team's roles count (see the README's choices).

export interface TeamMember {
  userId: number;
  role: TeamRole;
}

export interface TeamInvite {
  id: string;
  /** The invited address, lower-cased. */
  email: string;
  role: TeamRole;
  status: 'pending' | 'accepted' | 'revoked';
  expiresAt: Date;
}

export interface TeamState {
  id: string;
  name: string;
  description: string | null;
  members: TeamMember[];
  invites: TeamInvite[];
}

/** Roles an invitation may carry: ownership is given by an owner to someone already in the team. */
export const INVITABLE_ROLES = ['admin', 'member', 'viewer'] as const satisfies readonly TeamRole[];
/** Who runs a team: update, invite, revoke, change roles, remove others, read the audit log. */
export const TEAM_MANAGERS: readonly TeamRole[] = ['owner', 'admin'];

/** Not a member: the team is not shown to exist at all. */
export const teamNotFound = (teamId: string) => new DomainError('not_found', 'team_not_found', `team ${teamId} not found`);
const memberNotFound = (userId: number) => new DomainError('not_found', 'member_not_found', `user ${userId} is not a member of this team`);
export const inviteNotFound = () => new DomainError('not_found', 'invite_not_found', 'no pending invitation matches');

/** The caller's role in the team; a caller outside it gets the team's 404. */
export function roleOf(state: TeamState, userId: number): TeamRole {
  const m = state.members.find((x) => x.userId === userId);
  if (!m) throw teamNotFound(state.id);
  return m.role;
}

/** The caller's role, which must be one of `allowed`: else 403 naming what it takes. */
export function requireRole(state: TeamState, userId: number, allowed: readonly TeamRole[], action: string): TeamRole {
  const role = roleOf(state, userId);
  if (!allowed.includes(role)) {
    throw new DomainError('forbidden', 'team_role_required', `${action} needs the team role ${allowed.join(' or ')}; you are ${role}`, {
      required: [...allowed],
      role,
    });
  }
  return role;
}

const owners = (state: TeamState) => state.members.filter((m) => m.role === 'owner').length;

function refuseLastOwner(state: TeamState, target: TeamMember): void {
  if (target.role === 'owner' && owners(state) === 1) {
    throw new DomainError('conflict', 'last_owner', 'a team keeps at least one owner: make another member owner first');
  }
}

function refuseOwnerByAdmin(actorRole: TeamRole, target: TeamMember): void {
  if (actorRole !== 'owner' && target.role === 'owner') {
    throw new DomainError('forbidden', 'owner_protected', 'only an owner can change or remove an owner');
  }
}

export function createTeam(input: { teamId: string; name: string; description: string | null; ownerUserId: number }): TeamEvent[] {
  return [
    teamEvent('TeamCreated', {
      team_id: input.teamId,
      name: input.name,
      description: input.description,
      owner_user_id: input.ownerUserId,
    }),
  ];
}

/** Owner or admin; only what differs is recorded, and nothing when nothing does. */
export function updateTeam(
  state: TeamState,
  actor: number,
  input: { name?: string | undefined; description?: string | null | undefined },
): TeamEvent[] {
  requireRole(state, actor, TEAM_MANAGERS, 'updating the team');
  const changes: { name?: string; description?: string | null } = {};
  const previous: { name?: string; description?: string | null } = {};
  if (input.name !== undefined && input.name !== state.name) {
    changes.name = input.name;
    previous.name = state.name;
  }
  if (input.description !== undefined && input.description !== state.description) {
    changes.description = input.description;
    previous.description = state.description;
  }
  return Object.keys(changes).length === 0 ? [] : [teamEvent('TeamUpdated', { changes, previous })];
}

export function disbandTeam(state: TeamState, actor: number): TeamEvent[] {
  requireRole(state, actor, ['owner'], 'disbanding the team');
  return [teamEvent('TeamDisbanded', { team_id: state.id })];
}

export interface NewInvite {
  inviteId: string;
  email: string;
  role: TeamRole;
  now: Date;
  expiresAt: Date;
  /** The tenant's user with this address, if there is one. */
  invitedUserId: number | null;
}

/** Owner or admin; one live invitation per address, and none for someone already in the team. */
export function inviteMember(state: TeamState, actor: number, input: NewInvite): TeamEvent[] {
  requireRole(state, actor, TEAM_MANAGERS, 'inviting');
  if (!(INVITABLE_ROLES as readonly TeamRole[]).includes(input.role)) {
    throw new DomainError(
      'invalid',
      'role_not_invitable',
      `an invitation may give ${INVITABLE_ROLES.join(', ')}; make a member owner instead`,
    );
  }
  const email = input.email.toLowerCase();
  if (input.invitedUserId !== null && state.members.some((m) => m.userId === input.invitedUserId)) {
    throw new DomainError('conflict', 'already_member', `${email} is already a member of this team`, { userId: input.invitedUserId });
  }
  const live = state.invites.find((i) => i.email === email && i.status === 'pending' && i.expiresAt > input.now);
  if (live) {
    throw new DomainError('conflict', 'invite_already_pending', `${email} already has a pending invitation to this team`, {
      inviteId: live.id,
      expiresAt: live.expiresAt.toISOString(),
    });
  }
  return [
    teamEvent('TeamInviteSent', {
      invite_id: input.inviteId,
      role: input.role,
      expires_at: input.expiresAt.toISOString(),
      invited_user_id: input.invitedUserId,
    }),
  ];
}

/** Owner or admin; a pending invitation (expired ones included) only. */
export function revokeInvite(state: TeamState, actor: number, inviteId: string): TeamEvent[] {
  requireRole(state, actor, TEAM_MANAGERS, 'revoking an invitation');
  const invite = state.invites.find((i) => i.id === inviteId);
  if (!invite) throw inviteNotFound();
  if (invite.status !== 'pending') {
    throw new DomainError('conflict', 'invite_not_pending', `this invitation was already ${invite.status}`, { status: invite.status });
  }
  return [teamEvent('TeamInviteRevoked', { invite_id: inviteId })];
}

/**
 * The caller takes up an invitation: it must be pending, addressed to the caller's email (a
 * stranger holding the link learns nothing more), and not expired; the caller joins with its role.
 */
export function acceptInvite(state: TeamState, input: { inviteId: string; userId: number; userEmail: string; now: Date }): TeamEvent[] {
  const invite = state.invites.find((i) => i.id === input.inviteId);
  if (invite?.status !== 'pending') throw inviteNotFound();
  if (invite.email !== input.userEmail.toLowerCase()) {
    throw new DomainError('forbidden', 'invite_email_mismatch', 'this invitation was sent to another email address');
  }
  if (invite.expiresAt <= input.now) {
    throw new DomainError('gone', 'invite_expired', 'this invitation has expired; ask the team for a new one', {
      expiredAt: invite.expiresAt.toISOString(),
    });
  }
  if (state.members.some((m) => m.userId === input.userId)) {
    throw new DomainError('conflict', 'already_member', 'you are already a member of this team', { userId: input.userId });
  }
  return [teamEvent('TeamMemberJoined', { user_id: input.userId, role: invite.role, invite_id: invite.id })];
}

/**
 * Owner or admin. An admin neither changes an owner nor makes one; the last owner stays owner.
 * The same role again records nothing.
 */
export function changeRole(state: TeamState, actor: number, userId: number, to: TeamRole): TeamEvent[] {
  const actorRole = requireRole(state, actor, TEAM_MANAGERS, 'changing roles');
  const target = state.members.find((m) => m.userId === userId);
  if (!target) throw memberNotFound(userId);
  refuseOwnerByAdmin(actorRole, target);
  if (to === 'owner' && actorRole !== 'owner') {
    throw new DomainError('forbidden', 'owner_protected', 'only an owner can make another member owner');
  }
  if (target.role === to) return [];
  refuseLastOwner(state, target);
  return [teamEvent('TeamMemberRoleChanged', { user_id: userId, from: target.role, to })];
}

/** Owner or admin removes others (an admin not an owner); anyone may leave; the last owner stays. */
export function removeMember(state: TeamState, actor: number, userId: number): TeamEvent[] {
  const left = actor === userId;
  const actorRole = left ? roleOf(state, actor) : requireRole(state, actor, TEAM_MANAGERS, 'removing a member');
  const target = state.members.find((m) => m.userId === userId);
  if (!target) throw memberNotFound(userId);
  refuseOwnerByAdmin(actorRole, target);
  refuseLastOwner(state, target);
  return [teamEvent('TeamMemberRemoved', { user_id: userId, role: target.role, left })];
}
