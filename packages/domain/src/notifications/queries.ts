import type { Tx } from '@crm/db';
import { countRows } from '../shared/paging.ts';
import { pageWithCount } from '../shared/paging.ts';
import type { InboxItem } from './decide.ts';
import { DEFAULT_PREFERENCES, type Preferences } from './preferences.ts';
import type { NotificationPreferencesTable, NotificationsTable } from './tables.ts';
import './tables.ts';

// Reads of one user's notifications and settings. Every one names the tenant and the user: the
// engine reads as the system (no row-level security), the router in the caller's tenant.

const ofUser = (tx: Tx, tenantId: string, userId: number) =>
  tx.selectFrom('notifications').where('tenant_id', '=', tenantId).where('user_id', '=', userId);

/** The badge: the user's notifications neither read nor dismissed. */
export async function unreadCount(tx: Tx, tenantId: string, userId: number): Promise<number> {
  return countRows(ofUser(tx, tenantId, userId).where('read_at', 'is', null).where('dismissed_at', 'is', null));
}

/** One of the user's notifications, as decide sees it; another user's is not there. */
export async function inboxItem(tx: Tx, tenantId: string, userId: number, id: string): Promise<InboxItem | undefined> {
  const row = await ofUser(tx, tenantId, userId).select(['id', 'read_at', 'dismissed_at']).where('id', '=', id).executeTakeFirst();
  return row && { id: row.id, read: row.read_at !== null, dismissed: row.dismissed_at !== null };
}

export const findNotification = (tx: Tx, tenantId: string, userId: number, id: string) =>
  ofUser(tx, tenantId, userId).selectAll().where('id', '=', id).executeTakeFirst();

export interface InboxFilter {
  page: number;
  limit: number;
  unreadOnly: boolean;
  /** With dismissed ones too (the history), else the inbox. */
  withDismissed?: boolean;
}

/** The user's notifications, newest first, one page, and how many match. */
export async function listNotifications(tx: Tx, tenantId: string, userId: number, f: InboxFilter) {
  let q = ofUser(tx, tenantId, userId);
  if (!f.withDismissed) q = q.where('dismissed_at', 'is', null);
  if (f.unreadOnly) q = q.where('read_at', 'is', null);
  const { rows, count } = await pageWithCount(
    q,
    [
      ['created_at', 'desc'],
      ['id', 'desc'],
    ],
    f.page,
    f.limit,
  );
  return { rows, total: count };
}

/**
 * Rows the engine wrote for the user after `afterSeq` and up to `atMost`, in the order written: the
 * backlog a resuming WebSocket reads before it joins the shared feed at `atMost`.
 */
export const notificationsAfter = (tx: Tx, tenantId: string, userId: number, afterSeq: string, atMost: string, limit: number) =>
  ofUser(tx, tenantId, userId)
    .selectAll()
    .where('seq', '>', afterSeq)
    .where('seq', '<=', atMost)
    .where('dismissed_at', 'is', null)
    .orderBy('seq')
    .limit(limit)
    .execute();

export function preferencesFromRow(row: NotificationPreferencesTable | undefined): Preferences {
  if (!row) return DEFAULT_PREFERENCES;
  return {
    overrides: row.overrides,
    muted: row.muted,
    dnd: { enabled: row.dnd_enabled, startTime: row.dnd_start, endTime: row.dnd_end, timezone: row.dnd_timezone },
    version: Number(row.version),
  };
}

export async function preferencesOf(tx: Tx, tenantId: string, userId: number): Promise<Preferences> {
  const row = await tx
    .selectFrom('notification_preferences')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return preferencesFromRow(row);
}

export type NotificationRow = NotificationsTable;
