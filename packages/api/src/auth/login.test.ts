import { randomBytes, scryptSync } from 'node:crypto';
import { type DbHandle, inSystem, inTenant } from '@crm/db';
import { openTestDb } from '@crm/db/testing';
import { DomainError, eventSchemas, identity, inlineProjections, systemClock, upcasters } from '@crm/domain';
import { EventStore } from '@crm/eventstore';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Logger, Services } from '../services.ts';
import { runCommand } from '../unit-of-work.ts';
import { verifyJwt } from './jwt.ts';
import { login } from './login.ts';
import { OWASP_SCRYPT, configureHashGate, hashGate, hashPassword, passwordHashCost, setPasswordHashCost } from './passwords.ts';
import { THROTTLE_POLICY, loginGuard, recordLoginFailure } from './throttle.ts';

const PASSWORD = 'Correct-Horse-Battery-9';
const FAST = { N: 2 ** 10, r: 8, p: 1 };

let handle: DbHandle;
let services: Services;
let offsetMs = 0;
const logged: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
const log: Logger = {
  info: (msg, fields) => logged.push({ level: 'info', msg, fields }),
  warn: (msg, fields) => logged.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => logged.push({ level: 'error', msg, fields }),
};
const initialCost = passwordHashCost();
const initialGate = hashGate().options;

beforeAll(async () => {
  setPasswordHashCost(FAST);
  handle = await openTestDb();
  services = {
    db: handle.db,
    dbKind: handle.kind,
    store: new EventStore({ inlineProjections, upcasters, schemas: eventSchemas }),
    clock: { now: () => new Date(systemClock.now().getTime() + offsetMs) },
    jwtSecret: 'test-secret-that-is-long-enough-0123456789',
    accessTokenTtlS: 900,
    refreshTokenTtlS: 30 * 86_400,
    log,
    startedAt: new Date(),
    version: 'test',
  };
}, 60_000);

afterAll(async () => {
  setPasswordHashCost(initialCost);
  configureHashGate(initialGate);
  await handle?.close();
});

/** Moves this file's clock forward. */
const advance = (seconds: number) => {
  offsetMs += seconds * 1000;
};

async function registerTenant(passwordHash?: string) {
  const slug = `login-${randomBytes(5).toString('hex')}`;
  const email = `admin@${slug}.example.com`;
  const tenantId = identity.newTenantId();
  const hash = passwordHash ?? (await hashPassword(PASSWORD));
  const ctx = { services, requestId: 'test', source: 'system' as const, principal: null, authError: null, clientIp: null, tenantId };
  const { userId } = await runCommand(ctx, (c) =>
    identity.registerTenant(c, {
      tenantId,
      companyName: `Company ${slug}`,
      slug,
      adminEmail: email,
      adminFirstName: 'Ada',
      adminLastName: 'Admin',
      passwordHash: hash,
    }),
  );
  return { slug, email, tenantId, userId };
}

