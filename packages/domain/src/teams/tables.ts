/** A team of the tenant (migration 0021), folded from its stream `team/<id>`. */
export interface TeamsTable {
  tenant_id: string;
  id: string;
  name: string;
  description: string | null;
  created_by: number | null;
  version: string;
  created_at: Date;
  updated_at: Date;
}

/** One member of one team; `id` is `<team id>:<user id>`. */
export interface TeamMembersTable {
  tenant_id: string;
  id: string;
  team_id: string;
  user_id: number;
  role: string;
  /** The invitation they joined by; null for the founder. */
  invite_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface TeamInvitesTable {
  tenant_id: string;
  id: string;
  team_id: string;
  role: string;
  status: string;
  invited_user_id: number | null;
  invited_by: number | null;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

/** State, not a read model: the invited address and the token's SHA-256, never in an event. */
export interface TeamInviteSecretsTable {
  tenant_id: string;
  invite_id: string;
  team_id: string;
  email: string;
  token_hash: string;
}

declare module '@crm/db' {
  interface Database {
    teams: TeamsTable;
    team_members: TeamMembersTable;
    team_invites: TeamInvitesTable;
    team_invite_secrets: TeamInviteSecretsTable;
  }
}
