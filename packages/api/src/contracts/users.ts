import { identity } from '@crm/domain';
import { z } from 'zod';
import { password, User } from './identity.ts';
import { limitPage } from './answers.ts';
import { contract, email, page, pageSize, rawText, requiredText, text, timestamp, userId } from './shared.ts';

// Managing a tenant's users (document 001): invite, list, change, deactivate, reactivate, erase,
// and the invited user's public acceptance. User ids are integers.

const personName = requiredText(200);
const role = z.enum(identity.ROLES);
/** A permission profile's id (document 001's profileId); null clears it. */
const profileId = z.number().int().positive().max(2_147_483_647);

export const ManagedUser = User.extend({
  status: z.enum(['invited', 'active', 'inactive']),
  profileId: profileId.nullable(),
  updatedAt: timestamp,
});
export type ManagedUser = z.infer<typeof ManagedUser>;

const read = { permission: 'users.read' } as const;
const write = { permission: 'users.write' } as const;
const admin = { permission: 'users.admin' } as const;
const byId = z.object({ id: userId });

export const users = {
  create: contract('users.create', {
    summary: 'Create a user and mail them an invitation (valid 7 days, once); they are pending until they accept.',
    access: write,
    input: z.object({
      email,
      firstName: personName,
      lastName: personName,
      role: role.default('user'),
      profileId: profileId.nullable().optional(),
    }),
    output: ManagedUser,
  }),
  list: contract('users.list', {
    summary: 'Users of the tenant, oldest first, with paging, a search on name or email, and a status filter.',
    access: read,
    input: z.object({
      page,
      limit: pageSize,
      search: text(200).optional(),
      status: z.enum(['invited', 'active', 'inactive']).optional(),
    }),
    output: limitPage('users', ManagedUser),
  }),
  get: contract('users.get', {
    summary: 'A user of the tenant by id.',
    access: read,
    input: byId,
    output: ManagedUser,
  }),
  update: contract('users.update', {
    summary:
      'Change a user’s name, role, profile or status. A manager cannot grant or change tenant_admin; a status change needs users.admin.',
    access: write,
    input: byId.extend({
      firstName: personName.optional(),
      lastName: personName.optional(),
      role: role.optional(),
      profileId: profileId.nullable().optional(),
      status: z.enum(['active', 'inactive']).optional(),
    }),
    output: ManagedUser,
  }),
  deactivate: contract('users.deactivate', {
    summary: 'Deactivate a user (soft delete): no more logins, sessions or API keys. Not yourself, nor the last active tenant_admin.',
    access: admin,
    input: byId,
    output: ManagedUser,
  }),
  activate: contract('users.activate', {
    summary: 'Reactivate a deactivated user.',
    access: admin,
    input: byId,
    output: ManagedUser,
  }),
  resendInvitation: contract('users.resendInvitation', {
    summary: 'Mail a pending user a new invitation link; the previous link stops working.',
    access: admin,
    input: byId,
    output: z.object({ id: userId, email: z.string(), invitationExpiresAt: timestamp }),
  }),
  acceptInvitation: contract('users.acceptInvitation', {
    summary: 'Accept an invitation: the token from the mail and a new password; the user becomes active.',
    access: { public: true },
    input: z.object({ token: rawText(1, 200), password }),
    output: ManagedUser,
  }),
  erase: contract('users.erase', {
    summary: 'Erase a user for good: personal data removed from every read model, credentials, sessions, API keys and invitations deleted.',
    access: admin,
    input: byId,
    output: z.object({ id: userId, erased: z.literal(true) }),
  }),
};
