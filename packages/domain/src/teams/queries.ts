import type { Tx } from '@crm/db';
import type { EventStore, StoredEvent } from '@crm/eventstore';
import { sql } from 'kysely';
import { actorOf } from '../shared/events.ts';
import { tenantRows } from '../shared/rows.ts';
import '../identity/tables.ts';
import type { TeamInvite, TeamState } from './decide.ts';
import { type TeamRole, isTeamEvent, teamStream } from './events.ts';
import type { TeamInvitesTable, TeamsTable } from './tables.ts';
import './tables.ts';

// Reads of teams. Whether a caller may see a team is decided from its members (decide.roleOf),
// so the reads below answer for any team of the tenant and the router asks first.

export interface LoadedTeam {
  team: TeamsTable;
  state: TeamState;
}

/**
 * A team as decide needs it, with its row (whose `version` is the stream's); `lock` holds the row
 * until the command commits, so writers of one team queue. Undefined when the tenant has none.
 */
export async function loadTeam(tx: Tx, tenantId: string, teamId: string, lock = false): Promise<LoadedTeam | undefined> {
  const q = tenantRows(tx, tenantId, 'teams').selectAll().where('id', '=', teamId);
  const team = await (lock ? q.forUpdate() : q).executeTakeFirst();
  if (!team) return undefined;
  const [members, invites] = await Promise.all([
    tenantRows(tx, tenantId, 'team_members').select(['user_id', 'role']).where('team_id', '=', teamId).execute(),
    sql<TeamInvitesTable & { email: string | null }>`select i.*, s.email from team_invites i
      left join team_invite_secrets s on s.tenant_id = i.tenant_id and s.invite_id = i.id
      where i.tenant_id = ${tenantId} and i.team_id = ${teamId}`.execute(tx),
  ]);
  return {
    team,
    state: {
      id: team.id,
      name: team.name,
      description: team.description,
      members: members.map((m) => ({ userId: m.user_id, role: m.role as TeamRole })),
      invites: invites.rows.map(
        (i): TeamInvite => ({
          id: i.id,
          email: (i.email ?? '').toLowerCase(),
          role: i.role as TeamRole,
          status: i.status as TeamInvite['status'],
          expiresAt: new Date(i.expires_at),
        }),
      ),
    },
  };
}

export interface MemberRow {
  user_id: number;
  role: TeamRole;
  email: string;
  first_name: string;
  last_name: string;
  joined_at: Date;
}

const ROLE_ORDER = sql`array_position(array['owner','admin','member','viewer'], m.role)`;

/** A team's members with their names and emails: owners first, then by when they joined. */
export async function membersOf(tx: Tx, tenantId: string, teamId: string): Promise<MemberRow[]> {
  const { rows } = await sql<MemberRow>`select m.user_id, m.role, u.email, u.first_name, u.last_name, m.created_at as joined_at
      from team_members m join users u on u.tenant_id = m.tenant_id and u.id = m.user_id
     where m.tenant_id = ${tenantId} and m.team_id = ${teamId}
     order by ${ROLE_ORDER}, m.created_at, m.user_id`.execute(tx);
  return rows;
}

export interface PendingInviteRow {
  id: string;
  email: string;
  role: TeamRole;
  invited_by: number | null;
  expires_at: Date;
  created_at: Date;
}

/** Invitations still pending (expired ones too, until revoked), oldest first. */
export async function pendingInvitesOf(tx: Tx, tenantId: string, teamId: string): Promise<PendingInviteRow[]> {
  const { rows } = await sql<PendingInviteRow>`select i.id, s.email, i.role, i.invited_by, i.expires_at, i.created_at
      from team_invites i join team_invite_secrets s on s.tenant_id = i.tenant_id and s.invite_id = i.id
     where i.tenant_id = ${tenantId} and i.team_id = ${teamId} and i.status = 'pending'
     order by i.created_at, i.id`.execute(tx);
  return rows;
}

export interface TeamOfUserRow extends TeamsTable {
  role: TeamRole;
  member_count: string;
}

function teamsOfUser(tenantId: string, userId: number) {
  return sql<TeamOfUserRow>`select t.*, m.role,
      (select count(*) from team_members c where c.tenant_id = t.tenant_id and c.team_id = t.id) as member_count
      from teams t join team_members m on m.tenant_id = t.tenant_id and m.team_id = t.id and m.user_id = ${userId}
     where t.tenant_id = ${tenantId}`;
}

/** The teams a user belongs to, oldest first. */
export async function listTeamsOf(tx: Tx, tenantId: string, userId: number): Promise<TeamOfUserRow[]> {
  const { rows } = await sql<TeamOfUserRow>`${teamsOfUser(tenantId, userId)} order by t.created_at, t.id`.execute(tx);
  return rows;
}

