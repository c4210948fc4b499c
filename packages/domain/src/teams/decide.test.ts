import { describe, expect, it } from 'vitest';
import { refusalKind } from '../shared/refusal.ts';
import {
  acceptInvite,
  changeRole,
  createTeam,
  disbandTeam,
  inviteMember,
  removeMember,
  revokeInvite,
  type TeamInvite,
  type TeamMember,
  type TeamState,
  updateTeam,
} from './decide.ts';

// Given a team (its members and invitations), when someone asks, then these events or this refusal.

const TEAM = '00000000-0000-4000-8000-0000000000a1';
const INV = '00000000-0000-4000-8000-0000000000c1';
const NEW_INV = '00000000-0000-4000-8000-0000000000c2';
const [OWNER, OWNER2, ADMIN, MEMBER, VIEWER, STRANGER] = [1, 2, 3, 4, 5, 99];
const now = new Date('2026-12-02T12:00:00Z');
const later = new Date('2026-12-09T12:00:00Z');

const team = (members: TeamMember[], invites: TeamInvite[] = []): TeamState => ({
  id: TEAM,
  name: 'Sales',
  description: null,
  members,
  invites,
});
const everyone = () =>
  team([
    { userId: OWNER, role: 'owner' },
    { userId: ADMIN, role: 'admin' },
    { userId: MEMBER, role: 'member' },
    { userId: VIEWER, role: 'viewer' },
  ]);
const pending = (extra: Partial<TeamInvite> = {}): TeamInvite => ({
  id: INV,
  email: 'new@example.com',
  role: 'member',
  status: 'pending',
  expiresAt: later,
  ...extra,
});
const invite = (
  email = 'new@example.com',
  role: 'admin' | 'member' | 'viewer' | 'owner' = 'member',
  invitedUserId: number | null = null,
) => ({
  inviteId: NEW_INV,
  email,
  role,
  now,
  expiresAt: later,
  invitedUserId,
});

