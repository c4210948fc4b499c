export interface StagesTable {
  tenant_id: string;
  id: string;
  name: string;
  color: string;
  position: number;
  is_won: boolean;
  is_lost: boolean;
  version: string;
  created_at: Date;
  updated_at: Date;
}

declare module '@crm/db' {
  interface Database {
    crm_stages: StagesTable;
  }
}
