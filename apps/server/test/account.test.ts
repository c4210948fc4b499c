import { createHash } from 'node:crypto';
import { inSystem } from '@crm/db';
import { eventCodec, inlineProjections, upcasters } from '@crm/domain';
import { type EventRow, openRows, rebuildProjections } from '@crm/eventstore';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestResponse } from '../src/testing.ts';

// The self-service paths of document 001: forgotten, reset and changed passwords, email
// verification, profile and preferences, over the whole server.

let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let t: TestApp;
const logLines: string[] = [];
/** Every answer any test here saw, scanned for secrets at the end. */
const answers: string[] = [];
/** Every token and password used here: none may show in an answer, an event or a log line. */
const secrets = new Set<string>();

async function call(method: string, path: string, init: Parameters<TestApp['request']>[2] = {}): Promise<TestResponse> {
  const res = await t.request(method, path, init);
  answers.push(res.text);
  return res;
}

beforeAll(async () => {
  t = await startTestApp({ clock });
  const record = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    logLines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
  t.services.log = { info: record('info'), warn: record('warn'), error: record('error') };
});
afterAll(() => t.close());

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function mails(tenantId: string, kind: string, to?: string) {
  const { rows } = await inSystem(t.handle.db, (tx) =>
    sql<{ to_address: string; text_body: string }>`select to_address, text_body from mail_outbox
      where tenant_id = ${tenantId} and kind = ${kind} ${to ? sql`and to_address = ${to}` : sql``} order by created_at`.execute(tx),
  );
  return rows;
}

/** The token in the newest mail of a kind to an address. */
async function mailedToken(tenantId: string, kind: string, to: string): Promise<string> {
  const rows = await mails(tenantId, kind, to);
  const token = /\b((?:prt|evt)_[A-Za-z0-9_-]{43})\b/.exec(rows.at(-1)?.text_body ?? '')?.[1];
  if (!token) throw new Error(`no ${kind} mail to ${to}`);
  secrets.add(token);
  return token;
}

async function login(tenant: { slug: string; email: string }, password: string) {
  const res = await call('POST', '/api/v1/auth/login', { body: { email: tenant.email, password, tenantSlug: tenant.slug } });
  return res;
}

/** A tenant's events of one type as a reader sees them: opened by the codec (personal parts are sealed at rest). */
async function eventsOf(tenantId: string, type: string) {
  return inSystem(t.handle.db, async (tx) => {
    const { rows } = await sql<EventRow>`select * from es_events
      where tenant_id = ${tenantId} and event_type = ${type} order by global_position`.execute(tx);
    return (await openRows(eventCodec, tx, rows)) as Array<
      EventRow & { data: Record<string, unknown> & { via?: string; preferences?: unknown }; metadata: unknown }
    >;
  });
}