describe('team decisions', () => {
  it('founds a team with its creator as owner', () => {
    expect(createTeam({ teamId: TEAM, name: 'Sales', description: 'EMEA', ownerUserId: OWNER })).toEqual([
      { type: 'TeamCreated', data: { team_id: TEAM, name: 'Sales', description: 'EMEA', owner_user_id: OWNER } },
    ]);
  });

  it('lets owners and admins update, records only what differs, and hides the team from strangers', () => {
    expect(updateTeam(everyone(), ADMIN, { name: 'Sales EMEA', description: null })).toEqual([
      { type: 'TeamUpdated', data: { changes: { name: 'Sales EMEA' }, previous: { name: 'Sales' } } },
    ]);
    expect(updateTeam(everyone(), OWNER, { name: 'Sales' })).toEqual([]);
    expect(refusalKind(() => updateTeam(everyone(), MEMBER, { name: 'X' }))).toBe('forbidden:team_role_required');
    expect(refusalKind(() => updateTeam(everyone(), VIEWER, { name: 'X' }))).toBe('forbidden:team_role_required');
    expect(refusalKind(() => updateTeam(everyone(), STRANGER, { name: 'X' }))).toBe('not_found:team_not_found');
  });

  it('lets only an owner disband', () => {
    expect(disbandTeam(everyone(), OWNER)).toEqual([{ type: 'TeamDisbanded', data: { team_id: TEAM } }]);
    expect(refusalKind(() => disbandTeam(everyone(), ADMIN))).toBe('forbidden:team_role_required');
  });

  it('invites by email with a role, once per live address, never as owner nor a member again', () => {
    expect(inviteMember(everyone(), ADMIN, invite('new@example.com', 'viewer', 42))).toEqual([
      { type: 'TeamInviteSent', data: { invite_id: NEW_INV, role: 'viewer', expires_at: later.toISOString(), invited_user_id: 42 } },
    ]);
    expect(refusalKind(() => inviteMember(everyone(), MEMBER, invite()))).toBe('forbidden:team_role_required');
    expect(refusalKind(() => inviteMember(everyone(), OWNER, invite('x@example.com', 'owner')))).toBe('invalid:role_not_invitable');
    expect(refusalKind(() => inviteMember(everyone(), OWNER, invite('m@example.com', 'member', MEMBER)))).toBe('conflict:already_member');
    const withPending = team(everyone().members, [pending()]);
    expect(refusalKind(() => inviteMember(withPending, OWNER, invite('NEW@example.com')))).toBe('conflict:invite_already_pending');
    // An expired, a revoked or an accepted invitation does not stand in the way.
    for (const old of [pending({ expiresAt: now }), pending({ status: 'revoked' }), pending({ status: 'accepted' })]) {
      expect(inviteMember(team(everyone().members, [old]), OWNER, invite())).toHaveLength(1);
    }
  });

  it('revokes a pending invitation only', () => {
    const given = team(everyone().members, [pending()]);
    expect(revokeInvite(given, OWNER, INV)).toEqual([{ type: 'TeamInviteRevoked', data: { invite_id: INV } }]);
    expect(refusalKind(() => revokeInvite(given, OWNER, NEW_INV))).toBe('not_found:invite_not_found');
    expect(refusalKind(() => revokeInvite(given, VIEWER, INV))).toBe('forbidden:team_role_required');
    expect(refusalKind(() => revokeInvite(team(given.members, [pending({ status: 'accepted' })]), OWNER, INV))).toBe(
      'conflict:invite_not_pending',
    );
  });

  it('accepts an invitation addressed to the caller, before it expires, with its role', () => {
    const given = team(everyone().members, [pending({ role: 'admin' })]);
    const accept = (extra: Partial<Parameters<typeof acceptInvite>[1]> = {}) =>
      acceptInvite(given, { inviteId: INV, userId: 7, userEmail: 'New@Example.com', now, ...extra });
    expect(accept()).toEqual([{ type: 'TeamMemberJoined', data: { user_id: 7, role: 'admin', invite_id: INV } }]);
    expect(refusalKind(() => accept({ userEmail: 'other@example.com' }))).toBe('forbidden:invite_email_mismatch');
    expect(refusalKind(() => accept({ now: later }))).toBe('gone:invite_expired');
    expect(refusalKind(() => accept({ userId: MEMBER }))).toBe('conflict:already_member');
    for (const status of ['accepted', 'revoked'] as const) {
      expect(
        refusalKind(() =>
          acceptInvite(team(given.members, [pending({ status })]), { inviteId: INV, userId: 7, userEmail: 'new@example.com', now }),
        ),
      ).toBe('not_found:invite_not_found');
    }
  });

  it('changes roles: admins not of owners nor to owner, the last owner stays, the same role records nothing', () => {
    expect(changeRole(everyone(), ADMIN, MEMBER, 'viewer')).toEqual([
      { type: 'TeamMemberRoleChanged', data: { user_id: MEMBER, from: 'member', to: 'viewer' } },
    ]);
    expect(changeRole(everyone(), OWNER, MEMBER, 'member')).toEqual([]);
    expect(changeRole(everyone(), OWNER, ADMIN, 'owner')).toHaveLength(1);
    expect(refusalKind(() => changeRole(everyone(), ADMIN, OWNER, 'member'))).toBe('forbidden:owner_protected');
    expect(refusalKind(() => changeRole(everyone(), ADMIN, MEMBER, 'owner'))).toBe('forbidden:owner_protected');
    expect(refusalKind(() => changeRole(everyone(), MEMBER, VIEWER, 'member'))).toBe('forbidden:team_role_required');
    expect(refusalKind(() => changeRole(everyone(), OWNER, OWNER, 'admin'))).toBe('conflict:last_owner');
    expect(refusalKind(() => changeRole(everyone(), OWNER, STRANGER, 'admin'))).toBe('not_found:member_not_found');
    const twoOwners = team([...everyone().members, { userId: OWNER2, role: 'owner' }]);
    expect(changeRole(twoOwners, OWNER, OWNER, 'admin')).toEqual([
      { type: 'TeamMemberRoleChanged', data: { user_id: OWNER, from: 'owner', to: 'admin' } },
    ]);
  });

  it('removes members: owners and admins remove others, anyone leaves, the last owner stays', () => {
    expect(removeMember(everyone(), ADMIN, MEMBER)).toEqual([
      { type: 'TeamMemberRemoved', data: { user_id: MEMBER, role: 'member', left: false } },
    ]);
    expect(removeMember(everyone(), VIEWER, VIEWER)).toEqual([
      { type: 'TeamMemberRemoved', data: { user_id: VIEWER, role: 'viewer', left: true } },
    ]);
    expect(refusalKind(() => removeMember(everyone(), MEMBER, VIEWER))).toBe('forbidden:team_role_required');
    expect(refusalKind(() => removeMember(everyone(), ADMIN, OWNER))).toBe('forbidden:owner_protected');
    expect(refusalKind(() => removeMember(everyone(), OWNER, OWNER))).toBe('conflict:last_owner');
    expect(refusalKind(() => removeMember(everyone(), STRANGER, STRANGER))).toBe('not_found:team_not_found');
    const twoOwners = team([...everyone().members, { userId: OWNER2, role: 'owner' }]);
    expect(removeMember(twoOwners, OWNER2, OWNER)).toHaveLength(1);
  });
});
