import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';

// Document 000's teams: one stream per team, `team/<id>`, holding everything that happened to it
// (its audit log is this stream, read back). Members are users of the tenant, by integer id. An
// invitation's address and token stay out of the log (see migration 0021): the events say that an
// invitation was sent, with which role, until when, and to which user if the address was one.

export const TEAM_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];
const role = z.enum(TEAM_ROLES);

const team = defineEvents({
  /** The team is founded; its creator is its first owner. */
  TeamCreated: z.object({
    team_id: z.string().uuid(),
    name: z.string(),
    description: z.string().nullable(),
    owner_user_id: z.number().int(),
  }),
  /** Name or description changed: the new values and the ones they replaced. */
  TeamUpdated: z.object({
    changes: z.object({ name: z.string().optional(), description: z.string().nullable().optional() }),
    previous: z.object({ name: z.string().optional(), description: z.string().nullable().optional() }),
  }),
  /** Disbanded by an owner: its members, invitations and read models go. */
  TeamDisbanded: z.object({ team_id: z.string().uuid() }),
  TeamInviteSent: z.object({
    invite_id: z.string().uuid(),
    role,
    expires_at: z.string(),
    /** The tenant's user holding the invited address when it was sent, if any. */
    invited_user_id: z.number().int().nullable(),
  }),
  TeamInviteRevoked: z.object({ invite_id: z.string().uuid() }),
  /** A user accepted an invitation and joined with its role. */
  TeamMemberJoined: z.object({ user_id: z.number().int(), role, invite_id: z.string().uuid() }),
  TeamMemberRoleChanged: z.object({ user_id: z.number().int(), from: role, to: role }),
  /** Removed by an owner or admin, or left (`left`: they removed themself). */
  TeamMemberRemoved: z.object({ user_id: z.number().int(), role, left: z.boolean() }),
});

export const { schemas: teamEventSchemas, types: TeamEvent, event: teamEvent, is: isTeamEvent } = team;

export type TeamEvent = NewEventOf<typeof teamEventSchemas>;
export type StoredTeamEvent = StoredEventOf<typeof teamEventSchemas>;

export const teamStream = (teamId: string) => ({ type: 'team', id: teamId });
