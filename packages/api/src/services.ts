import type { Db } from '@crm/db';
import type { Clock } from '@crm/domain';
import type { EventStore } from '@crm/eventstore';
import type { MailDefaults } from './mail/smtp.ts';
import type { BillingConfig } from './billing/config.ts';

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Long-lived things every request shares; built once by the server (or a test). */
export interface Services {
  db: Db;
  dbKind: 'pg' | 'pglite';
  store: EventStore;
  clock: Clock;
  jwtSecret: string;
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
  log: Logger;
  startedAt: Date;
  version: string;
  /** The server-wide SMTP (SMTP_URL) and From (MAIL_FROM); unset: mail stays in the outbox unless a tenant has its own SMTP. */
  mail?: MailDefaults;
  /** Stripe (STRIPE_SECRET_KEY …); unset: billing is not configured, and its writes answer 503. */
  billing?: BillingConfig;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
