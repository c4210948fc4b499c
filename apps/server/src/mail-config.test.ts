import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

// SMTP_URL and MAIL_FROM: read once at start-up; a bad value stops it with a line naming the variable.

const base = { DATABASE_URL: 'postgres://u@h/db', JWT_SECRET: 'x'.repeat(32) };

describe('mail configuration', () => {
  it('keeps mail in the outbox without SMTP_URL', () => {
    expect(loadConfig(base).mail).toEqual({ smtp: null, from: 'no-reply@localhost' });
  });

  it('reads SMTP_URL and MAIL_FROM', () => {
    const c = loadConfig({ ...base, SMTP_URL: 'smtp://me%40x.com:pw@mail.x.com:2525', MAIL_FROM: 'CRM <crm@x.com>' });
    expect(c.mail).toEqual({
      smtp: { host: 'mail.x.com', port: 2525, secure: false, user: 'me@x.com', password: 'pw' },
      from: 'CRM <crm@x.com>',
    });
    expect(loadConfig({ ...base, SMTP_URL: 'smtps://mail.x.com' }).mail).toMatchObject({
      smtp: { port: 465, secure: true },
      from: 'no-reply@mail.x.com',
    });
  });

  it('refuses a bad SMTP_URL or MAIL_FROM, naming it, without echoing the password', () => {
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://u:secret@mail.x.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://u:secret@mail.x.com' })).toThrow(/^SMTP_URL must start with smtp:\/\//);
    try {
      loadConfig({ ...base, SMTP_URL: 'http://u:secret@mail.x.com' });
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
    expect(() => loadConfig({ ...base, MAIL_FROM: 'not an address' })).toThrow(/^MAIL_FROM/);
  });
});
