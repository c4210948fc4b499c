import type { Executor } from '@crm/db';
import { DEFAULT_DIGEST_SETTINGS, type DigestSettings } from './schedule.ts';
import type { NotificationDigestSettingsTable } from './tables.ts';
import './tables.ts';

export const digestSettingsOf = (row: Omit<NotificationDigestSettingsTable, 'version'> | undefined): DigestSettings =>
  row
    ? {
        frequency: row.frequency as DigestSettings['frequency'],
        time: row.local_time,
        timezone: row.timezone,
        weekday: row.weekday as DigestSettings['weekday'],
      }
    : DEFAULT_DIGEST_SETTINGS;

export interface DigestSettingsView {
  settings: DigestSettings;
  /** When the user last changed them; null while they are the defaults. */
  updatedAt: Date | null;
}

/** A user's digest settings; the defaults (off) until they change them. */
export async function getDigestSettings(db: Executor, tenantId: string, userId: number): Promise<DigestSettingsView> {
  const row = await db
    .selectFrom('notification_digest_settings')
    .selectAll()
    .where((eb) => eb.and({ tenant_id: tenantId, user_id: userId }))
    .executeTakeFirst();
  return { settings: digestSettingsOf(row), updatedAt: row?.updated_at ?? null };
}
