/** An analytics fact about a canonical entity (migration 0017): appended, never changed. */
export interface PlatformEventsTable {
  tenant_id: string;
  id: string;
  canonical_id: string;
  app: string;
  category: string;
  action: string;
  metadata: unknown;
  occurred_at: Date;
  recorded_at: Date;
  actor_user_id: number | null;
}

declare module '@crm/db' {
  interface Database {
    platform_events: PlatformEventsTable;
  }
}
