import type { Executor } from '@crm/db';
import { sql } from 'kysely';
import { DEFAULT_EMAIL_SETTINGS, type EmailSettingsState } from './decide.ts';
import './tables.ts';

export interface EmailSettingsView extends EmailSettingsState {
  version: number;
  updatedAt: Date | null;
}

/** A tenant's email settings; the defaults while it has changed none. */
export async function getEmailSettings(db: Executor, tenantId: string): Promise<EmailSettingsView> {
  const row = await db.selectFrom('email_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row) return { ...DEFAULT_EMAIL_SETTINGS, version: 0, updatedAt: null };
  return {
    smtp: row.smtp,
    sender: row.sender,
    tracking: row.tracking,
    compliance: row.compliance,
    footer: row.footer,
    deliverability: row.deliverability,
    version: Number(row.version),
    updatedAt: row.updated_at,
  };
}

/**
 * The settings as decide sees them, with the stream version to append at. The stream row is
 * locked until commit, so two admins saving at once queue instead of racing.
 */
export async function loadEmailSettings(db: Executor, tenantId: string): Promise<{ state: EmailSettingsView; version: number }> {
  const stream = await sql<{ version: string }>`select version from es_streams
    where tenant_id = ${tenantId} and stream_type = 'email_settings' and stream_id = ${tenantId} for update`.execute(db);
  return { state: await getEmailSettings(db, tenantId), version: Number(stream.rows[0]?.version ?? 0) };
}

/** The stored (encrypted) SMTP password of a tenant, if any. */
export async function getSmtpSecret(db: Executor, tenantId: string): Promise<string | null> {
  const row = await db.selectFrom('email_smtp_secrets').select('password_encrypted').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row?.password_encrypted ?? null;
}
