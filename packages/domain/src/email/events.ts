import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';

// A tenant's email settings (document 001, /api/v1/settings/email/*) live on one stream,
// `email_settings/<tenant id>`. Each event records what changed in one section. The SMTP password
// is never in an event: SmtpSettingsSaved says only whether it was set, kept or cleared; the
// ciphertext is state (email_smtp_secrets), written in the same transaction.

export const SmtpSection = z.object({
  host: z.string(),
  port: z.number().int(),
  /** Implicit TLS from the first byte (port 465); false means STARTTLS when the server offers it. */
  secure: z.boolean(),
  username: z.string().nullable(),
  /** Off: the tenant's mail goes through the server's default SMTP (SMTP_URL), if any. */
  enabled: z.boolean(),
  has_password: z.boolean(),
});
export const SenderSection = z.object({
  from_name: z.string().nullable(),
  from_email: z.string().nullable(),
  reply_to: z.string().nullable(),
});
export const TrackingSection = z.object({
  open_tracking: z.boolean(),
  click_tracking: z.boolean(),
  tracking_domain: z.string().nullable(),
});
export const ComplianceSection = z.object({
  include_unsubscribe_link: z.boolean(),
  list_unsubscribe_header: z.boolean(),
  physical_address: z.string().nullable(),
  require_consent: z.boolean(),
});
export const FooterSection = z.object({
  enabled: z.boolean(),
  text: z.string().nullable(),
  html: z.string().nullable(),
});
export const DeliverabilitySection = z.object({
  sending_domain: z.string().nullable(),
  dkim_selector: z.string().nullable(),
  dmarc_policy: z.enum(['none', 'quarantine', 'reject']),
});

export type SmtpSection = z.infer<typeof SmtpSection>;
export type SenderSection = z.infer<typeof SenderSection>;
export type TrackingSection = z.infer<typeof TrackingSection>;
export type ComplianceSection = z.infer<typeof ComplianceSection>;
export type FooterSection = z.infer<typeof FooterSection>;
export type DeliverabilitySection = z.infer<typeof DeliverabilitySection>;

/** A section's update records only the fields that changed. */
const changesOf = <S extends z.ZodObject>(section: S) => z.object({ changes: section.partial() });

/** Every email-settings event type and its schema: the store parses each appended event against it. */
const emailSettings = defineEvents({
  SmtpSettingsSaved: SmtpSection.omit({ has_password: true }).extend({
    /** What happened to the password; its value (or ciphertext) is never in the log. */
    password: z.enum(['set', 'kept', 'cleared']),
  }),
  EmailSenderUpdated: changesOf(SenderSection),
  EmailTrackingUpdated: changesOf(TrackingSection),
  EmailComplianceUpdated: changesOf(ComplianceSection),
  EmailFooterUpdated: changesOf(FooterSection),
  EmailDeliverabilityUpdated: changesOf(DeliverabilitySection),
});
export const {
  schemas: emailSettingsEventSchemas,
  types: EmailSettingsEvent,
  event: emailSettingsEvent,
  is: isEmailSettingsEvent,
} = emailSettings;

export type EmailSettingsEvent = NewEventOf<typeof emailSettingsEventSchemas>;
export type StoredEmailSettingsEvent = StoredEventOf<typeof emailSettingsEventSchemas>;

export const emailSettingsStream = (tenantId: string) => ({ type: 'email_settings', id: tenantId });
