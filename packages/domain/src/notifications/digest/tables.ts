/** A user's digest settings (migration 0023), folded from their `notification_digest` stream. */
export interface NotificationDigestSettingsTable {
  tenant_id: string;
  user_id: number;
  frequency: string;
  local_time: string;
  timezone: string;
  weekday: string;
  version: string;
  updated_at: Date;
}

/** State: one digest sent, per user and period (the unique key makes it once). */
export interface NotificationDigestsTable {
  tenant_id: string;
  id: string;
  user_id: number;
  period: string;
  frequency: string;
  item_count: number;
  mail_id: string | null;
  sent_at: Date;
}

declare module '@crm/db' {
  interface Database {
    notification_digest_settings: NotificationDigestSettingsTable;
    notification_digests: NotificationDigestsTable;
  }
}
