/** A usage event from the dashboard (migration 0025): append-only, like platform_events. */
export interface AnalyticsEventsTable {
  tenant_id: string;
  id: string;
  event_type: string;
  page: string;
  session_id: string | null;
  user_id: number | null;
  properties: unknown;
  occurred_at: Date;
}

declare module '@crm/db' {
  interface Database {
    analytics_events: AnalyticsEventsTable;
  }
}
