export interface PersonsTable {
  tenant_id: string;
  id: string;
  name: string;
  primary_email: string | null;
  emails: unknown;
  contact_numbers: unknown;
  job_title: string;
  organization_id: string | null;
  owner_user_id: number | null;
  platform_user_id: number | null;
  lifecycle_stage: string;
  unique_id: string;
  active: boolean;
  merged_into: string | null;
  metadata: unknown;
  version: string;
  created_at: Date;
  updated_at: Date;
}

declare module '@crm/db' {
  interface Database {
    persons: PersonsTable;
  }
}
