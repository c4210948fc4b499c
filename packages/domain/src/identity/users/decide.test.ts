import { describe, expect, it } from 'vitest';
import { refusalKind } from '../../shared/refusal.ts';
import {
  acceptInvitation,
  activateUser,
  deactivateUser,
  eraseUser,
  inviteUser,
  resendInvitation,
  updateUser,
  type UserState,
} from './decide.ts';

// Given the user and the tenant's active admins, when a command is decided, then these events (or this refusal).

const admin = { userId: 1, role: 'tenant_admin' as const };
const manager = { userId: 2, role: 'manager' as const };
const user = (id: number, extra: Partial<UserState> = {}): UserState => ({
  id,
  role: 'user',
  status: 'active',
  hasPassword: true,
  ...extra,
});
const twoAdmins = { activeAdmins: 2 };
const oneAdmin = { activeAdmins: 1 };
const invite = { userId: 9, email: 'jane@acme.test', firstName: 'Jane', lastName: 'Doe', profileId: null };

describe('user decisions', () => {
  it('invites a user, recording who invited them', () => {
    expect(inviteUser(manager, { ...invite, role: 'user' })).toEqual([
      {
        type: 'UserInvited',
        data: { user_id: 9, email: 'jane@acme.test', first_name: 'Jane', last_name: 'Doe', role: 'user', profile_id: null, invited_by: 2 },
      },
    ]);
  });

  it('lets no manager grant tenant_admin, by invitation or promotion, nor change an admin', () => {
    expect(refusalKind(() => inviteUser(manager, { ...invite, role: 'tenant_admin' }))).toBe('forbidden:role_not_grantable');
    expect(refusalKind(() => updateUser(manager, user(5), twoAdmins, 5, { role: 'tenant_admin' }))).toBe('forbidden:role_not_grantable');
    expect(refusalKind(() => updateUser(manager, user(5, { role: 'tenant_admin' }), twoAdmins, 5, { firstName: 'X' }))).toBe(
      'forbidden:admin_protected',
    );
    expect(updateUser(admin, user(5), twoAdmins, 5, { role: 'tenant_admin' })).toEqual([
      { type: 'UserUpdated', data: { user_id: 5, changes: { role: 'tenant_admin' } } },
    ]);
  });

  it('records only what changes; a status change needs users.admin', () => {
    expect(updateUser(manager, user(5), twoAdmins, 5, { role: 'user' })).toEqual([]);
    expect(updateUser(manager, user(5), twoAdmins, 5, { firstName: 'Al', profileId: 3 })).toEqual([
      { type: 'UserUpdated', data: { user_id: 5, changes: { first_name: 'Al', profile_id: 3 } } },
    ]);
    expect(refusalKind(() => updateUser(manager, user(5), twoAdmins, 5, { status: 'inactive' }))).toBe('forbidden:permission_denied');
    expect(updateUser(admin, user(5), twoAdmins, 5, { status: 'inactive' })).toEqual([{ type: 'UserDeactivated', data: { user_id: 5 } }]);
  });

  it('refuses to deactivate, demote or erase the last active admin, or oneself', () => {
    const otherAdmin = user(7, { role: 'tenant_admin' });
    expect(refusalKind(() => deactivateUser(admin, otherAdmin, oneAdmin, 7))).toBe('conflict:last_admin');
    expect(deactivateUser(admin, otherAdmin, twoAdmins, 7)).toEqual([{ type: 'UserDeactivated', data: { user_id: 7 } }]);
    expect(refusalKind(() => updateUser(admin, otherAdmin, oneAdmin, 7, { role: 'user' }))).toBe('conflict:last_admin');
    expect(refusalKind(() => deactivateUser(admin, user(1, { role: 'tenant_admin' }), twoAdmins, 1))).toBe(
      'conflict:cannot_deactivate_self',
    );
    expect(refusalKind(() => updateUser(admin, user(1, { role: 'tenant_admin' }), twoAdmins, 1, { role: 'user' }))).toBe(
      'conflict:cannot_change_own_role',
    );
    expect(refusalKind(() => eraseUser(admin, user(1, { role: 'tenant_admin' }), twoAdmins, 1))).toBe('conflict:cannot_erase_self');
  });

  it('deactivates and reactivates idempotently; a user who never accepted is re-invited instead', () => {
    expect(deactivateUser(admin, user(5, { status: 'inactive' }), twoAdmins, 5)).toEqual([]);
    expect(activateUser(user(5), 5)).toEqual([]);
    expect(activateUser(user(5, { status: 'inactive' }), 5)).toEqual([{ type: 'UserActivated', data: { user_id: 5 } }]);
    expect(refusalKind(() => activateUser(user(5, { status: 'invited', hasPassword: false }), 5))).toBe('conflict:invitation_pending');
    expect(refusalKind(() => activateUser(user(5, { status: 'inactive', hasPassword: false }), 5))).toBe(
      'conflict:invitation_not_accepted',
    );
    expect(resendInvitation(user(5, { status: 'inactive', hasPassword: false }), 5)).toEqual([
      { type: 'UserInvitationResent', data: { user_id: 5 } },
    ]);
    expect(refusalKind(() => resendInvitation(user(5), 5))).toBe('conflict:invitation_already_accepted');
  });

  it('accepts an invitation once, for a pending user only', () => {
    expect(acceptInvitation(user(5, { status: 'invited', hasPassword: false }))).toEqual([
      { type: 'UserInvitationAccepted', data: { user_id: 5 } },
    ]);
    expect(refusalKind(() => acceptInvitation(user(5)))).toBe('invalid:invitation_invalid');
    expect(refusalKind(() => acceptInvitation(undefined))).toBe('invalid:invitation_invalid');
  });

  it('erases a user once; an erased user is gone for every command', () => {
    expect(eraseUser(admin, user(5), twoAdmins, 5)).toEqual([{ type: 'UserErased', data: { user_id: 5 } }]);
    const erased = user(5, { status: 'erased' });
    expect(refusalKind(() => eraseUser(admin, erased, twoAdmins, 5))).toBe('not_found:user_not_found');
    expect(refusalKind(() => updateUser(admin, erased, twoAdmins, 5, { firstName: 'X' }))).toBe('not_found:user_not_found');
    expect(refusalKind(() => activateUser(undefined, 5))).toBe('not_found:user_not_found');
  });
});
