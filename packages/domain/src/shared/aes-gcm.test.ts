import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gcmOpen, gcmSeal } from './aes-gcm.ts';

// Values made by the three AES-GCM copies this helper replaced (privacy/seal.ts, the SMTP password
// in api/mail/secrets.ts, the refresh grace pair in api/auth/refresh.ts), run from the commit
// before it: rows already hold values like these, and they must still open.
const key = Buffer.alloc(32, 7);
const serverSecret = 'server-secret-that-is-long-enough-0123456789';
const old = {
  seal: 'v1.a_leiNsL6D0sgG4Y.JvKDJBdqtkmh6kZqzKk7ZQ.7egqBOGMiq-okPTcifmKLKO30KcfpvD2WunDTSO1dIsSoXnqarmpi8N6hI7n9sauJLKoRob6-d2Y',
  smtp: 'v1.un3eUrVKbpeV5iN8.v9vcoeAx0HT6ZNSi_jD4xQ.dx_A7BPhKreJXQ',
  pair: '2I7wekb8K2DKSmW8.2Qib0Pj2RPkgvlh_l53U5Q.CMZF5wLoOuQPO-EDJqsH7rhTtQx0WAHJ0HyKJkw-7quw_AXSzCP7HijwRpFp1jJUG9zG5MNXG4FCgYfMOUNXAME',
};
const smtpKey = Buffer.from(hkdfSync('sha256', serverSecret, 'crm-platform', 'smtp-password', 32));
const graceKey = Buffer.from(hkdfSync('sha256', 'rt_the-rotated-token', serverSecret, 'refresh-grace', 32));
const rowId = '11111111-1111-4111-8111-111111111111';
const tenant = '00000000-0000-4000-8000-000000000001';

describe('one AES-256-GCM', () => {
  it('opens what the three former copies sealed, each in its own form', () => {
    expect(JSON.parse(gcmOpen(key, 't/person/p1/PersonAdded', old.seal, 'v1')!)).toEqual({
      name: 'Ada Lovelace',
      primary_email: 'ada@example.com',
    });
    expect(gcmOpen(smtpKey, tenant, old.smtp, 'v1')).toBe('pässwörd');
    expect(JSON.parse(gcmOpen(graceKey, rowId, old.pair)!)).toEqual({ accessToken: 'a.b.c', refreshToken: 'rt_next', exp: 1767225600 });
  });

  it('writes the same forms: a prefix and three base64url parts, or the three parts alone', () => {
    expect(gcmSeal(key, 'aad', 'x', 'v1')).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(gcmSeal(key, 'aad', 'x')).toMatch(/^[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(gcmSeal(key, 'aad', 'same', 'v1')).not.toBe(gcmSeal(key, 'aad', 'same', 'v1'));
  });

  it('opens nothing under another key, aad or prefix, when malformed, tampered with or with a cut tag', () => {
    const sealed = gcmSeal(key, 'aad', 'secret', 'v1');
    expect(gcmOpen(key, 'aad', sealed, 'v1')).toBe('secret');
    expect(gcmOpen(Buffer.alloc(32, 8), 'aad', sealed, 'v1')).toBeNull();
    expect(gcmOpen(key, 'other', sealed, 'v1')).toBeNull();
    expect(gcmOpen(key, 'aad', sealed, 'v2')).toBeNull();
    // Read without its prefix, the prefix would be taken for the IV.
    expect(gcmOpen(key, 'aad', sealed)).toBeNull();
    expect(gcmOpen(key, 'aad', old.pair, 'v1')).toBeNull();
    expect(gcmOpen(key, 'aad', 'garbage', 'v1')).toBeNull();
    expect(gcmOpen(key, 'aad', '', 'v1')).toBeNull();
    const [v, iv, tag, ct] = sealed.split('.');
    const flipped = `${ct!.startsWith('A') ? 'B' : 'A'}${ct!.slice(1)}`;
    expect(gcmOpen(key, 'aad', [v, iv, tag, flipped].join('.'), 'v1')).toBeNull();
    // A 4-byte tag would be checked on 32 bits only: refused whatever its value.
    expect(gcmOpen(key, 'aad', [v, iv, tag!.slice(0, 6), ct].join('.'), 'v1')).toBeNull();
  });
});
