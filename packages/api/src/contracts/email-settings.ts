import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { contract, email, noInput, page, rawText, text, timestamp, uuid } from './shared.ts';

// Email settings of a tenant (document 001, /api/v1/settings/email/*) and its mail outbox. The
// document names the paths only; the fields are ours (see the README). Every update takes the
// section's fields, each optional: a field left out keeps its value, null clears it.

const READ = { permission: 'email_settings.read' } as const;
const MANAGE = { permission: 'email_settings.manage' } as const;

const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
/** A DNS name or an IPv4 address. */
export const hostname = text(253)
  .toLowerCase()
  .refine((s) => s.length > 0 && (HOSTNAME.test(s) || IPV4.test(s)), 'a host name (smtp.example.com) or an IPv4 address');
const selector = text(63).regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i, 'letters, digits and dashes');
export const smtpPort = z.number().int().min(1).max(65_535);

export const SmtpFailureCode = z.enum(['dns_failed', 'connection_refused', 'timeout', 'tls_failed', 'auth_failed', 'smtp_error']);
export const MailSource = z
  .enum(['tenant', 'server', 'none'])
  .describe("tenant: the tenant's own SMTP; server: the server's default (SMTP_URL); none: mail stays in the outbox");

export const SmtpSettings = z.object({
  configured: z.boolean().describe('whether the tenant has saved SMTP settings'),
  enabled: z.boolean().describe("whether the tenant's own SMTP sends its mail"),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  secure: z.boolean().nullable().describe('implicit TLS (port 465); false: STARTTLS when offered'),
  username: z.string().nullable(),
  hasPassword: z.boolean().describe('the password is stored encrypted and never returned'),
  source: MailSource.describe('how mail leaves now'),
  updatedAt: timestamp.nullable(),
});

export const SenderSettings = z.object({
  fromName: z.string().nullable(),
  fromEmail: z.string().nullable(),
  replyTo: z.string().nullable(),
});
export const TrackingSettings = z.object({ openTracking: z.boolean(), clickTracking: z.boolean(), trackingDomain: z.string().nullable() });
export const ComplianceSettings = z.object({
  includeUnsubscribeLink: z.boolean(),
  listUnsubscribeHeader: z.boolean(),
  physicalAddress: z.string().nullable().describe('postal address CAN-SPAM requires in commercial mail'),
  requireConsent: z.boolean().describe('GDPR: send marketing mail only to contacts who consented'),
});
export const FooterSettings = z.object({ enabled: z.boolean(), text: z.string().nullable(), html: z.string().nullable() });
export const DnsRecord = z.object({
  purpose: z.enum(['spf', 'dkim', 'dmarc']),
  type: z.literal('TXT'),
  name: z.string(),
  value: z.string(),
});
export const DeliverabilitySettings = z.object({
  sendingDomain: z.string().nullable(),
  dkimSelector: z.string().nullable(),
  dmarcPolicy: z.enum(['none', 'quarantine', 'reject']),
  records: z.array(DnsRecord).describe('DNS records to publish for the sending domain (guidance)'),
});

export const OutboxMail = z.object({
  id: uuid,
  kind: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: timestamp.nullable(),
  lastError: z.string().nullable(),
  sentAt: timestamp.nullable(),
  messageId: z.string().nullable(),
  createdAt: timestamp,
});

const strictOptional = <S extends z.ZodRawShape>(shape: S) => z.object(shape).strict().partial();

