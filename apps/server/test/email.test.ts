import { createContext, enqueueMail, MailRelay, runCommand, silentLogger } from '@crm/api';
import { inSystem } from '@crm/db';
import { email, upcasters } from '@crm/domain';
import { rebuildProjections } from '@crm/eventstore';
import { onPg } from '@crm/db/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';
import { closedPort, startSmtp } from './smtp-fixture.ts';

// Email settings (document 001, /api/v1/settings/email/*) and the outbox relay, against a real
// SMTP server (smtp-server on port 0). One isolated database for the file, so the relays here
// see only this file's outbox.

const S = '/api/v1/settings/email';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const t = await testApp({ isolated: true });

/**
 * A fresh tenant with an empty outbox: registering queues mail of its own (the admin's address
 * verification), which these tests leave out of their counts.
 */
async function tenant() {
  const a = await t.registerTenant('mail');
  await inSystem(t.handle.db, (tx) => tx.deleteFrom('mail_outbox').where('tenant_id', '=', a.tenantId).execute());
  return a;
}

async function enqueue(tenantId: string, to: string, subject: string, text = `Hello ${to}`) {
  const ctx = { ...(await createContext(t.services, { source: 'system' })), tenantId };
  return runCommand(ctx, (c) => enqueueMail(c.tx, c.tenantId, { kind: 'notification', to, subject, text }, c.clock.now()));
}

async function outboxRows(tenantId: string) {
  return inSystem(t.handle.db, (tx) =>
    tx.selectFrom('mail_outbox').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute(),
  );
}

const relayOf = (options: ConstructorParameters<typeof MailRelay>[1] = {}) =>
  new MailRelay(t.services, { log: silentLogger, pollMs: 20, ...options });

async function drain(relay: MailRelay) {
  let claimed = 0;
  for (;;) {
    const r = await relay.runOnce();
    claimed += r.claimed;
    if (r.claimed === 0) return claimed;
  }
}

async function useSmtp(tenant: TestTenant, port: number, extra: Record<string, unknown> = {}) {
  const res = await t.request('PUT', `${S}/smtp`, {
    token: tenant.token,
    body: { host: '127.0.0.1', port, secure: false, username: 'relay', password: 'relay-secret', ...extra },
  });
  expect(res.status, res.text).toBe(200);
  return res;
}

