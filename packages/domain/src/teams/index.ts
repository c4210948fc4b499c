import './tables.ts';
export * from './events.ts';
export {
  INVITABLE_ROLES,
  inviteNotFound,
  requireRole,
  TEAM_MANAGERS,
  roleOf,
  type TeamInvite,
  type TeamMember,
  type TeamState,
  teamNotFound,
} from './decide.ts';
export type { TeamInvitesTable, TeamMembersTable, TeamsTable } from './tables.ts';
export { teamInvitesProjection, teamMembersProjection, teamProjections, teamsProjection } from './projection.ts';
export * from './queries.ts';
export * from './commands.ts';
export { teamNotificationSources } from './notifications.ts';
