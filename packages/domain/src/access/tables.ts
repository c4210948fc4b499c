/** Read model of `permission_profiles/<tenant>` (migration 0015). */
export interface PermissionProfilesTable {
  tenant_id: string;
  id: number;
  name: string;
  description: string | null;
  permissions: string[];
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

/** Read model of `org_settings/<tenant>`: only keys that were set; the others have their default. */
export interface OrgSettingsTable {
  tenant_id: string;
  key: string;
  value: unknown;
  updated_at: Date;
}

declare module '@crm/db' {
  interface Database {
    permission_profiles: PermissionProfilesTable;
    org_settings: OrgSettingsTable;
  }
}
