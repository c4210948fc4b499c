import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { type BillingConfig, type MailDefaults, PAID_PLANS, parseSmtpUrl, type PriceKey } from '@crm/api';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  jwtSecret: string;
  /** Where the JWT secret came from, for the start-up log line. */
  jwtSecretSource: 'env' | 'data_dir' | 'ephemeral';
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** SMTP_URL and MAIL_FROM: the server-wide way out for mail (tenants may bring their own SMTP). */
  mail: MailDefaults;
  /** STRIPE_*: how billing reaches Stripe; undefined without STRIPE_SECRET_KEY (billing not configured). */
  billing: BillingConfig | undefined;
}

export class ConfigError extends Error {}

/**
 * Reads the environment once, at start-up. Anything wrong is one ConfigError naming the variable,
 * so `npm start` fails with a line a person can act on instead of a stack trace later.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got "${env.PORT}"`);

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://, got "${databaseUrl.replace(/:[^:@/]*@/, ':***@')}"`);
  }

  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of debug, info, warn, error, silent; got "${env.LOG_LEVEL}"`);
  }

  const dataDir = resolve(env.DATA_DIR?.trim() || './data');
  let jwtSecret = env.JWT_SECRET;
  let jwtSecretSource: Config['jwtSecretSource'] = 'env';
  if (jwtSecret !== undefined && jwtSecret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  if (!jwtSecret) {
    if (databaseUrl) {
      // Several processes on one database must share a secret; without one, tokens die with the process.
      jwtSecret = randomBytes(32).toString('base64url');
      jwtSecretSource = 'ephemeral';
    } else {
      jwtSecret = persistedSecret(dataDir);
      jwtSecretSource = 'data_dir';
    }
  }
  return {
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl,
    dataDir,
    jwtSecret,
    jwtSecretSource,
    logLevel,
    mail: mailConfig(env),
    billing: billingConfig(env),
  };
}

function mailConfig(env: NodeJS.ProcessEnv): MailDefaults {
  const url = env.SMTP_URL?.trim();
  let smtp: MailDefaults['smtp'] = null;
  if (url) {
    try {
      smtp = parseSmtpUrl(url);
    } catch (error) {
      throw new ConfigError(`SMTP_URL ${(error as Error).message}`);
    }
  }
  const from = env.MAIL_FROM?.trim() || (smtp?.user?.includes('@') ? smtp.user : `no-reply@${smtp?.host ?? 'localhost'}`);
  if (!/^(?:[^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/.test(from)) {
    throw new ConfigError(`MAIL_FROM must be an address (no-reply@example.com) or "Name <no-reply@example.com>", got "${from}"`);
  }
  // Read by the mail relay (sent mail older than this is pruned); checked here so a typo stops start-up.
  const retention = env.MAIL_RETENTION_DAYS?.trim();
  if (retention && !(Number(retention) > 0 && Number.isFinite(Number(retention)))) {
    throw new ConfigError(`MAIL_RETENTION_DAYS must be a positive number of days, got "${retention}"`);
  }
  return { smtp, from };
}

/**
 * STRIPE_SECRET_KEY turns billing on; STRIPE_WEBHOOK_SECRET lets the webhook in; STRIPE_PRICE_<PLAN>_<INTERVAL>
 * (STARTER, PRO, ENTERPRISE x MONTHLY, YEARLY) says what a checkout sells; STRIPE_API_BASE points
 * the SDK elsewhere (a local stripe-mock, a proxy).
 */
export function billingConfig(env: NodeJS.ProcessEnv): BillingConfig | undefined {
  const key = env.STRIPE_SECRET_KEY?.trim();
  if (!key) return undefined;
  if (!/^(sk|rk)_\w+$/.test(key)) throw new ConfigError('STRIPE_SECRET_KEY must be a Stripe secret key (sk_live_…, sk_test_… or rk_…)');
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET?.trim() || null;
  if (webhookSecret && !/^whsec_\w+$/.test(webhookSecret))
    throw new ConfigError('STRIPE_WEBHOOK_SECRET must be a signing secret (whsec_…)');
  const prices: Partial<Record<PriceKey, string>> = {};
  for (const plan of PAID_PLANS) {
    for (const interval of ['monthly', 'yearly'] as const) {
      const name = `STRIPE_PRICE_${plan.toUpperCase()}_${interval.toUpperCase()}`;
      const id = env[name]?.trim();
      if (!id) continue;
      if (!/^price_\w+$/.test(id)) throw new ConfigError(`${name} must be a Stripe price id (price_…), got "${id}"`);
      prices[`${plan}:${interval}`] = id;
    }
  }
  const base = env.STRIPE_API_BASE?.trim();
  if (!base) return { secretKey: key, webhookSecret, prices };
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new ConfigError(`STRIPE_API_BASE must be a URL such as http://localhost:12111, got "${base}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('STRIPE_API_BASE must start with http:// or https://');
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { secretKey: key, webhookSecret, prices, api: { host: url.hostname, port, protocol } };
}

/** The embedded setup keeps its secret beside its data, so tokens survive a restart with no setup. */
function persistedSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  try {
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  } catch (error) {
    throw new ConfigError(`DATA_DIR "${dataDir}" is not writable: ${(error as Error).message}`);
  }
}