/** The user's primary team: the oldest they own, else the oldest they belong to. */
export async function primaryTeamOf(tx: Tx, tenantId: string, userId: number): Promise<TeamOfUserRow | undefined> {
  const { rows } = await sql<TeamOfUserRow>`${teamsOfUser(tenantId, userId)}
    order by (m.role = 'owner') desc, t.created_at, t.id limit 1`.execute(tx);
  return rows[0];
}

/** The invitation a mailed token belongs to, locked so that a token works once even when two requests race. */
export async function inviteByTokenHash(tx: Tx, tenantId: string, tokenHash: string) {
  return tenantRows(tx, tenantId, 'team_invite_secrets').selectAll().where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
}

/** The tenant's user holding this address (case-insensitively), if any. */
export async function userIdByEmail(tx: Tx, tenantId: string, email: string): Promise<number | null> {
  const row = await tenantRows(tx, tenantId, 'users').select('id').where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
  return row?.id ?? null;
}

export type ActivityAction =
  | 'team_created'
  | 'team_updated'
  | 'team_disbanded'
  | 'member_invited'
  | 'invite_revoked'
  | 'member_joined'
  | 'role_changed'
  | 'member_removed'
  | 'member_left';

export interface ActivityEntry {
  position: string;
  version: number;
  action: ActivityAction;
  actorUserId: number | null;
  /** The member concerned (joined, changed, removed), if any. */
  userId: number | null;
  inviteId: string | null;
  /** The invited address, while the invitation's record is kept. */
  email: string | null;
  role: TeamRole | null;
  previousRole: TeamRole | null;
  changes: Record<string, unknown> | null;
  previous: Record<string, unknown> | null;
  occurredAt: Date;
}

function entryOf(e: StoredEvent, emails: ReadonlyMap<string, string>): ActivityEntry | null {
  const base = {
    position: e.globalPosition,
    version: e.streamVersion,
    actorUserId: actorOf(e),
    userId: null,
    inviteId: null,
    email: null,
    role: null,
    previousRole: null,
    changes: null,
    previous: null,
    occurredAt: e.occurredAt,
  };
  if (isTeamEvent(e, 'TeamCreated'))
    return {
      ...base,
      action: 'team_created',
      userId: e.data.owner_user_id,
      role: 'owner',
      changes: { name: e.data.name, description: e.data.description },
    };
  if (isTeamEvent(e, 'TeamUpdated')) return { ...base, action: 'team_updated', changes: e.data.changes, previous: e.data.previous };
  if (isTeamEvent(e, 'TeamDisbanded')) return { ...base, action: 'team_disbanded' };
  /** The invitation an entry is about, with its address while the record is kept. */
  const invite = (inviteId: string) => ({ inviteId, email: emails.get(inviteId) ?? null });
  if (isTeamEvent(e, 'TeamInviteSent'))
    return { ...base, action: 'member_invited', ...invite(e.data.invite_id), role: e.data.role, userId: e.data.invited_user_id };
  if (isTeamEvent(e, 'TeamInviteRevoked')) return { ...base, action: 'invite_revoked', ...invite(e.data.invite_id) };
  if (isTeamEvent(e, 'TeamMemberJoined'))
    return { ...base, action: 'member_joined', userId: e.data.user_id, role: e.data.role, ...invite(e.data.invite_id) };
  if (isTeamEvent(e, 'TeamMemberRoleChanged'))
    return { ...base, action: 'role_changed', userId: e.data.user_id, role: e.data.to, previousRole: e.data.from };
  if (isTeamEvent(e, 'TeamMemberRemoved')) {
    return { ...base, action: e.data.left ? 'member_left' : 'member_removed', userId: e.data.user_id, previousRole: e.data.role };
  }
  return null;
}

/** The team's audit log, read from its stream: newest first, one page, and how many entries in all. */
export async function teamActivity(tx: Tx, store: EventStore, tenantId: string, teamId: string, page: number, pageSize: number) {
  const [events, secrets] = await Promise.all([
    store.readStream(tx, tenantId, teamStream(teamId)),
    tenantRows(tx, tenantId, 'team_invite_secrets').select(['invite_id', 'email']).where('team_id', '=', teamId).execute(),
  ]);
  const emails = new Map(secrets.map((s) => [s.invite_id, s.email]));
  const entries = events.flatMap((e) => entryOf(e, emails) ?? []).reverse();
  return { entries: entries.slice((page - 1) * pageSize, page * pageSize), total: entries.length };
}
