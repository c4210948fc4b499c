import { describe, expect, it } from 'vitest';
import { decryptSmtpPassword, encryptSmtpPassword } from './secrets.ts';
import { classifySmtpError, parseSmtpUrl } from './smtp.ts';

describe('SMTP password encryption', () => {
  const secret = 'server-secret-that-is-long-enough-0123456789';
  const tenant = '00000000-0000-4000-8000-000000000001';

  it('round-trips, differs every time, and fails closed for another secret or tenant', () => {
    const a = encryptSmtpPassword(secret, tenant, 'pässwörd');
    const b = encryptSmtpPassword(secret, tenant, 'pässwörd');
    expect(a).not.toBe(b);
    expect(a).not.toContain('pässwörd');
    expect(decryptSmtpPassword(secret, tenant, a)).toBe('pässwörd');
    expect(decryptSmtpPassword('another-secret-that-is-long-enough-000000', tenant, a)).toBeNull();
    expect(decryptSmtpPassword(secret, '00000000-0000-4000-8000-000000000002', a)).toBeNull();
    expect(decryptSmtpPassword(secret, tenant, `${a.slice(0, -2)}AA`)).toBeNull();
    expect(decryptSmtpPassword(secret, tenant, 'garbage')).toBeNull();
  });
});

describe('SMTP_URL', () => {
  it('parses smtp and smtps URLs with escaped credentials', () => {
    expect(parseSmtpUrl('smtp://user%40x.com:p%3Ass@mail.example.com:2525')).toEqual({
      host: 'mail.example.com',
      port: 2525,
      secure: false,
      user: 'user@x.com',
      password: 'p:ss',
    });
    expect(parseSmtpUrl('smtps://mail.example.com')).toMatchObject({ port: 465, secure: true, user: null });
    expect(() => parseSmtpUrl('http://mail.example.com')).toThrow(/smtp:\/\//);
    expect(() => parseSmtpUrl('not a url')).toThrow();
  });

  it('names what failed', () => {
    expect(classifySmtpError({ code: 'EAUTH', message: 'Invalid login' })).toBe('auth_failed');
    expect(classifySmtpError({ code: 'EDNS', message: 'getaddrinfo ENOTFOUND x.invalid' })).toBe('dns_failed');
    expect(classifySmtpError({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:1' })).toBe('connection_refused');
    expect(classifySmtpError({ code: 'ETIMEDOUT', message: 'Connection timeout' })).toBe('timeout');
    expect(classifySmtpError({ code: 'ESOCKET', message: 'wrong version number' })).toBe('tls_failed');
  });
});