describe('email settings sections', () => {
  it('start from defaults, change by PUT or PATCH (fields left out kept), and record events only for changes', async () => {
    const a = await tenant();
    const get = await t.request('GET', `${S}/sender`, { token: a.token });
    expect(get.status).toBe(200);
    expect(get.body).toEqual({ success: true, data: { fromName: null, fromEmail: null, replyTo: null } });

    const before = await t.eventCount(a.tenantId);
    const put = await t.request('PUT', `${S}/sender`, {
      token: a.token,
      body: { fromName: 'Acme Sales', fromEmail: 'Sales@Acme.example' },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.data).toEqual({ fromName: 'Acme Sales', fromEmail: 'sales@acme.example', replyTo: null });
    const patch = await t.request('PATCH', `${S}/sender`, { token: a.token, body: { replyTo: 'help@acme.example' } });
    expect(patch.body.data).toEqual({ fromName: 'Acme Sales', fromEmail: 'sales@acme.example', replyTo: 'help@acme.example' });
    expect(await t.eventCount(a.tenantId)).toBe(before + 2);
    // The same values again: nothing changes, nothing is recorded.
    await t.request('PUT', `${S}/sender`, { token: a.token, body: { fromName: 'Acme Sales' } });
    expect(await t.eventCount(a.tenantId)).toBe(before + 2);
    const cleared = await t.request('PUT', `${S}/sender`, { token: a.token, body: { replyTo: null } });
    expect(cleared.body.data.replyTo).toBeNull();

    const tracking = await t.request('PUT', `${S}/tracking`, {
      token: a.token,
      body: { openTracking: true, trackingDomain: 'Track.Acme.example' },
    });
    expect(tracking.body.data).toEqual({ openTracking: true, clickTracking: false, trackingDomain: 'track.acme.example' });
    const compliance = await t.request('GET', `${S}/compliance`, { token: a.token });
    expect(compliance.body.data).toEqual({
      includeUnsubscribeLink: true,
      listUnsubscribeHeader: true,
      physicalAddress: null,
      requireConsent: false,
    });
    const footer = await t.request('PUT', `${S}/footer`, { token: a.token, body: { enabled: true, text: 'Acme Corp, 1 Main St' } });
    expect(footer.body.data).toEqual({ enabled: true, text: 'Acme Corp, 1 Main St', html: null });
    const dl = await t.request('PUT', `${S}/deliverability`, {
      token: a.token,
      body: { sendingDomain: 'acme.example', dkimSelector: 's1', dmarcPolicy: 'quarantine' },
    });
    expect(dl.status, dl.text).toBe(200);
    expect(dl.body.data.records.map((r: { purpose: string; name: string }) => [r.purpose, r.name])).toEqual([
      ['spf', 'acme.example'],
      ['dkim', 's1._domainkey.acme.example'],
      ['dmarc', '_dmarc.acme.example'],
    ]);
    expect(dl.body.data.records[2].value).toBe('v=DMARC1; p=quarantine');

    // The read model is a projection of the log: a rebuild from the events gives the same rows.
    const check = await rebuildProjections(t.handle.db, [email.emailSettingsProjection], { swap: false, upcasters });
    expect(check.differences).toEqual({ email_settings: { onlyLive: 0, onlyRebuilt: 0 } });

    const bad = await t.request('PUT', `${S}/tracking`, { token: a.token, body: { trackingDomain: 'not a host' } });
    expect(bad.status).toBe(400);
    const unknown = await t.request('PUT', `${S}/footer`, { token: a.token, body: { colour: 'red' } });
    expect(unknown.status).toBe(400);
  });

  it('lets every role read the sections and only tenant_admin change them or see SMTP and the outbox', async () => {
    const a = await tenant();
    const viewer = await t.createUser(a, 'viewer');
    const manager = await t.createUser(a, 'manager');
    for (const who of [viewer, manager]) {
      expect((await t.request('GET', `${S}/sender`, { token: who.token })).status).toBe(200);
      expect((await t.request('GET', `${S}/status`, { token: who.token })).status).toBe(200);
      expect((await t.request('PUT', `${S}/sender`, { token: who.token, body: { fromName: 'x' } })).status).toBe(403);
      expect((await t.request('GET', `${S}/smtp`, { token: who.token })).status).toBe(403);
      expect((await t.request('GET', `${S}/outbox`, { token: who.token })).status).toBe(403);
    }
  });
});

describe('SMTP settings', () => {
  it('store the password encrypted, never return it, and keep it out of the event log', async () => {
    const a = await tenant();
    const empty = await t.request('GET', `${S}/smtp`, { token: a.token });
    expect(empty.body.data).toMatchObject({ configured: false, hasPassword: false, host: null, source: 'none' });

    const saved = await t.request('PUT', `${S}/smtp`, {
      token: a.token,
      body: { host: 'SMTP.Example.com', port: 465, username: 'mailer', password: 'Sup3r-Secret-Pw' },
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.data).toMatchObject({
      configured: true,
      enabled: true,
      host: 'smtp.example.com',
      port: 465,
      secure: true,
      username: 'mailer',
      hasPassword: true,
      source: 'tenant',
    });
    expect(saved.text).not.toContain('Sup3r-Secret-Pw');
    expect((await t.request('GET', `${S}/smtp`, { token: a.token })).text).not.toContain('Sup3r-Secret-Pw');

    const { events, secret } = await inSystem(t.handle.db, async (tx) => ({
      events: (await sql<{ data: unknown }>`select data from es_events where tenant_id = ${a.tenantId}`.execute(tx)).rows,
      secret: await tx.selectFrom('email_smtp_secrets').selectAll().where('tenant_id', '=', a.tenantId).executeTakeFirstOrThrow(),
    }));
    expect(JSON.stringify(events)).not.toContain('Sup3r-Secret-Pw');
    expect(JSON.stringify(events)).toContain('"password":"set"');
    expect(secret.password_encrypted).not.toContain('Sup3r-Secret-Pw');
    expect(secret.password_encrypted).toMatch(/^v1\./);

    // Changing the port alone keeps the password; null removes it (with the username).
    const port = await t.request('PATCH', `${S}/smtp`, { token: a.token, body: { port: 587 } });
    expect(port.body.data).toMatchObject({ port: 587, secure: false, hasPassword: true });
    const half = await t.request('PUT', `${S}/smtp`, { token: a.token, body: { password: null } });
    expect(half.status).toBe(400);
    expect(half.body.code).toBe('smtp_password_required');
    const off = await t.request('PUT', `${S}/smtp`, { token: a.token, body: { username: null, password: null } });
    expect(off.body.data).toMatchObject({ username: null, hasPassword: false });
    expect(
      await inSystem(t.handle.db, (tx) => tx.selectFrom('email_smtp_secrets').selectAll().where('tenant_id', '=', a.tenantId).execute()),
    ).toEqual([]);
  });

  it('needs a host the first time', async () => {
    const a = await tenant();
    const res = await t.request('PUT', `${S}/smtp`, { token: a.token, body: { port: 25 } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('smtp_host_required');
  });

  it('tests the connection for real and says what failed', async () => {
    const a = await tenant();
    const none = await t.request('POST', `${S}/smtp/test`, { token: a.token, body: {} });
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('smtp_not_configured');

    const smtp = await startSmtp({ auth: { user: 'relay', pass: 'relay-secret' } });
    try {
      await useSmtp(a, smtp.port);
      const ok = await t.request('POST', `${S}/smtp/test`, { token: a.token });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body.data).toMatchObject({ ok: true, code: null, source: 'tenant', host: '127.0.0.1', port: smtp.port, testMailId: null });

      await t.request('PUT', `${S}/smtp`, { token: a.token, body: { password: 'wrong-password' } });
      const auth = await t.request('POST', `${S}/smtp/test`, { token: a.token, body: {} });
      expect(auth.body.data).toMatchObject({ ok: false, code: 'auth_failed' });

      await t.request('PUT', `${S}/smtp`, { token: a.token, body: { password: 'relay-secret', secure: true } });
      const tls = await t.request('POST', `${S}/smtp/test`, { token: a.token, body: {} });
      expect(tls.body.data).toMatchObject({ ok: false, code: 'tls_failed' });
    } finally {
      await smtp.close();
    }
    await t.request('PUT', `${S}/smtp`, { token: a.token, body: { port: await closedPort(), secure: false } });
    const refused = await t.request('POST', `${S}/smtp/test`, { token: a.token, body: {} });
    expect(refused.body.data).toMatchObject({ ok: false, code: 'connection_refused' });

    await t.request('PUT', `${S}/smtp`, { token: a.token, body: { host: 'no-such-host.invalid' } });
    const dns = await t.request('POST', `${S}/smtp/test`, { token: a.token, body: {} });
    expect(dns.body.data).toMatchObject({ ok: false, code: 'dns_failed' });
  }, 30_000);
});

describe('the outbox relay', () => {
  it('delivers a tenant’s mail through its own SMTP and records the message id', async () => {
    const smtp = await startSmtp({ auth: { user: 'relay', pass: 'relay-secret' } });
    try {
      const a = await tenant();
      await useSmtp(a, smtp.port);
      await t.request('PUT', `${S}/sender`, {
        token: a.token,
        body: { fromName: 'Acme', fromEmail: 'hello@acme.example', replyTo: 'help@acme.example' },
      });
      // The test endpoint queues a real message when asked to.
      const test = await t.request('POST', `${S}/smtp/test`, { token: a.token, body: { to: 'Ops@Acme.example' } });
      expect(test.body.data.ok).toBe(true);
      expect(test.body.data.testMailId).toMatch(/^[0-9a-f-]{36}$/);
      await enqueue(a.tenantId, 'jane@customer.example', 'Your invitation', 'Follow this link to join Acme.');

      expect(await drain(relayOf())).toBe(2);
      const jane = smtp.received.find((m) => m.to.includes('jane@customer.example'))!;
      expect(jane.subject).toBe('Your invitation');
      expect(jane.from).toBe('hello@acme.example');
      expect(jane.raw).toContain('Follow this link to join Acme.');
      expect(jane.raw).toMatch(/^Reply-To: help@acme\.example/m);
      expect(smtp.received.find((m) => m.to.includes('ops@acme.example'))!.subject).toBe('SMTP test');

      const rows = await outboxRows(a.tenantId);
      expect(rows.every((r) => r.status === 'sent' && r.sent_at && r.attempts === 1)).toBe(true);
      expect(rows.map((r) => r.message_id).sort()).toEqual(smtp.received.map((m) => m.messageId).sort());
      const listed = await t.request('GET', `${S}/outbox?status=sent`, { token: a.token });
      expect(listed.body.data.total).toBe(2);
      expect(listed.body.data.items[0]).toMatchObject({ status: 'sent', attempts: 1, lastError: null, nextAttemptAt: null });
    } finally {
      await smtp.close();
    }
  });

  it('keeps mail in the outbox when no SMTP is configured anywhere, readable by the tenant’s admin only', async () => {
    const a = await tenant();
    const b = await tenant();
    await enqueue(a.tenantId, 'kept@example.com', 'Kept, not sent', 'Reset link: https://example.com/r/abc');
    expect((await relayOf().runOnce()).claimed).toBe(0);
    const rows = await outboxRows(a.tenantId);
    expect(rows).toMatchObject([{ status: 'pending', attempts: 0 }]);

    const listed = await t.request('GET', `${S}/outbox`, { token: a.token });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toMatchObject({ total: 1, page: 1, limit: 50 });
    expect(listed.body.data.items[0]).toMatchObject({
      to: 'kept@example.com',
      subject: 'Kept, not sent',
      status: 'pending',
      text: 'Reset link: https://example.com/r/abc',
    });
    const other = await t.request('GET', `${S}/outbox`, { token: b.token });
    expect(other.body.data.total).toBe(0);
    expect(other.text).not.toContain('kept@example.com');

    const status = await t.request('GET', `${S}/status`, { token: a.token });
    expect(status.body.data).toMatchObject({ ready: false, source: 'none', outbox: { pending: 1, sent: 0, failed: 0 } });
    expect(status.body.data.issues.map((i: { code: string }) => i.code)).toContain('no_smtp');
  });

  it('sends nothing for a rolled-back change', async () => {
    const a = await tenant();
    const ctx = { ...(await createContext(t.services, { source: 'system' })), tenantId: a.tenantId };
    await expect(
      runCommand(ctx, async (c) => {
        await enqueueMail(
          c.tx,
          c.tenantId,
          { kind: 'invitation', to: 'ghost@example.com', subject: 'Never', text: 'never' },
          c.clock.now(),
        );
        throw new Error('the change fails after queueing its mail');
      }),
    ).rejects.toThrow('the change fails');
    expect(await outboxRows(a.tenantId)).toEqual([]);
    const smtp = await startSmtp();
    try {
      await useSmtp(a, smtp.port, { username: null, password: null });
      await drain(relayOf());
      expect(smtp.received.filter((m) => m.to.includes('ghost@example.com'))).toEqual([]);
    } finally {
      await smtp.close();
    }
  });

  it('retries a refused message with exponential backoff, then delivers it once the server accepts', async () => {
    const smtp = await startSmtp({ refuse: (n) => n <= 2 });
    try {
      const a = await tenant();
      await useSmtp(a, smtp.port, { username: null, password: null });
      await enqueue(a.tenantId, 'retry@example.com', 'Third time lucky');
      const relay = relayOf({ backoffBaseMs: 300, maxAttempts: 5 });

      const started = Date.now();
      expect(await relay.runOnce()).toMatchObject({ claimed: 1, retried: 1, sent: 0 });
      let [row] = await outboxRows(a.tenantId);
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row!.last_error).toMatch(/try again later/);
      const firstWait = row!.next_attempt_at.getTime() - started;
      expect(firstWait).toBeGreaterThanOrEqual(250);
      expect(firstWait).toBeLessThan(1_500);
      // Not due yet: nothing is taken.
      expect((await relay.runOnce()).claimed).toBe(0);

      await sleep(row!.next_attempt_at.getTime() - Date.now() + 20);
      const second = Date.now();
      expect(await relay.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
      [row] = await outboxRows(a.tenantId);
      expect(row).toMatchObject({ status: 'pending', attempts: 2 });
      const secondWait = row!.next_attempt_at.getTime() - second;
      expect(secondWait).toBeGreaterThanOrEqual(550); // 300 · 2
      expect(secondWait).toBeLessThan(2_000);

      await sleep(row!.next_attempt_at.getTime() - Date.now() + 20);
      expect(await relay.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
      [row] = await outboxRows(a.tenantId);
      expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
      expect(smtp.received.map((m) => m.subject)).toEqual(['Third time lucky']);
      expect(smtp.attempts()).toBe(3);
    } finally {
      await smtp.close();
    }
  }, 20_000);

  it('marks a message failed after the last attempt and keeps it, with the reason', async () => {
    const a = await tenant();
    await t.request('PUT', `${S}/smtp`, { token: a.token, body: { host: '127.0.0.1', port: await closedPort() } });
    await enqueue(a.tenantId, 'doomed@example.com', 'Doomed');
    const relay = relayOf({ backoffBaseMs: 1, maxAttempts: 2 });
    await relay.runOnce();
    await sleep(20);
    expect(await relay.runOnce()).toMatchObject({ claimed: 1, failed: 1 });
    const [row] = await outboxRows(a.tenantId);
    expect(row).toMatchObject({ status: 'failed', attempts: 2 });
    expect(row!.last_error).toMatch(/ECONNREFUSED|connect/i);
    const listed = await t.request('GET', `${S}/outbox?status=failed`, { token: a.token });
    expect(listed.body.data.items).toMatchObject([{ to: 'doomed@example.com', status: 'failed', attempts: 2 }]);
    expect((await t.request('GET', `${S}/status`, { token: a.token })).body.data.outbox.failed).toBe(1);
  });

  it(`never sends one message twice with two relays on one database (${onPg ? 'pg' : 'PGlite'})`, async () => {
    const smtp = await startSmtp();
    try {
      const a = await tenant();
      await useSmtp(a, smtp.port, { username: null, password: null });
      for (let i = 0; i < 40; i++) await enqueue(a.tenantId, `r${i}@example.com`, `Message ${i}`);
      const one = relayOf({ batchSize: 4 });
      const two = relayOf({ batchSize: 4 });
      const [x, y] = await Promise.all([drain(one), drain(two)]);
      expect(x + y).toBe(40);
      const subjects = smtp.received.filter((m) => m.subject.startsWith('Message ')).map((m) => m.subject);
      expect(subjects).toHaveLength(40);
      expect(new Set(subjects).size).toBe(40);
      expect((await outboxRows(a.tenantId)).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    } finally {
      await smtp.close();
    }
  }, 30_000);

  it('uses the server default (SMTP_URL, MAIL_FROM) for tenants without their own SMTP, and runs as a worker', async () => {
    const smtp = await startSmtp();
    const a = await tenant();
    await t.request('PUT', `${S}/sender`, { token: a.token, body: { fromName: 'Acme', fromEmail: 'hello@acme.example' } });
    t.services.mail = {
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: null, password: null },
      from: 'CRM <no-reply@crm.example>',
    };
    const relay = relayOf();
    try {
      const status = await t.request('GET', `${S}/status`, { token: a.token });
      expect(status.body.data).toMatchObject({ ready: true, source: 'server' });
      relay.start();
      await enqueue(a.tenantId, 'default@example.com', 'Through the default');
      for (let i = 0; i < 200 && !smtp.received.some((m) => m.to.includes('default@example.com')); i++) await sleep(25);
      const m = smtp.received.find((r) => r.to.includes('default@example.com'))!;
      expect(m.subject).toBe('Through the default');
      expect(m.from).toBe('no-reply@crm.example');
      expect(m.raw).toMatch(/^From: "?Acme"? <no-reply@crm\.example>/m);
      expect(m.raw).toMatch(/^Reply-To: hello@acme\.example/m);
    } finally {
      await relay.stop();
      delete t.services.mail;
      await smtp.close();
    }
  });
});
