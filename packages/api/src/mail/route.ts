import type { Executor } from '@crm/db';
import { email } from '@crm/domain';
import type { Services } from '../services.ts';
import { decryptSmtpPassword } from './secrets.ts';
import { NO_MAIL, type SmtpTarget } from './smtp.ts';

/** How a tenant's mail leaves: its own SMTP, the server's default, or not at all (kept in the outbox). */
export type MailRoute =
  | { source: 'tenant' | 'server'; target: SmtpTarget; from: string | { name: string; address: string }; replyTo: string | null }
  | { source: 'tenant'; target: null; problem: string }
  | { source: 'none' };

/**
 * A tenant with its own SMTP switched on sends through it (From: its sender address, else the
 * SMTP username when it is an address, else MAIL_FROM). Otherwise the server's default SMTP sends
 * it From MAIL_FROM, with the tenant's sender name and its address as Reply-To.
 */
export async function mailRouteOf(db: Executor, services: Services, tenantId: string): Promise<MailRoute> {
  const settings = await email.getEmailSettings(db, tenantId);
  const defaults = services.mail ?? NO_MAIL;
  const sender = settings.sender;
  const defaultAddress = /<([^>]+)>/.exec(defaults.from)?.[1] ?? defaults.from;
  const smtp = settings.smtp;
  if (smtp?.enabled) {
    let password: string | null = null;
    if (smtp.has_password) {
      const stored = await email.getSmtpSecret(db, tenantId);
      password = stored === null ? null : decryptSmtpPassword(services.jwtSecret, tenantId, stored);
      if (password === null) {
        return {
          source: 'tenant',
          target: null,
          problem: 'the stored SMTP password cannot be decrypted (was the server secret changed?): save it again',
        };
      }
    }
    const address = sender.from_email ?? (smtp.username?.includes('@') ? smtp.username : null);
    return {
      source: 'tenant',
      target: { host: smtp.host, port: smtp.port, secure: smtp.secure, user: smtp.username, password },
      from: address ? (sender.from_name ? { name: sender.from_name, address } : address) : defaults.from,
      replyTo: sender.reply_to,
    };
  }
  if (defaults.smtp) {
    return {
      source: 'server',
      target: defaults.smtp,
      from: sender.from_name ? { name: sender.from_name, address: defaultAddress } : defaults.from,
      replyTo: sender.reply_to ?? sender.from_email,
    };
  }
  return { source: 'none' };
}
