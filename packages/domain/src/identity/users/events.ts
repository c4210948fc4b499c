import { z } from 'zod';
import { defineEvents } from '../../shared/events.ts';

// Events of a managed user's life on its `user/<id>` stream: invited, changed, deactivated,
// reactivated, erased. Invitation tokens and passwords are secrets: they are in state tables
// (user_invitations, user_credentials), never here.

/** Who the user is, as both a registration (UserRegistered) and an invitation record it. */
export const userFields = {
  user_id: z.number().int(),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  role: z.string(),
};

export const UserInvited = z.object({
  ...userFields,
  profile_id: z.number().int().nullable(),
  /** The user who sent the invitation, or null for the system. */
  invited_by: z.number().int().nullable(),
});
/** A new invitation link was sent; the old one no longer works. The user is pending again. */
export const UserInvitationResent = z.object({ user_id: z.number().int() });
/** The invited user set a password through the link: active, and the email is proven theirs. */
export const UserInvitationAccepted = z.object({ user_id: z.number().int() });
/** Only the fields that changed. */
export const UserUpdated = z.object({
  user_id: z.number().int(),
  changes: z.object({
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    role: z.string().optional(),
    profile_id: z.number().int().nullable().optional(),
  }),
});
export const UserDeactivated = z.object({ user_id: z.number().int() });
export const UserActivated = z.object({ user_id: z.number().int() });
/**
 * The user's personal data was erased: read models replace name and email with placeholders and
 * the user's secrets are deleted. Older events keep their data (the hash chain covers them).
 */
export const UserErased = z.object({ user_id: z.number().int() });

export type UserInvited = z.infer<typeof UserInvited>;
export type UserUpdated = z.infer<typeof UserUpdated>;

/** A user's life events and their type constants (spread into the identity registry). */
export const { schemas: userLifecycleEventSchemas, types: UserLifecycleEvent } = defineEvents({
  UserInvited,
  UserInvitationResent,
  UserInvitationAccepted,
  UserUpdated,
  UserDeactivated,
  UserActivated,
  UserErased,
});