async function storedHash(tenantId: string, userId: number) {
  return inTenant(handle.db, tenantId, (tx) =>
    tx.selectFrom('user_credentials').select('password_hash').where('user_id', '=', userId).executeTakeFirstOrThrow(),
  ).then((r) => r.password_hash);
}

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('login', () => {
  it('logs in with the right password and answers what the mutation answers', async () => {
    const t = await registerTenant();
    const out = await login(services, { email: t.email.toUpperCase(), password: PASSWORD, tenantSlug: t.slug, ip: '203.0.113.1' });
    expect(out).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      user: { id: t.userId, email: t.email, role: 'tenant_admin', status: 'active' },
      tenant: { id: t.tenantId, slug: t.slug, status: 'active' },
    });
    expect(out.refreshToken).toMatch(/^rt_/);
    const claims = await verifyJwt(out.accessToken, services.jwtSecret, Math.floor(services.clock.now().getTime() / 1000));
    expect(claims).toMatchObject({ sub: String(t.userId), tid: t.tenantId, role: 'tenant_admin', typ: 'access' });
  });

  it('answers alike for an unknown tenant, an unknown user and a wrong password, with one scrypt each', async () => {
    const t = await registerTenant();
    const gate = configureHashGate(initialGate);
    const run = vi.spyOn(gate, 'run');
    const attempts = [
      { email: t.email, password: PASSWORD, tenantSlug: `no-such-${randomBytes(4).toString('hex')}` },
      { email: `nobody@${t.slug}.example.com`, password: PASSWORD, tenantSlug: t.slug },
      { email: t.email, password: 'Wrong-Horse-Battery-9', tenantSlug: t.slug },
    ];
    const answers = [];
    for (const a of attempts) {
      run.mockClear();
      const e = await refusal(login(services, a));
      expect(run).toHaveBeenCalledTimes(1);
      answers.push({ kind: e.kind, code: e.code, message: e.message, details: e.details });
    }
    expect(answers[0]).toEqual({
      kind: 'unauthorized',
      code: 'invalid_credentials',
      message: 'email, password or tenant is wrong',
      details: undefined,
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('locks an account after 5 failures with 429 and retryAfterSeconds, even for the right password, then lets it in', async () => {
    const t = await registerTenant();
    const wrong = { email: t.email, password: 'wrong password', tenantSlug: t.slug };
    for (let i = 0; i < THROTTLE_POLICY.account.maxFailures; i++) {
      expect((await refusal(login(services, wrong))).code).toBe('invalid_credentials');
    }
    const gate = configureHashGate(initialGate);
    const run = vi.spyOn(gate, 'run');
    const locked = await refusal(login(services, { ...wrong, password: PASSWORD }));
    expect(locked).toMatchObject({ kind: 'rate_limited', code: 'too_many_attempts' });
    const retryAfter = (locked.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(run).not.toHaveBeenCalled(); // refused before any hashing
    expect(logged.some((l) => l.msg === 'login locked' && l.fields?.scope === 'account')).toBe(true);
    expect(JSON.stringify(logged)).not.toContain(PASSWORD);

    advance(retryAfter + 1);
    const out = await login(services, { ...wrong, password: PASSWORD });
    expect(out.user.id).toBe(t.userId);
  });

  it('locks longer each time: 1 minute, then 2, then 4', async () => {
    const t = await registerTenant();
    const wrong = { email: t.email, password: 'wrong password', tenantSlug: t.slug };
    for (const expected of [60, 120, 240]) {
      for (let i = 0; i < THROTTLE_POLICY.account.maxFailures; i++) await refusal(login(services, wrong));
      const e = await refusal(login(services, wrong));
      expect(e.code).toBe('too_many_attempts');
      expect((e.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds).toBe(expected);
      advance(expected);
    }
  });

  it('locks unknown accounts the same way, so a lock tells nothing about which accounts exist', async () => {
    const t = await registerTenant();
    for (const a of [
      { email: `ghost@${t.slug}.example.com`, password: 'x', tenantSlug: t.slug },
      { email: t.email, password: 'x', tenantSlug: `gone-${randomBytes(4).toString('hex')}` },
    ]) {
      for (let i = 0; i < THROTTLE_POLICY.account.maxFailures; i++) await refusal(login(services, a));
      expect(await refusal(login(services, a))).toMatchObject({ code: 'too_many_attempts', details: { retryAfterSeconds: 60 } });
    }
    // The real account is not locked by failures against the others.
    expect((await login(services, { email: t.email, password: PASSWORD, tenantSlug: t.slug })).user.id).toBe(t.userId);
  });

  it('forgets the account failures on a success', async () => {
    const t = await registerTenant();
    const wrong = { email: t.email, password: 'wrong password', tenantSlug: t.slug };
    const right = { ...wrong, password: PASSWORD };
    for (let i = 0; i < THROTTLE_POLICY.account.maxFailures - 1; i++) await refusal(login(services, wrong));
    await login(services, right);
    for (let i = 0; i < THROTTLE_POLICY.account.maxFailures - 1; i++) await refusal(login(services, wrong));
    expect((await login(services, right)).user.id).toBe(t.userId);
    const rows = await inSystem(handle.db, (tx) => tx.selectFrom('login_throttle').selectAll().where('tenant_slug', '=', t.slug).execute());
    expect(rows).toEqual([]);
  });

  it('starts a new count after the 15-minute window', async () => {
    const t = await registerTenant();
    const wrong = { email: t.email, password: 'wrong password', tenantSlug: t.slug };
    for (let i = 0; i < THROTTLE_POLICY.account.maxFailures - 1; i++) await refusal(login(services, wrong));
    advance(THROTTLE_POLICY.account.windowS);
    for (let i = 0; i < THROTTLE_POLICY.account.maxFailures - 1; i++) await refusal(login(services, wrong));
    expect((await refusal(login(services, wrong))).code).toBe('invalid_credentials');
    expect((await refusal(login(services, wrong))).code).toBe('too_many_attempts');
  });

  it('locks a source address after 50 failures across accounts, and only that address', async () => {
    const t = await registerTenant();
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    for (let i = 0; i < THROTTLE_POLICY.address.maxFailures; i++) {
      await refusal(login(services, { email: `spray-${i}@${t.slug}.example.com`, password: 'x', tenantSlug: t.slug, ip: `::ffff:${ip}` }));
    }
    const locked = await refusal(login(services, { email: t.email, password: PASSWORD, tenantSlug: t.slug, ip }));
    expect(locked).toMatchObject({ code: 'too_many_attempts', details: { retryAfterSeconds: 900 } });
    // Another address, the same account: fine (its own counter is untouched).
    expect((await login(services, { email: t.email, password: PASSWORD, tenantSlug: t.slug, ip: '192.0.2.77' })).user.id).toBe(t.userId);
    advance(900);
    expect((await login(services, { email: t.email, password: PASSWORD, tenantSlug: t.slug, ip })).user.id).toBe(t.userId);
  }, 60_000);

  it('shares counters between server processes (they are rows, not memory)', async () => {
    const t = await registerTenant();
    const attempt = { slug: t.slug, email: t.email, ip: null };
    // Another process: the same database, its own Services object.
    const other: Services = { ...services, store: new EventStore({ inlineProjections, upcasters, schemas: eventSchemas }) };
    for (let i = 0; i < THROTTLE_POLICY.account.maxFailures; i++) await recordLoginFailure(i % 2 ? other : services, attempt);
    await expect(loginGuard(other, attempt)).rejects.toMatchObject({ code: 'too_many_attempts' });
    await expect(loginGuard(services, attempt)).rejects.toMatchObject({ code: 'too_many_attempts' });
  });

  it('refuses a deactivated user after checking the password', async () => {
    const t = await registerTenant();
    await inTenant(handle.db, t.tenantId, (tx) => tx.updateTable('users').set({ status: 'inactive' }).where('id', '=', t.userId).execute());
    expect(await refusal(login(services, { email: t.email, password: PASSWORD, tenantSlug: t.slug }))).toMatchObject({
      kind: 'forbidden',
      code: 'user_inactive',
    });
    expect((await refusal(login(services, { email: t.email, password: 'wrong', tenantSlug: t.slug }))).code).toBe('invalid_credentials');
  });

  it('refuses an absurdly long password before the database and before hashing', async () => {
    const t = await registerTenant();
    const gate = configureHashGate(initialGate);
    const run = vi.spyOn(gate, 'run');
    const e = await refusal(login(services, { email: t.email, password: 'p'.repeat(1025), tenantSlug: t.slug }));
    expect(e).toMatchObject({ kind: 'invalid', code: 'password_too_long' });
    expect(run).not.toHaveBeenCalled();
    // A long one within the limit is simply a wrong password.
    expect((await refusal(login(services, { email: t.email, password: 'p'.repeat(1024), tenantSlug: t.slug }))).code).toBe(
      'invalid_credentials',
    );
  });

  it('upgrades an old scrypt$16384 hash to the OWASP cost at the next login, and the new hash works', async () => {
    setPasswordHashCost(OWASP_SCRYPT);
    try {
      const salt = randomBytes(16);
      const old = [
        'scrypt',
        16384,
        8,
        1,
        salt.toString('base64url'),
        scryptSync(PASSWORD, salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64url'),
      ].join('$');
      const t = await registerTenant(old);
      expect(await storedHash(t.tenantId, t.userId)).toBe(old);
      await login(services, { email: t.email, password: PASSWORD, tenantSlug: t.slug });
      const upgraded = await storedHash(t.tenantId, t.userId);
      expect(upgraded).toMatch(/^scrypt\$32768\$8\$3\$/);
      expect((await login(services, { email: t.email, password: PASSWORD, tenantSlug: t.slug })).user.id).toBe(t.userId);
      expect(await storedHash(t.tenantId, t.userId)).toBe(upgraded); // no second rehash
    } finally {
      setPasswordHashCost(FAST);
    }
  }, 120_000);

  it('keeps the throttle table away from tenant requests (crm_app has no grant)', async () => {
    const t = await registerTenant();
    await expect(inTenant(handle.db, t.tenantId, (tx) => sql`select count(*) from login_throttle`.execute(tx))).rejects.toThrow(
      /permission denied/,
    );
  });
});
