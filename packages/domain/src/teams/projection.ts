import { actorOf, rowCreated, rowStamp, typedRowProjection } from '../shared/events.ts';
import { TeamEvent, teamEventSchemas } from './events.ts';
import './tables.ts';

// A team's three read models, each folded by one evolve, inline and in rebuilds. Disbanding a
// team removes its rows from all three (its stream keeps the history).

export const memberKey = (teamId: string, userId: number) => `${teamId}:${userId}`;

export const teamsProjection = typedRowProjection(teamEventSchemas, {
  name: 'teams.teams',
  table: 'teams',
  columns: ['tenant_id', 'id', 'name', 'description', 'created_by', 'version', 'created_at', 'updated_at'],
  creates: [TeamEvent.TeamCreated],
  evolve(row, e) {
    switch (e.type) {
      case TeamEvent.TeamCreated:
        return { ...rowCreated(e, e.streamId), name: e.data.name, description: e.data.description, created_by: e.data.owner_user_id };
      case TeamEvent.TeamUpdated:
        return row && { ...row, ...e.data.changes, ...rowStamp(e) };
      case TeamEvent.TeamDisbanded:
        return null;
      default:
        // Every event moves the stream's version on, which the next command decides from.
        return row && { ...row, ...rowStamp(e) };
    }
  },
});

export const teamMembersProjection = typedRowProjection(teamEventSchemas, {
  name: 'teams.members',
  table: 'team_members',
  columns: ['tenant_id', 'id', 'team_id', 'user_id', 'role', 'invite_id', 'created_at', 'updated_at'],
  handles: [
    TeamEvent.TeamCreated,
    TeamEvent.TeamMemberJoined,
    TeamEvent.TeamMemberRoleChanged,
    TeamEvent.TeamMemberRemoved,
    TeamEvent.TeamDisbanded,
  ],
  creates: [TeamEvent.TeamCreated, TeamEvent.TeamMemberJoined],
  keysOf(e) {
    switch (e.type) {
      case TeamEvent.TeamCreated:
        return [memberKey(e.streamId, e.data.owner_user_id)];
      case TeamEvent.TeamDisbanded:
        return [];
      default:
        return [memberKey(e.streamId, e.data.user_id)];
    }
  },
  evolve(row, e, key) {
    const member = (userId: number, role: string, inviteId: string | null) => ({
      tenant_id: e.tenantId,
      id: key,
      team_id: e.streamId,
      user_id: userId,
      role,
      invite_id: inviteId,
      created_at: e.occurredAt,
      updated_at: e.occurredAt,
    });
    switch (e.type) {
      case TeamEvent.TeamCreated:
        return member(e.data.owner_user_id, 'owner', null);
      case TeamEvent.TeamMemberJoined:
        return member(e.data.user_id, e.data.role, e.data.invite_id);
      case TeamEvent.TeamMemberRoleChanged:
        return row && { ...row, role: e.data.to, updated_at: e.occurredAt };
      // A disbanding names no member (keysOf), so never reaches here: deleteWhere removes them all.
      case TeamEvent.TeamMemberRemoved:
      case TeamEvent.TeamDisbanded:
        return null;
    }
  },
  deleteWhere: (e) => (e.type === TeamEvent.TeamDisbanded ? { column: 'team_id', value: e.streamId } : null),
});

export const teamInvitesProjection = typedRowProjection(teamEventSchemas, {
  name: 'teams.invites',
  table: 'team_invites',
  columns: ['tenant_id', 'id', 'team_id', 'role', 'status', 'invited_user_id', 'invited_by', 'expires_at', 'created_at', 'updated_at'],
  handles: [TeamEvent.TeamInviteSent, TeamEvent.TeamInviteRevoked, TeamEvent.TeamMemberJoined, TeamEvent.TeamDisbanded],
  creates: [TeamEvent.TeamInviteSent],
  keysOf: (e) => (e.type === TeamEvent.TeamDisbanded ? [] : [e.data.invite_id]),
  evolve(row, e) {
    switch (e.type) {
      case TeamEvent.TeamInviteSent: {
        const d = e.data;
        return {
          tenant_id: e.tenantId,
          id: d.invite_id,
          team_id: e.streamId,
          role: d.role,
          status: 'pending',
          invited_user_id: d.invited_user_id,
          invited_by: actorOf(e),
          expires_at: new Date(d.expires_at),
          created_at: e.occurredAt,
          updated_at: e.occurredAt,
        };
      }
      case TeamEvent.TeamInviteRevoked:
        return row && { ...row, status: 'revoked', updated_at: e.occurredAt };
      case TeamEvent.TeamMemberJoined:
        return row && { ...row, status: 'accepted', updated_at: e.occurredAt };
      default:
        return row;
    }
  },
  deleteWhere: (e) => (e.type === TeamEvent.TeamDisbanded ? { column: 'team_id', value: e.streamId } : null),
});

export const teamProjections = [teamsProjection, teamMembersProjection, teamInvitesProjection];
