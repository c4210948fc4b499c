export interface DealsTable {
  tenant_id: string;
  id: string;
  name: string;
  domain: string | null;
  value_usd: string;
  stage_id: string;
  owner_user_id: number | null;
  stage_entered_at: Date;
  version: string;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}
export interface DealContactsTable {
  tenant_id: string;
  id: string;
  deal_id: string;
  person_id: string;
  role: string;
  created_at: Date;
  updated_at: Date;
}
export interface ActivitiesTable {
  tenant_id: string;
  id: string;
  deal_id: string;
  type: string;
  body: string;
  scheduled_for: Date | null;
  actor_user_id: number | null;
  data: unknown;
  created_at: Date;
}
export interface DealTimelineTable {
  tenant_id: string;
  deal_id: string;
  stream_version: string;
  event_type: string;
  actor_user_id: number | null;
  changes: unknown;
  occurred_at: Date;
}

declare module '@crm/db' {
  interface Database {
    crm_deals: DealsTable;
    crm_deal_contacts: DealContactsTable;
    crm_activities: ActivitiesTable;
    crm_deal_timeline: DealTimelineTable;
  }
}
