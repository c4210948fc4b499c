import type { Generated, Selectable } from 'kysely';

/** One notification of one user (migration 0020): the inbox row and its email leg. */
export interface NotificationsTable {
  tenant_id: string;
  id: string;
  user_id: number;
  event_key: string;
  module: string;
  title: string;
  body: string;
  link: string | null;
  variables: Record<string, string>;
  source_position: string;
  source_event_id: string;
  created_at: Date;
  read_at: Date | null;
  dismissed_at: Date | null;
  email_state: string;
  held_until: Date | null;
  mail_id: string | null;
  email_updated_at: Date | null;
  /** The order the engine wrote rows in, which is their commit order (migration 0022). */
  seq: Generated<string>;
}

/** A row as the engine writes it (the database numbers it). */
export type NewNotification = Omit<NotificationsTable, 'seq'>;
/** A row as read back. */
export type Notification = Selectable<NotificationsTable>;

/** A user's notification settings folded from their preferences stream (migration 0022). */
export interface NotificationPreferencesTable {
  tenant_id: string;
  user_id: number;
  /** `{ [eventKey]: { [channel]: enabled } }`: only what the user has overridden. */
  overrides: Record<string, Record<string, boolean>>;
  /** Keys of the rules the user has switched off as a whole (their channel choices are kept). */
  muted: string[];
  dnd_enabled: boolean;
  dnd_start: string;
  dnd_end: string;
  dnd_timezone: string;
  version: string;
  updated_at: Date;
}

declare module '@crm/db' {
  interface Database {
    notifications: NotificationsTable;
    notification_preferences: NotificationPreferencesTable;
  }
}
