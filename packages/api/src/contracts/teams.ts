import { teams as domain } from '@crm/domain';
import { z } from 'zod';
import { numberedPage, timestamps, userName } from './answers.ts';
import { contract, email, noInput, page, pageSize, rawText, requiredText, text, timestamp, userId, uuid } from './shared.ts';

// Teams and the org (document 000), in the domain's vocabulary. Document 000's snake_case is
// the REST face's business (packages/rest/src/v1-teams). The permission only lets a caller in:
// what they may do to a team is decided from their role in it (owner, admin, member, viewer).

const PRO = 'pro' as const;
const read = { permission: 'teams.read', plan: PRO } as const;
const write = { permission: 'teams.write', plan: PRO } as const;

const role = z.enum(domain.TEAM_ROLES);
const invitableRole = z.enum(domain.INVITABLE_ROLES).describe('owner is given by an owner to a member, never by invitation');
const teamName = requiredText(100);
const description = text(1000).nullable();

export const Team = z.object({
  id: uuid,
  name: z.string(),
  description: z.string().nullable(),
  role: role.describe("the caller's role in the team"),
  memberCount: z.number().int(),
  createdBy: z.number().int().nullable(),
  version: z.number().int(),
  ...timestamps,
});

export const TeamMember = z.object({
  userId: z.number().int(),
  role,
  email: z.string(),
  ...userName,
  joinedAt: timestamp,
});

export const PendingInvite = z.object({
  id: uuid,
  email: z.string(),
  role,
  invitedBy: z.number().int().nullable(),
  expiresAt: timestamp,
  createdAt: timestamp,
});

export const TeamDetail = Team.extend({
  members: z.array(TeamMember),
  invites: z.array(PendingInvite).describe('pending invitations; shown to owners and admins, empty for other members'),
});

export const SentInvite = z.object({
  id: uuid,
  teamId: uuid,
  email: z.string(),
  role,
  status: z.literal('pending'),
  expiresAt: timestamp,
});

export const ActivityEntry = z.object({
  action: z.enum([
    'team_created',
    'team_updated',
    'team_disbanded',
    'member_invited',
    'invite_revoked',
    'member_joined',
    'role_changed',
    'member_removed',
    'member_left',
  ]),
  version: z.number().int().describe("the event's version in the team's stream"),
  actorUserId: z.number().int().nullable(),
  userId: z.number().int().nullable().describe('the member concerned'),
  inviteId: uuid.nullable(),
  email: z.string().nullable().describe('the invited address'),
  role: role.nullable(),
  previousRole: role.nullable(),
  changes: z.record(z.string(), z.unknown()).nullable(),
  previous: z.record(z.string(), z.unknown()).nullable(),
  occurredAt: timestamp,
});

const teamId = z.object({ teamId: uuid });
const fields = { name: teamName, description: description.optional() };
const changes = { name: teamName.optional(), description: description.optional() };

export const teams = {
  create: contract('teams.create', {
    summary: 'Create a team; the caller becomes its owner.',
    access: write,
    input: z.object(fields),
    output: TeamDetail,
  }),
  list: contract('teams.list', {
    summary: 'The teams the caller belongs to, oldest first, with their role in each.',
    access: read,
    input: noInput,
    output: z.array(Team),
  }),
  get: contract('teams.get', {
    summary: 'A team the caller belongs to, with its members (and, for owners and admins, its pending invitations).',
    access: read,
    input: teamId,
    output: TeamDetail,
  }),
  update: contract('teams.update', {
    summary: 'Change the name or description (owner or admin); only what changes is recorded.',
    access: read,
    input: teamId.extend(changes),
    output: TeamDetail,
  }),
  disband: contract('teams.disband', {
    summary: 'Disband the team (owner only): its members and invitations go; its history stays in the log.',
    access: read,
    input: teamId,
    output: z.object({ deleted: z.literal(true), teamId: uuid }),
  }),
  invite: contract('teams.invite', {
    summary: 'Invite an address with a role (owner or admin); the link is mailed and valid for 7 days, once.',
    access: read,
    input: teamId.extend({ email, role: invitableRole }),
    output: SentInvite,
  }),
  acceptInvite: contract('teams.acceptInvite', {
    summary: "Join a team by a mailed invitation; the caller's email must be the one invited.",
    access: read,
    input: z.object({ token: rawText(1, 200) }),
    output: TeamDetail,
  }),
  revokeInvite: contract('teams.revokeInvite', {
    summary: 'Revoke a pending invitation (owner or admin): its link stops working.',
    access: read,
    input: teamId.extend({ inviteId: uuid }),
    output: z.object({ revoked: z.literal(true), inviteId: uuid }),
  }),
  changeRole: contract('teams.changeRole', {
    summary: "Change a member's role (owner or admin; an admin neither changes an owner nor makes one; the last owner stays).",
    access: read,
    input: teamId.extend({ userId, role }),
    output: TeamMember,
  }),
  removeMember: contract('teams.removeMember', {
    summary: 'Remove a member (owner or admin), or leave (yourself); the last owner stays.',
    access: read,
    input: teamId.extend({ userId }),
    output: z.object({ removed: z.literal(true), teamId: uuid, userId: z.number().int() }),
  }),
  activity: contract('teams.activity', {
    summary: "The team's audit log (owner or admin), newest first: invitations, joins, role changes, removals, renames.",
    access: read,
    input: teamId.extend({ page, pageSize }),
    output: numberedPage('entries', ActivityEntry),
  }),
};

/** `/v1/org`: the caller's primary team (the oldest they own, else the oldest they belong to). */
export const org = {
  get: contract('teams.org.get', {
    summary: "The caller's primary team: the oldest they own, else the oldest they belong to.",
    access: read,
    input: noInput,
    output: TeamDetail,
  }),
  create: contract('teams.org.create', {
    summary: 'Create a team, as POST /v1/teams does.',
    access: write,
    input: z.object(fields),
    output: TeamDetail,
  }),
  update: contract('teams.org.update', {
    summary: "Change the primary team's name or description (owner or admin).",
    access: read,
    input: z.object(changes),
    output: TeamDetail,
  }),
  members: contract('teams.org.members', {
    summary: "The primary team's members.",
    access: read,
    input: noInput,
    output: z.array(TeamMember),
  }),
};
