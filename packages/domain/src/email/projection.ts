import { rowStamp, typedRowProjection } from '../shared/events.ts';
import { DEFAULT_EMAIL_SETTINGS } from './decide.ts';
import { EmailSettingsEvent, emailSettingsEventSchemas } from './events.ts';
import './tables.ts';

/** One row per tenant: its email settings, section by section. */
export const emailSettingsProjection = typedRowProjection(emailSettingsEventSchemas, {
  name: 'email.settings',
  table: 'email_settings',
  key: 'tenant_id',
  columns: ['tenant_id', 'smtp', 'sender', 'tracking', 'compliance', 'footer', 'deliverability', 'version', 'updated_at'],
  keysOf: (e) => [e.tenantId],
  evolve(current, e) {
    const row = current ?? { tenant_id: e.tenantId, ...DEFAULT_EMAIL_SETTINGS, version: '0', updated_at: e.occurredAt };
    const stamp = rowStamp(e);
    switch (e.type) {
      case EmailSettingsEvent.SmtpSettingsSaved: {
        const { password, ...fields } = e.data;
        const hasPassword = password === 'set' || (password === 'kept' && (row.smtp?.has_password ?? false));
        return { ...row, ...stamp, smtp: { ...fields, has_password: hasPassword } };
      }
      case EmailSettingsEvent.EmailSenderUpdated:
        return { ...row, ...stamp, sender: { ...row.sender, ...e.data.changes } };
      case EmailSettingsEvent.EmailTrackingUpdated:
        return { ...row, ...stamp, tracking: { ...row.tracking, ...e.data.changes } };
      case EmailSettingsEvent.EmailComplianceUpdated:
        return { ...row, ...stamp, compliance: { ...row.compliance, ...e.data.changes } };
      case EmailSettingsEvent.EmailFooterUpdated:
        return { ...row, ...stamp, footer: { ...row.footer, ...e.data.changes } };
      case EmailSettingsEvent.EmailDeliverabilityUpdated:
        return { ...row, ...stamp, deliverability: { ...row.deliverability, ...e.data.changes } };
      default:
        return row;
    }
  },
});
