import type { EmailSettingsState } from './decide.ts';

/**
 * The read model: one row per tenant, one document per section (migration 0011), as decide sees
 * them; `smtp` is null until SMTP is saved (the tenant's mail goes through the server's default).
 */
export interface EmailSettingsTable extends EmailSettingsState {
  tenant_id: string;
  version: string;
  updated_at: Date;
}

/** State, not events: the SMTP password, encrypted (AES-256-GCM) by the API layer. */
export interface EmailSmtpSecretsTable {
  tenant_id: string;
  password_encrypted: string;
  updated_at: Date;
}

declare module '@crm/db' {
  interface Database {
    email_settings: EmailSettingsTable;
    email_smtp_secrets: EmailSmtpSecretsTable;
  }
}