describe('forgotten password', () => {
  it('mails a hashed, single-use token to a real account, and answers an unknown email or tenant alike', async () => {
    const a = await t.registerTenant('forgot');
    secrets.add(a.password);
    const real = await call('POST', '/api/v1/auth/password/forgot', { body: { email: a.email.toUpperCase(), tenantSlug: a.slug } });
    const unknownEmail = await call('POST', '/api/v1/auth/password/forgot', {
      body: { email: `nobody@${a.slug}.example.com`, tenantSlug: a.slug },
    });
    const unknownTenant = await call('POST', '/api/v1/auth/password/forgot', { body: { email: a.email, tenantSlug: `${a.slug}-nope` } });
    expect(real.status).toBe(200);
    expect(unknownEmail.status).toBe(200);
    expect(unknownTenant.status).toBe(200);
    expect(unknownEmail.body).toEqual(real.body);
    expect(unknownTenant.body).toEqual(real.body);
    expect(real.body.data.message).toMatch(/if an account/i);

    const sent = await mails(a.tenantId, 'password_reset');
    expect(sent.map((m) => m.to_address)).toEqual([a.email]);
    const token = await mailedToken(a.tenantId, 'password_reset', a.email);
    const { rows } = await inSystem(t.handle.db, (tx) =>
      sql<{ token_hash: string; purpose: string; expires_at: Date; created_at: Date }>`select token_hash, purpose, expires_at, created_at
        from user_tokens where tenant_id = ${a.tenantId} and purpose = 'password_reset'`.execute(tx),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(sha256(token));
    expect(rows[0]!.purpose).toBe('password_reset');
    expect(rows[0]!.expires_at.getTime() - rows[0]!.created_at.getTime()).toBe(3600_000);
  });

  it('takes 5 requests an hour per account, even fired at once; the 6th is 429 with Retry-After, for an unknown email too', async () => {
    const a = await t.registerTenant('limit');
    for (const email of [a.email, `ghost@${a.slug}.example.com`]) {
      const body = { email, tenantSlug: a.slug };
      const all = await Promise.all(Array.from({ length: 10 }, () => call('POST', '/api/v1/auth/password/forgot', { body })));
      const ok = all.filter((r) => r.status === 200);
      const limited = all.filter((r) => r.status === 429);
      expect(ok).toHaveLength(5);
      expect(limited).toHaveLength(5);
      for (const r of limited) {
        expect(r.body.code).toBe('too_many_requests');
        const s = r.body.error.details.retryAfterSeconds;
        expect(s).toBeGreaterThan(3500);
        expect(s).toBeLessThanOrEqual(3600);
        expect(r.headers.get('retry-after')).toBe(String(s));
      }
      // The accepted answers are all alike, whether or not the account exists.
      expect(new Set(ok.map((r) => r.text)).size).toBe(1);
    }
    expect(await mails(a.tenantId, 'password_reset')).toHaveLength(5);
    // Another account of the same tenant is not held back; after the hour the account may ask again.
    expect(
      (await call('POST', '/api/v1/auth/password/forgot', { body: { email: `other@${a.slug}.example.com`, tenantSlug: a.slug } })).status,
    ).toBe(200);
    offsetMs = 3601_000;
    try {
      expect((await call('POST', '/api/v1/auth/password/forgot', { body: { email: a.email, tenantSlug: a.slug } })).status).toBe(200);
    } finally {
      offsetMs = 0;
    }
  });
});

describe('password reset', () => {
  it('sets the new password once, ends every session, and records the fact without the secret', async () => {
    const a = await t.registerTenant('reset');
    secrets.add(a.password);
    const session = await login(a, a.password);
    secrets.add(session.body.data.refreshToken);
    await call('POST', '/api/v1/auth/password/forgot', { body: { email: a.email, tenantSlug: a.slug } });
    const token = await mailedToken(a.tenantId, 'password_reset', a.email);

    const newPassword = 'Brand-New-Secret-42';
    secrets.add(newPassword);
    const tooShort = await call('POST', '/api/v1/auth/password/reset', { body: { token, password: 'short' } });
    expect(tooShort.status).toBe(400);
    const reset = await call('POST', '/api/v1/auth/password/reset', { body: { token, password: newPassword } });
    expect(reset.status, reset.text).toBe(200);
    expect(reset.body.data).toEqual({ passwordChanged: true, sessionsRevoked: 2 }); // registerTenant's login and ours

    expect((await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: session.body.data.refreshToken } })).status).toBe(401);
    expect((await login(a, a.password)).status).toBe(401);
    expect((await login(a, newPassword)).status).toBe(200);

    const again = await call('POST', '/api/v1/auth/password/reset', { body: { token, password: 'Yet-Another-Secret-7' } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid_reset_token');
    const events = await eventsOf(a.tenantId, 'UserPasswordChanged');
    expect(events.map((e) => e.data)).toEqual([{ user_id: a.userId, via: 'reset' }]);
  });

  it('works once even when presented several times at once', async () => {
    const a = await t.registerTenant('reset-race');
    await call('POST', '/api/v1/auth/password/forgot', { body: { email: a.email, tenantSlug: a.slug } });
    const token = await mailedToken(a.tenantId, 'password_reset', a.email);
    const tries = ['Race-Secret-One-1', 'Race-Secret-Two-2', 'Race-Secret-Three-3', 'Race-Secret-Four-4'];
    for (const p of tries) secrets.add(p);
    const all = await Promise.all(tries.map((password) => call('POST', '/api/v1/auth/password/reset', { body: { token, password } })));
    expect(all.map((r) => r.status).sort()).toEqual([200, 400, 400, 400]);
    const winner = tries[all.findIndex((r) => r.status === 200)]!;
    expect((await login(a, winner)).status).toBe(200);
    expect(await eventsOf(a.tenantId, 'UserPasswordChanged')).toHaveLength(1);
  });

  it('refuses an expired token, an unknown one, and one whose address changed hands', async () => {
    const a = await t.registerTenant('expiry');
    await call('POST', '/api/v1/auth/password/forgot', { body: { email: a.email, tenantSlug: a.slug } });
    const token = await mailedToken(a.tenantId, 'password_reset', a.email);
    offsetMs = 3600_000 + 1000;
    try {
      const late = await call('POST', '/api/v1/auth/password/reset', { body: { token, password: 'Too-Late-Secret-1' } });
      expect(late.status).toBe(400);
      expect(late.body.code).toBe('invalid_reset_token');
    } finally {
      offsetMs = 0;
    }
    const forged = await call('POST', '/api/v1/auth/password/reset', {
      body: { token: `prt_${'A'.repeat(43)}`, password: 'Forged-Secret-12' },
    });
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('invalid_reset_token');
    expect((await login(a, a.password)).status).toBe(200);
    expect(await eventsOf(a.tenantId, 'UserPasswordChanged')).toHaveLength(0);
  });
});

