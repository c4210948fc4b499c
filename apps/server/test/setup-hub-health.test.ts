import { enqueueMail, MailRelay, trackWorkerRun } from '@crm/api';
import { inTenant } from '@crm/db';
import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';

// GET /api/v1/health/services: a bearer token (document 001), the caller's own tenant's outbox,
// nothing of any other tenant. Its own clock, to age mail.

let now = Date.parse('2026-03-01T12:00:00Z');
const t = await testApp({ isolated: true, clock: { now: () => new Date(now) } });

const services = async (token: string) => {
  const res = await t.request('GET', '/api/v1/health/services', { token });
  expect(res.status, res.text).toBe(200);
  return { data: res.body.data, text: res.text };
};

describe('health of downstream services (document 001)', () => {
  it('asks for a token, then answers: database, outbox and workers', async () => {
    expect((await t.request('GET', '/api/v1/health/services')).status).toBe(401);
    const { data } = await services((await t.registerTenant('health')).token);
    expect(data.status).toBe('ok');
    expect(data.services.database).toMatchObject({ status: 'ok', latencyMs: expect.any(Number), kind: expect.any(String) });
    expect(data.services.mailOutbox).toMatchObject({ status: 'ok', smtpConfigured: false, failed: 0, overdue: 0 });
    expect(Array.isArray(data.services.workers)).toBe(true);
  });

  it("counts the caller's tenant's pending mail, degrades only when mail with a way out is overdue, names no other tenant", async () => {
    // a has no way out for its mail (no SMTP anywhere); b has its own SMTP. Both got a verification mail.
    const a = await t.registerTenant('health');
    const b = await t.registerTenant('health');
    const saved = await t.request('PUT', '/api/v1/settings/email/smtp', {
      token: b.token,
      body: { host: 'smtp.health-secret.example.com', port: 587, username: 'u', password: 'secret-password' },
    });
    expect(saved.status).toBe(200);
    expect((await services(a.token)).data.services.mailOutbox).toMatchObject({
      status: 'ok',
      overdue: 0,
      pending: 1,
      smtpConfigured: false,
    });
    expect((await services(b.token)).data.services.mailOutbox).toMatchObject({
      status: 'ok',
      overdue: 0,
      pending: 1,
      smtpConfigured: true,
    });
    await inTenant(t.handle.db, a.tenantId, (tx) =>
      enqueueMail(tx, a.tenantId, { kind: 'smtp_test', to: 'someone@health.example.com', subject: 'Hi', text: 'x' }, new Date(now)),
    );
    expect((await services(a.token)).data.services.mailOutbox.pending).toBe(2);
    expect((await services(b.token)).data.services.mailOutbox.pending).toBe(1);

    now += 20 * 60_000;
    // Twenty minutes on, the access tokens have expired: log in again.
    const login = async (x: TestTenant) =>
      (await t.request('POST', '/api/v1/auth/login', { body: { email: x.email, password: x.password, tenantSlug: x.slug } })).body.data
        .accessToken as string;
    // a's two messages wait for an SMTP, as they should; b's, due 20 minutes ago, mean the relay is behind.
    const ofA = await services(await login(a));
    expect(ofA.data.services.mailOutbox).toMatchObject({ status: 'ok', pending: 2, overdue: 0 });
    const ofB = await services(await login(b));
    expect(ofB.data.services.mailOutbox).toMatchObject({ status: 'degraded', pending: 1, overdue: 1 });
    expect(ofB.data.services.mailOutbox.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(20 * 60);
    expect(ofB.data.status).toBe('degraded');
    for (const secret of [a.tenantId, b.tenantId, a.slug, b.email, 'health-secret', 'someone@']) {
      expect(ofA.text).not.toContain(secret);
      expect(ofB.text).not.toContain(secret);
    }
  });

  it("reports this process's workers: the mail relay after a round, a failing one as degraded without its error", async () => {
    await new MailRelay(t.services).runOnce();
    await expect(trackWorkerRun(t.services, 'test_worker', () => Promise.reject(new Error('tenant acme-corp exploded')))).rejects.toThrow(
      'exploded',
    );
    const { token } = await t.registerTenant('health');
    const { data, text } = await services(token);
    const byName = Object.fromEntries(data.services.workers.map((w: any) => [w.name, w]));
    expect(byName.mail_relay).toMatchObject({ status: 'ok', consecutiveFailures: 0, lastRunAt: new Date(now).toISOString() });
    expect(byName.test_worker).toMatchObject({ status: 'failing', consecutiveFailures: 1, lastSuccessAt: null });
    expect(data.status).toBe('degraded');
    expect(text).not.toContain('acme-corp');

    await trackWorkerRun(t.services, 'test_worker', async () => undefined);
    const after = (await services(token)).data.services.workers.find((w: any) => w.name === 'test_worker');
    expect(after).toMatchObject({ status: 'ok', consecutiveFailures: 0, lastSuccessAt: new Date(now).toISOString() });
  });
});
