import { describe, expect, it } from 'vitest';
import { CENSOR, jsonLogger, type LogLevel } from './logger.ts';

/** A destination that keeps what pino writes. */
function memory() {
  const chunks: string[] = [];
  return {
    stream: { write: (s: string) => void chunks.push(s) },
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, any>),
  };
}

const SECRETS = {
  password: 'S3cret-Password!',
  adminPassword: 'Admin-Pa55word',
  token: 'eyJhbGciOiJIUzI1NiJ9.secret-token',
  accessToken: 'eyJ.access.token',
  refreshToken: 'rt_refresh_secret',
  authorization: 'Bearer cdb_authorization_secret',
  key: 'cdb_plain_key_secret',
  apiKey: 'cdb_api_key_secret',
  smtpPassword: 'smtp-pass-secret',
  secret: 'jwt-secret-secret',
};

describe('jsonLogger (pino)', () => {
  it('writes one JSON object per line with level, ISO time, message and fields', () => {
    const out = memory();
    const log = jsonLogger('info', out.stream);
    log.info('listening', { url: 'http://127.0.0.1:3000', database: 'pglite' });
    log.warn('plain');
    expect(out.text().endsWith('\n')).toBe(true);
    const [a, b] = out.lines();
    expect(a).toMatchObject({ level: 'info', msg: 'listening', url: 'http://127.0.0.1:3000', database: 'pglite' });
    expect(new Date(a!.time).toISOString()).toBe(a!.time);
    expect(b).toMatchObject({ level: 'warn', msg: 'plain' });
  });

  it('honours LOG_LEVEL (debug, info, warn, error, silent)', () => {
    const counts: Record<string, number> = {};
    for (const level of ['debug', 'info', 'warn', 'error', 'silent'] as LogLevel[]) {
      const out = memory();
      const log = jsonLogger(level, out.stream);
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error('e');
      counts[level] = out.lines().length;
    }
    expect(counts).toEqual({ debug: 4, info: 3, warn: 2, error: 1, silent: 0 });
  });

  it('never writes a secret field, at the top level, nested, deep, or in arrays', () => {
    const out = memory();
    const log = jsonLogger('debug', out.stream);
    log.info('top', { ...SECRETS });
    log.warn('one level', { body: { ...SECRETS }, config: { smtp: { host: 'mail', smtpPassword: SECRETS.smtpPassword } } });
    log.error('two levels', {
      req: { headers: { authorization: SECRETS.authorization, 'x-api-key': SECRETS.apiKey }, body: { ...SECRETS } },
    });
    log.debug('deeper and in arrays', {
      a: { b: { c: { d: { password: SECRETS.password } } } },
      users: [{ email: 'ada@example.com', password: SECRETS.adminPassword, tokens: [{ refresh_token: SECRETS.refreshToken }] }],
      Authorization: SECRETS.authorization,
      'Set-Cookie': 'session=secret-cookie',
      access_token: SECRETS.accessToken,
    });
    const text = out.text();
    for (const value of [...Object.values(SECRETS), 'secret-cookie']) expect(text).not.toContain(value);
    const [top, one, two, deep] = out.lines();
    expect(top).toMatchObject({ msg: 'top', password: CENSOR, token: CENSOR, key: CENSOR, secret: CENSOR });
    expect(one!.body).toMatchObject({ adminPassword: CENSOR, refreshToken: CENSOR });
    expect(one!.config.smtp).toEqual({ host: 'mail', smtpPassword: CENSOR });
    expect(two!.req.headers).toEqual({ authorization: CENSOR, 'x-api-key': CENSOR });
    expect(deep!.a.b.c.d.password).toBe(CENSOR);
    expect(deep!.users[0]).toEqual({ email: 'ada@example.com', password: CENSOR, tokens: [{ refresh_token: CENSOR }] });
    // What is not a secret passes untouched.
    expect(deep!.users[0].email).toBe('ada@example.com');
  });

  it('does not change the caller’s object, and survives cycles and errors', () => {
    const out = memory();
    const log = jsonLogger('info', out.stream);
    const fields: Record<string, unknown> = { password: SECRETS.password, error: new Error('boom') };
    fields.self = fields;
    log.error('cyclic', fields);
    expect(fields.password).toBe(SECRETS.password);
    const [line] = out.lines();
    expect(line).toMatchObject({ password: CENSOR, error: { type: 'Error', message: 'boom' } });
    expect(out.text()).not.toContain(SECRETS.password);
  });
});