describe('password change', () => {
  it('needs the current password, applies the length rules, and ends every session', async () => {
    const a = await t.registerTenant('change');
    secrets.add(a.password);
    const session = await login(a, a.password);
    const token = session.body.data.accessToken as string;

    const wrong = await call('POST', '/api/v1/auth/password/change', {
      token,
      body: { currentPassword: 'not-the-password', newPassword: 'Whatever-Secret-3' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('invalid_current_password');
    const short = await call('POST', '/api/v1/auth/password/change', {
      token,
      body: { currentPassword: a.password, newPassword: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.code).toBe('validation_error');
    const long = await call('POST', '/api/v1/auth/password/change', {
      token,
      body: { currentPassword: a.password, newPassword: 'é'.repeat(600) },
    });
    expect(long.status).toBe(400);
    expect(long.body.code).toBe('password_too_long');
    const same = await call('POST', '/api/v1/auth/password/change', {
      token,
      body: { currentPassword: a.password, newPassword: a.password },
    });
    expect(same.body.code).toBe('password_unchanged');
    const unauthenticated = await call('POST', '/api/v1/auth/password/change', {
      body: { currentPassword: a.password, newPassword: 'Whatever-Secret-3' },
    });
    expect(unauthenticated.status).toBe(401);

    const next = 'Changed-Secret-Value-8';
    secrets.add(next);
    const ok = await call('POST', '/api/v1/auth/password/change', { token, body: { currentPassword: a.password, newPassword: next } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.data).toEqual({ passwordChanged: true, sessionsRevoked: 2 });
    expect((await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: session.body.data.refreshToken } })).status).toBe(401);
    expect((await login(a, a.password)).status).toBe(401);
    expect((await login(a, next)).status).toBe(200);
    expect((await eventsOf(a.tenantId, 'UserPasswordChanged')).map((e) => e.data.via)).toEqual(['change']);
  });
});

describe('email verification', () => {
  it('verifies the address with a mailed single-use token, as an event', async () => {
    const a = await t.registerTenant('verify');
    expect((await call('GET', '/api/v1/auth/me', { token: a.token })).body.data.emailVerified).toBe(false);
    // Registration mails the first admin a verification link; asking again mails another.
    expect((await mails(a.tenantId, 'email_verification')).map((m) => m.to_address)).toEqual([a.email]);
    const sent = await call('POST', '/api/v1/auth/verify-email', { token: a.token });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.data).toEqual({ sent: true, email: a.email });
    const token = await mailedToken(a.tenantId, 'email_verification', a.email);

    const unknown = await call('GET', `/api/v1/auth/verify-email/evt_${'B'.repeat(43)}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('invalid_verification_token');
    const ok = await call('GET', `/api/v1/auth/verify-email/${token}`);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.data).toEqual({ emailVerified: true, email: a.email });
    expect((await call('GET', '/api/v1/auth/me', { token: a.token })).body.data.emailVerified).toBe(true);
    expect((await eventsOf(a.tenantId, 'UserEmailVerified')).map((e) => e.data)).toEqual([{ user_id: a.userId, email: a.email }]);

    const reused = await call('GET', `/api/v1/auth/verify-email/${token}`);
    expect(reused.status).toBe(400);
    expect((await call('POST', '/api/v1/auth/verify-email', { token: a.token })).body.code).toBe('email_already_verified');
  });

  it('refuses an expired verification token', async () => {
    const a = await t.registerTenant('verify-late');
    await call('POST', '/api/v1/auth/verify-email', { token: a.token });
    const token = await mailedToken(a.tenantId, 'email_verification', a.email);
    offsetMs = 8 * 86_400_000;
    try {
      expect((await call('GET', `/api/v1/auth/verify-email/${token}`)).body.code).toBe('invalid_verification_token');
    } finally {
      offsetMs = 0;
    }
  });
});

describe('profile', () => {
  it('validates and stores phone, avatar, time zone and locale as events, read back from the projection', async () => {
    const a = await t.registerTenant('profile');
    const empty = await call('GET', '/api/v1/auth/me/profile', { token: a.token });
    expect(empty.status).toBe(200);
    expect(empty.body.data).toMatchObject({
      userId: a.userId,
      email: a.email,
      phone: null,
      avatarUrl: null,
      timezone: null,
      locale: null,
      updatedAt: null,
    });

    const put = await call('PUT', '/api/v1/auth/me/profile', {
      token: a.token,
      body: { phone: '+14155550123', timezone: 'america/new_york', locale: 'en-us', avatarUrl: 'https://cdn.example.com/a.png' },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.data).toMatchObject({
      phone: '+14155550123',
      timezone: 'America/New_York',
      locale: 'en-US',
      avatarUrl: 'https://cdn.example.com/a.png',
    });
    const patch = await call('PATCH', '/api/v1/auth/me/profile', { token: a.token, body: { phone: null, timezone: 'UTC' } });
    expect(patch.body.data).toMatchObject({ phone: null, timezone: 'UTC', locale: 'en-US' });
    const read = await call('GET', '/api/v1/auth/me/profile', { token: a.token });
    expect(read.body.data).toEqual(patch.body.data);

    // The same values again change nothing and append nothing.
    const before = await t.eventCount(a.tenantId);
    expect((await call('PUT', '/api/v1/auth/me/profile', { token: a.token, body: { timezone: 'UTC' } })).status).toBe(200);
    expect(await t.eventCount(a.tenantId)).toBe(before);
    expect((await eventsOf(a.tenantId, 'UserProfileUpdated')).map((e) => e.data)).toEqual([
      {
        user_id: a.userId,
        phone: '+14155550123',
        avatar_url: 'https://cdn.example.com/a.png',
        timezone: 'America/New_York',
        locale: 'en-US',
      },
      { user_id: a.userId, phone: null, timezone: 'UTC' },
    ]);
  });

  it('refuses what is not E.164, IANA, BCP 47 or https', async () => {
    const a = await t.registerTenant('profile-bad');
    const bad = [
      { phone: '4155550123' },
      { phone: '+0123' },
      { phone: '+1234567890123456' },
      { timezone: 'Mars/Olympus_Mons' },
      { timezone: '+01:00' },
      { locale: 'not a locale' },
      { locale: 'x'.repeat(36) },
      { avatarUrl: 'http://cdn.example.com/a.png' },
      { avatarUrl: 'javascript:alert(1)' },
      { avatarUrl: 'https://user:pw@cdn.example.com/a.png' },
      { avatarUrl: `https://cdn.example.com/${'a'.repeat(2100)}` },
      { nickname: 'extra' },
    ];
    const before = await t.eventCount(a.tenantId);
    for (const body of bad) {
      const res = await call('PUT', '/api/v1/auth/me/profile', { token: a.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_error');
    }
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });
});

describe('preferences', () => {
  it('merges settings (null removes a key) and keeps them bounded', async () => {
    const a = await t.registerTenant('prefs');
    expect((await call('GET', '/api/v1/auth/me/preferences', { token: a.token })).body.data).toEqual({});
    const put = await call('PUT', '/api/v1/auth/me/preferences', {
      token: a.token,
      body: { theme: 'dark', notifications: { email: true, digest: 'daily' } },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.data).toEqual({ theme: 'dark', notifications: { email: true, digest: 'daily' } });
    const patch = await call('PATCH', '/api/v1/auth/me/preferences', {
      token: a.token,
      body: { notifications: { digest: null, sms: false }, density: 'compact' },
    });
    expect(patch.body.data).toEqual({ theme: 'dark', notifications: { email: true, sms: false }, density: 'compact' });
    expect((await call('GET', '/api/v1/auth/me/preferences', { token: a.token })).body.data).toEqual(patch.body.data);
    expect((await eventsOf(a.tenantId, 'UserPreferencesUpdated')).at(-1)!.data.preferences).toEqual(patch.body.data);

    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 10; i++) deep = { d: deep };
    const before = await t.eventCount(a.tenantId);
    for (const body of [{ big: 'x'.repeat(20_000) }, deep, { a: 'nul\u0000' }, { '': 1 }, [1, 2], 'text']) {
      const res = await call('PUT', '/api/v1/auth/me/preferences', { token: a.token, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    // A __proto__ key pollutes nothing: it is not an own key once parsed, so it is not kept.
    const proto = await call('PUT', '/api/v1/auth/me/preferences', { token: a.token, raw: '{"__proto__": {"polluted": 1}}' });
    expect(proto.status).toBe(200);
    expect(proto.text).not.toContain('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Many small patches that would add up past the limit are refused at the one that crosses it.
    for (let i = 0; i < 3; i++)
      await call('PATCH', '/api/v1/auth/me/preferences', { token: a.token, body: { [`k${i}`]: 'y'.repeat(5000) } });
    const over = await call('PATCH', '/api/v1/auth/me/preferences', { token: a.token, body: { k9: 'y'.repeat(5000) } });
    expect(over.status).toBe(400);
    expect(over.body.code).toBe('invalid_preferences');
    expect(await t.eventCount(a.tenantId)).toBe(before + 3);
  });
});

describe('secrets', () => {
  it('never appear in an answer, an event or a log line', async () => {
    expect(secrets.size).toBeGreaterThan(8);
    const { rows } = await inSystem(t.handle.db, (tx) =>
      sql<{ row: string }>`select (data::text || ' ' || metadata::text) as row from es_events`.execute(tx),
    );
    const events = rows.map((r) => r.row).join('\n');
    const said = answers.join('\n');
    const logged = logLines.join('\n');
    expect(logged).toContain('/api/v1/auth/verify-email/[redacted]');
    for (const secret of secrets) {
      expect(events.includes(secret), `an event holds ${secret.slice(0, 8)}…`).toBe(false);
      expect(said.includes(secret) && !secret.startsWith('rt_'), `an answer holds ${secret.slice(0, 8)}…`).toBe(false);
      expect(logged.includes(secret), `a log line holds ${secret.slice(0, 8)}…`).toBe(false);
    }
  });
});

describe('the profiles read model', () => {
  it('rebuilds from the log to what the live projection holds', async () => {
    const own = await startTestApp({ isolated: true });
    try {
      const a = await own.registerTenant('rebuild');
      await own.request('PUT', '/api/v1/auth/me/profile', { token: a.token, body: { phone: '+4930123456', timezone: 'Europe/Berlin' } });
      await own.request('PATCH', '/api/v1/auth/me/profile', { token: a.token, body: { locale: 'de-DE', phone: null } });
      await own.request('PUT', '/api/v1/auth/me/preferences', { token: a.token, body: { theme: 'dark', list: [1, { x: 'y' }], n: null } });
      await own.request('PATCH', '/api/v1/auth/me/preferences', { token: a.token, body: { theme: null, quote: 'it\'s "quoted"' } });
      await own.request('POST', '/api/v1/auth/verify-email', { token: a.token });
      const { rows } = await inSystem(own.handle.db, (tx) =>
        sql<{ text_body: string }>`select text_body from mail_outbox where kind = 'email_verification'`.execute(tx),
      );
      const token = /evt_[A-Za-z0-9_-]{43}/.exec(rows[0]!.text_body)![0];
      expect((await own.request('GET', `/api/v1/auth/verify-email/${token}`)).status).toBe(200);

      const check = await rebuildProjections(own.handle.db, inlineProjections, { swap: false, upcasters, codec: eventCodec });
      expect(check.differences.user_profiles).toEqual({ onlyLive: 0, onlyRebuilt: 0 });
      expect(check.differences.users).toEqual({ onlyLive: 0, onlyRebuilt: 0 });
    } finally {
      await own.close();
    }
  });
});
