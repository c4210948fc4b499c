import { DomainError, notFound } from '../../shared/errors.ts';
import { type IdentityEvent, identityEvent } from '../events.ts';
import { permissionsOf, type Role } from '../roles.ts';
import type { UserUpdated } from './events.ts';

// Decisions about a tenant's managed users: pure, given the target user (as locked by the
// command), who is acting and how many active tenant_admins the tenant has.

export type UserStatus = 'invited' | 'active' | 'inactive' | 'erased';

/** Who acts: a user (or a user's API key) of the tenant. */
export interface Actor {
  userId: number;
  role: Role;
}

/** What decide needs to know of the user a command is about. */
export interface UserState {
  id: number;
  role: string;
  status: string;
  /** Whether the user ever set a password (accepted their invitation, or registered). */
  hasPassword: boolean;
}

/** Everything the tenant has that bounds a decision: its active tenant_admins, counted under lock. */
export interface Team {
  activeAdmins: number;
}

export interface InviteUser {
  userId: number;
  email: string;
  firstName: string;
  lastName: string;
  role: Role;
  profileId: number | null;
}

export interface UpdateUser {
  firstName?: string | undefined;
  lastName?: string | undefined;
  role?: Role | undefined;
  profileId?: number | null | undefined;
  status?: 'active' | 'inactive' | undefined;
}

const ADMIN: Role = 'tenant_admin';
const isAdmin = (actor: Actor) => permissionsOf(actor.role).includes('users.admin');

/** A manager cannot hand out what it lacks: only a tenant_admin may make a tenant_admin. */
function checkGrant(actor: Actor, role: string) {
  if (role === ADMIN && actor.role !== ADMIN) {
    throw new DomainError('forbidden', 'role_not_grantable', `a ${actor.role} cannot grant the tenant_admin role`, { role });
  }
}

function live(user: UserState | undefined, userId: number): UserState {
  if (!user || user.status === 'erased') throw notFound('user', userId);
  return user;
}

const isActiveAdmin = (u: UserState) => u.role === ADMIN && u.status === 'active';

function checkNotLastAdmin(user: UserState, team: Team) {
  if (isActiveAdmin(user) && team.activeAdmins <= 1) {
    throw new DomainError('conflict', 'last_admin', 'the tenant must keep at least one active tenant_admin');
  }
}

export function inviteUser(actor: Actor, cmd: InviteUser): IdentityEvent[] {
  checkGrant(actor, cmd.role);
  return [
    identityEvent('UserInvited', {
      user_id: cmd.userId,
      email: cmd.email,
      first_name: cmd.firstName,
      last_name: cmd.lastName,
      role: cmd.role,
      profile_id: cmd.profileId,
      invited_by: actor.userId,
    }),
  ];
}

export function updateUser(actor: Actor, target: UserState | undefined, team: Team, userId: number, cmd: UpdateUser): IdentityEvent[] {
  const user = live(target, userId);
  if (user.role === ADMIN && actor.role !== ADMIN) {
    throw new DomainError('forbidden', 'admin_protected', `a ${actor.role} cannot change a tenant_admin`);
  }
  const changes: UserUpdated['changes'] = {};
  if (cmd.firstName !== undefined) changes.first_name = cmd.firstName;
  if (cmd.lastName !== undefined) changes.last_name = cmd.lastName;
  if (cmd.profileId !== undefined) changes.profile_id = cmd.profileId;
  if (cmd.role !== undefined && cmd.role !== user.role) {
    checkGrant(actor, cmd.role);
    if (user.id === actor.userId) throw new DomainError('conflict', 'cannot_change_own_role', 'you cannot change your own role');
    checkNotLastAdmin(user, team);
    changes.role = cmd.role;
  }
  const events: IdentityEvent[] = [];
  if (Object.keys(changes).length > 0) events.push(identityEvent('UserUpdated', { user_id: user.id, changes }));
  if (cmd.status !== undefined && cmd.status !== user.status) {
    if (!isAdmin(actor)) {
      throw new DomainError('forbidden', 'permission_denied', `your role (${actor.role}) lacks users.admin, which a status change needs`, {
        permission: 'users.admin',
      });
    }
    // A demotion in the same request counts: the user is no longer an admin once it applies.
    const after = { ...user, role: changes.role ?? user.role };
    events.push(...(cmd.status === 'inactive' ? deactivateUser(actor, after, team, userId) : activateUser(after, userId)));
  }
  return events;
}

export function deactivateUser(actor: Actor, target: UserState | undefined, team: Team, userId: number): IdentityEvent[] {
  const user = live(target, userId);
  if (user.id === actor.userId) throw new DomainError('conflict', 'cannot_deactivate_self', 'you cannot deactivate yourself');
  if (user.status === 'inactive') return [];
  checkNotLastAdmin(user, team);
  return [identityEvent('UserDeactivated', { user_id: user.id })];
}

export function activateUser(target: UserState | undefined, userId: number): IdentityEvent[] {
  const user = live(target, userId);
  if (user.status === 'active') return [];
  if (user.status === 'invited') {
    throw new DomainError('conflict', 'invitation_pending', 'the user has not accepted the invitation yet; resend it instead');
  }
  if (!user.hasPassword) {
    throw new DomainError('conflict', 'invitation_not_accepted', 'the user never accepted the invitation; resend it instead');
  }
  return [identityEvent('UserActivated', { user_id: user.id })];
}

/** A new link for a user who never set a password (pending, or deactivated before accepting). */
export function resendInvitation(target: UserState | undefined, userId: number): IdentityEvent[] {
  const user = live(target, userId);
  if (user.hasPassword) throw new DomainError('conflict', 'invitation_already_accepted', 'the user has already accepted an invitation');
  return [identityEvent('UserInvitationResent', { user_id: user.id })];
}

export function acceptInvitation(target: UserState | undefined): IdentityEvent[] {
  if (target?.status !== 'invited' || target.hasPassword) {
    throw new DomainError('invalid', 'invitation_invalid', 'this invitation link is not valid');
  }
  return [identityEvent('UserInvitationAccepted', { user_id: target.id })];
}

export function eraseUser(actor: Actor, target: UserState | undefined, team: Team, userId: number): IdentityEvent[] {
  const user = live(target, userId);
  if (user.id === actor.userId) throw new DomainError('conflict', 'cannot_erase_self', 'you cannot erase yourself');
  checkNotLastAdmin(user, team);
  return [identityEvent('UserErased', { user_id: user.id })];
}
