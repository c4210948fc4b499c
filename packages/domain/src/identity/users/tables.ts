// State of managed users that is not a read model: invitation secrets.

/** One live invitation per user: only the token's SHA-256; deleted when used; replaced on resend. */
export interface UserInvitationsTable {
  tenant_id: string;
  user_id: number;
  token_hash: string;
  expires_at: Date;
  created_at: Date;
}

declare module '@crm/db' {
  interface Database {
    user_invitations: UserInvitationsTable;
  }
}
