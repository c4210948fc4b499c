import type { Logger } from '@crm/api';
import pino, { type DestinationStream, type LevelWithSilent } from 'pino';

export type LogLevel = Extract<LevelWithSilent, 'debug' | 'info' | 'warn' | 'error' | 'silent'>;
export type ServerLogger = Logger & { debug(msg: string, fields?: Record<string, unknown>): void };

/**
 * Field names whose values never reach a log line, at any depth. pino's `redact` takes them at the
 * top level and one and two levels down (fast, compiled paths); the log formatter below catches
 * the same names deeper, in arrays, and in other spellings (snake_case, kebab-case, any case).
 */
const SECRET_FIELDS = [
  'password',
  'adminPassword',
  'newPassword',
  'currentPassword',
  'oldPassword',
  'passwordHash',
  'password_hash',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'access_token',
  'refresh_token',
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'key',
  'apiKey',
  'api_key',
  'x-api-key',
  'privateKey',
  'secret',
  'jwtSecret',
  'clientSecret',
  'smtpPassword',
  'smtp_password',
];

const pathOf = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `["${name}"]`);
const join = (prefix: string, name: string) => (name.startsWith('[') ? `${prefix}${name}` : `${prefix}.${name}`);

export const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => {
  const p = pathOf(f);
  return [p, join('*', p), join('*.*', p)];
});

export const CENSOR = '[redacted]';
const normalised = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
const SECRET_KEYS = new Set(SECRET_FIELDS.map(normalised));

/** A copy of a log record with every secret field's value replaced, at any depth (cycles cut). */
function scrub(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > 8) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, seen, depth + 1));
  if (value instanceof Error) return { type: value.name, message: value.message, stack: value.stack };
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(normalised(k)) ? CENSOR : scrub(v, seen, depth + 1);
  return out;
}

/**
 * One JSON object per line (pino), on stdout unless another destination is given: easy to grep
 * here, easy to ship anywhere. Lines read `{"level":"info","time":"<ISO>","pid":..,"msg":"..",...fields}`.
 */
export function jsonLogger(level: LogLevel, destination?: DestinationStream): ServerLogger {
  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (record) => scrub(record, new WeakSet(), 0) as Record<string, unknown>,
      },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
  const write = (lvl: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) => {
    if (fields) logger[lvl](fields, msg);
    else logger[lvl](msg);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
