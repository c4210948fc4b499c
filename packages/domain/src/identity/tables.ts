// Table types of the identity module, next to its queries.
export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  plan: string;
  trial_ends_at: Date | null;
  status: string;
  created_at: Date;
  updated_at: Date;
}
export interface UsersTable {
  tenant_id: string;
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  role: string;
  status: string;
  email_verified: boolean;
  /** The permission profile assigned (document 001's profileId); null when none. */
  profile_id: number | null;
  /**
   * Bumped by a password change, a logout-all, a deactivation and an erasure: an access token
   * issued under an older epoch (its `ep` claim) is refused at its next request.
   */
  session_epoch: number;
  created_at: Date;
  updated_at: Date;
}
export interface UserCredentialsTable {
  tenant_id: string;
  user_id: number;
  password_hash: string;
  updated_at: Date;
}
export interface ApiKeysTable {
  tenant_id: string;
  id: string;
  user_id: number;
  name: string;
  prefix: string;
  key_hash: string;
  /** The permission profile bounding the key (intersected with its user's own permissions); null: the user's. */
  profile_id: number | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}
export interface RefreshTokensTable {
  tenant_id: string;
  id: string;
  user_id: number;
  family_id: string;
  token_hash: string;
  expires_at: Date;
  revoked_at: Date | null;
  replaced_by: string | null;
  created_at: Date;
  /** Until when a second use of this (rotated) token answers the pair it was rotated into. */
  grace_until: Date | null;
  /** That pair, AES-256-GCM under a key derived from this token's clear text (never stored). */
  grace_pair: string | null;
}

declare module '@crm/db' {
  interface Database {
    tenants: TenantsTable;
    users: UsersTable;
    user_credentials: UserCredentialsTable;
    api_keys: ApiKeysTable;
    refresh_tokens: RefreshTokensTable;
  }
}
