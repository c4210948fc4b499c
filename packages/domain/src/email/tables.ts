import type { ComplianceSection, DeliverabilitySection, FooterSection, SenderSection, SmtpSection, TrackingSection } from './events.ts';

/** The read model: one row per tenant, one document per section (migration 0011). */
export interface EmailSettingsTable {
  tenant_id: string;
  /** Null until SMTP is saved: the tenant's mail goes through the server's default, if any. */
  smtp: SmtpSection | null;
  sender: SenderSection;
  tracking: TrackingSection;
  compliance: ComplianceSection;
  footer: FooterSection;
  deliverability: DeliverabilitySection;
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
