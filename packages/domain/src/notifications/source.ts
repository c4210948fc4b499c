import type { Tx } from '@crm/db';
import type { StoredEvent } from '@crm/eventstore';

// One notification source: the event log. Each module that wants its users told about something
// declares a NotificationSource for it in its own folder (pipeline, teams, chat, ...) and adds it
// to `notificationSources` (sources.ts). The notifications module reads the log, hands each event
// to the sources that name its type, and writes the inbox rows and their email legs; nothing else
// creates notifications. The catalogue, the default templates and the preferences all come from
// this one list, so a new kind of notification is one declaration.

/** Where a notification may go. In-app is the inbox (and its WebSocket push). */
export const NOTIFICATION_CHANNELS = ['in_app', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** One recipient of one fired notification, with the values its template is rendered with. */
export interface Firing {
  userId: number;
  /** Template variables: every name in `variables` should be given; missing ones render empty. */
  variables: Record<string, string>;
  /** Where the notification leads in the frontend, relative (e.g. `/crm/deals/<id>`). */
  link?: string | null;
}

export interface NotificationSource {
  /** Stable key, `<module>.<event>`, e.g. `sales.lead_assigned` (document 001's example). */
  key: string;
  /** The module it is grouped under in the catalogue and the templates list. */
  module: string;
  label: string;
  description: string;
  /** Domain event types that may fire it. */
  eventTypes: readonly string[];
  /** Channels on until the user says otherwise. */
  defaultChannels: Readonly<Record<NotificationChannel, boolean>>;
  /** Names a template may use as `{{name}}`, with a sample value each (for previews). */
  variables: Readonly<Record<string, string>>;
  /** The system template: the in-app title and body, and the email subject and body. */
  template: { title: string; body: string; emailSubject: string; emailBody: string };
  /**
   * Who is told of this event, and with what values: [] when it does not fire. May read read
   * models through `tx` (they may be ahead of the event, never behind its own transaction).
   * Must not tell the actor about their own action.
   */
  fire(tx: Tx, event: StoredEvent): Promise<Firing[]> | Firing[];
}
