import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

/** Where to send: one SMTP server and its credentials. */
export interface SmtpTarget {
  host: string;
  port: number;
  /** Implicit TLS (smtps, port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user: string | null;
  password: string | null;
}

/** The server-wide mail settings (SMTP_URL, MAIL_FROM): used for tenants without their own SMTP. */
export interface MailDefaults {
  smtp: SmtpTarget | null;
  /** The From address of mail sent through the default SMTP (and of tenants that name none). */
  from: string;
}

export const NO_MAIL: MailDefaults = { smtp: null, from: 'no-reply@localhost' };

/** `smtp://user:pass@host:587` or `smtps://user:pass@host:465`; throws with a readable reason. */
export function parseSmtpUrl(url: string): SmtpTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('must look like smtp://user:password@host:587 or smtps://user:password@host:465');
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error(`must start with smtp:// or smtps://, got ${u.protocol}//`);
  if (!u.hostname) throw new Error('names no host');
  const secure = u.protocol === 'smtps:';
  const port = u.port ? Number(u.port) : secure ? 465 : 587;
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    secure,
    user: u.username ? decodeURIComponent(u.username) : null,
    password: u.password ? decodeURIComponent(u.password) : null,
  };
}

export interface TransportTimeouts {
  connectionMs: number;
  greetingMs: number;
  socketMs: number;
}

const SEND_TIMEOUTS: TransportTimeouts = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 30_000 };

export function transportFor(target: SmtpTarget, timeouts: TransportTimeouts = SEND_TIMEOUTS) {
  const options: SMTPTransport.Options = {
    host: target.host,
    port: target.port,
    secure: target.secure,
    connectionTimeout: timeouts.connectionMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    dnsTimeout: timeouts.connectionMs,
    ...(target.user ? { auth: { user: target.user, pass: target.password ?? '' } } : {}),
  };
  return nodemailer.createTransport(options);
}

export type SmtpFailure = 'dns_failed' | 'connection_refused' | 'timeout' | 'tls_failed' | 'auth_failed' | 'smtp_error';

/** What went wrong talking to an SMTP server, as a stable code a client can act on. */
export function classifySmtpError(error: unknown): SmtpFailure {
  const e = (error ?? {}) as { code?: string; message?: string; responseCode?: number; cause?: unknown };
  const text = `${e.code ?? ''} ${e.message ?? ''}`;
  if (e.code === 'EAUTH' || /\b(535|534|530)\b/.test(String(e.responseCode ?? ''))) return 'auth_failed';
  if (e.code === 'EDNS' || /ENOTFOUND|EAI_AGAIN|EAI_NONAME|getaddrinfo/i.test(text)) return 'dns_failed';
  if (/ECONNREFUSED/.test(text)) return 'connection_refused';
  if (e.code === 'ETLS' || /TLS|SSL|certificate|wrong version number|self.signed|EPROTO/i.test(text)) return 'tls_failed';
  if (e.code === 'ETIMEDOUT' || /timeout|timed out/i.test(text)) return 'timeout';
  if (e.code === 'ECONNECTION' || e.code === 'ESOCKET') return /ECONNRESET|closed/i.test(text) ? 'smtp_error' : 'connection_refused';
  return 'smtp_error';
}

/** A short, single-line reason to store and show; never carries credentials. */
export function describeSmtpError(error: unknown): string {
  const e = (error ?? {}) as { message?: string; response?: string };
  return String(e.response ?? e.message ?? error)
    .replace(/\s+/g, ' ')
    .slice(0, 500);
}
