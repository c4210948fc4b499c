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

/** One merge of persons (read model of PersonsMerged / PersonsMergeUndone): what an undo moves back. */
export interface PersonMergesTable {
  tenant_id: string;
  id: string;
  primary_id: string;
  duplicate_ids: string[];
  moves: unknown;
  reparented: unknown;
  merged_by: number | null;
  merged_at: Date;
  undone_by: number | null;
  undone_at: Date | null;
}

declare module '@crm/db' {
  interface Database {
    persons: PersonsTable;
    person_merges: PersonMergesTable;
  }
}