export const smtp = {
  get: contract('emailSettings.smtp.get', {
    summary: 'Get SMTP configuration (the password never leaves the server).',
    access: MANAGE,
    input: noInput,
    output: SmtpSettings,
  }),
  save: contract('emailSettings.smtp.save', {
    summary: 'Save SMTP configuration; the password is stored encrypted. Fields left out keep their value.',
    access: MANAGE,
    input: strictOptional({
      host: hostname,
      port: smtpPort,
      secure: z.boolean(),
      username: text(254).nullable(),
      password: rawText(1, 1024).nullable().describe('null removes it; left out keeps it'),
      enabled: z.boolean(),
    }),
    output: SmtpSettings,
  }),
  test: contract('emailSettings.smtp.test', {
    summary: 'Test the SMTP connection with the current configuration (connect, TLS, login); with `to`, also queue a test message.',
    access: MANAGE,
    input: strictOptional({ to: email }),
    output: z.object({
      ok: z.boolean(),
      source: z.enum(['tenant', 'server']),
      host: z.string(),
      port: z.number().int(),
      secure: z.boolean(),
      code: SmtpFailureCode.nullable().describe('why it failed; null when ok'),
      message: z.string().nullable(),
      latencyMs: z.number().int(),
      testMailId: uuid.nullable().describe('the queued test message (with `to`, when ok)'),
    }),
  }),
};

const section = <R extends z.ZodType, U extends z.ZodRawShape>(name: string, what: string, result: R, update: U) => ({
  get: contract(`emailSettings.${name}.get`, {
    summary: `Get ${what}.`,
    access: READ,
    input: noInput,
    output: result,
  }),
  update: contract(`emailSettings.${name}.update`, {
    summary: `Update ${what}.`,
    access: MANAGE,
    input: strictOptional(update),
    output: result,
  }),
});

export const sender = section('sender', 'sender defaults (from name, from address, reply-to)', SenderSettings, {
  fromName: text(200).nullable(),
  fromEmail: email.nullable(),
  replyTo: email.nullable(),
});
export const tracking = section('tracking', 'email tracking configuration (open/click tracking)', TrackingSettings, {
  openTracking: z.boolean(),
  clickTracking: z.boolean(),
  trackingDomain: hostname.nullable(),
});
export const compliance = section('compliance', 'email compliance configuration (CAN-SPAM, GDPR)', ComplianceSettings, {
  includeUnsubscribeLink: z.boolean(),
  listUnsubscribeHeader: z.boolean(),
  physicalAddress: text(500).nullable(),
  requireConsent: z.boolean(),
});
export const footer = section('footer', 'email footer configuration', FooterSettings, {
  enabled: z.boolean(),
  text: text(5_000).nullable(),
  html: text(20_000).nullable(),
});
export const deliverability = section(
  'deliverability',
  'deliverability configuration (SPF, DKIM, DMARC guidance)',
  DeliverabilitySettings,
  {
    sendingDomain: hostname.nullable(),
    dkimSelector: selector.nullable(),
    dmarcPolicy: z.enum(['none', 'quarantine', 'reject']),
  },
);

export const status = contract('emailSettings.status', {
  summary: 'Overall email configuration status and readiness.',
  access: READ,
  input: noInput,
  output: z.object({
    ready: z.boolean().describe('mail is being sent (not only kept in the outbox)'),
    source: MailSource,
    smtp: z.object({ configured: z.boolean(), enabled: z.boolean(), hasPassword: z.boolean() }),
    sender: z.object({ configured: z.boolean() }),
    deliverability: z.object({ sendingDomain: z.string().nullable() }),
    outbox: z.object({
      pending: z.number().int(),
      sent: z.number().int(),
      failed: z.number().int(),
      oldestPendingAt: timestamp.nullable(),
    }),
    issues: z.array(z.object({ code: z.string(), message: z.string() })),
  }),
});

export const outbox = {
  list: contract('emailSettings.outbox.list', {
    summary: "The tenant's mail outbox, newest first: what is waiting, sent or failed, and why.",
    access: MANAGE,
    input: z.object({
      status: z.enum(['pending', 'sent', 'failed']).optional(),
      page,
      limit: z.number().int().min(1).max(LIMITS.pageSize.max).default(50),
    }),
    output: z.object({ items: z.array(OutboxMail), total: z.number().int(), page: z.number().int(), limit: z.number().int() }),
  }),
};
