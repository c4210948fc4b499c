import type { ProfileFields } from './events.ts';

/** Read model of `business_profile/<user id>` (migration 0026): one row per user who ever touched it. */
export interface BusinessProfilesTable {
  tenant_id: string;
  user_id: number;
  status: 'none' | 'completed' | 'skipped';
  fields: ProfileFields;
  completed_at: Date | null;
  skipped_at: Date | null;
  version: string;
  created_at: Date;
  updated_at: Date;
}

declare module '@crm/db' {
  interface Database {
    business_profiles: BusinessProfilesTable;
  }
}
