import { randomUUID } from 'node:crypto';
import { DigestWorker, MailRelay, NotificationEmailWorker, NotificationRunner, silentLogger } from '@crm/api';
import { inSystem } from '@crm/db';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestTenant } from '../src/testing.ts';
import { startSmtp } from './smtp-fixture.ts';

// The email leg of notifications, digests and delivery analytics over the whole server, with a
// real SMTP server: a notification row as the engine writes it (email_state pending / held) is
// rendered with the tenant's template, queued in the mail outbox and sent; Do Not Disturb holds
// it until the window ends; a user on digests gets one mail per period, exactly once with two
// workers racing. One isolated database: the workers here see only this file's rows.

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
const shift = { ms: 0 };
const clock = { now: () => new Date(Date.now() + shift.ms) };

const KEY = 'sales.lead_assigned';
const T = '/api/v1/notifications/templates';
const A = '/api/v1/notifications/analytics';

beforeAll(async () => {
  t = await startTestApp({ isolated: true, clock });
  smtp = await startSmtp({ auth: { user: 'relay', pass: 'relay-secret' } });
}, 60_000);
afterAll(async () => {
  await smtp?.close();
  await t.close();
});
afterEach(() => {
  shift.ms = 0;
});

const emailWorker = (batchSize = 20) => new NotificationEmailWorker(t.services, { log: silentLogger, batchSize });
const digestWorker = () => new DigestWorker(t.services, { log: silentLogger });
const relay = () => new MailRelay(t.services, { log: silentLogger });

async function drain(worker: { runOnce(): Promise<{ claimed: number }> }) {
  let claimed = 0;
  for (;;) {
    const r = await worker.runOnce();
    claimed += r.claimed;
    if (r.claimed === 0) return claimed;
  }
}

/** A tenant whose mail goes out through the test SMTP server. */
async function tenant(prefix = 'deliv') {
  const a = await t.registerTenant(prefix);
  const res = await t.request('PUT', '/api/v1/settings/email/smtp', {
    token: a.token,
    body: { host: '127.0.0.1', port: smtp.port, secure: false, username: 'relay', password: 'relay-secret' },
  });
  expect(res.status, res.text).toBe(200);
  return a;
}

interface Notify {
  state?: 'pending' | 'held' | 'none';
  heldUntil?: Date;
  variables?: Record<string, string>;
  read?: boolean;
  dismissed?: boolean;
}

/** A notification row as the engine writes it (migration 0020), for one user. */
async function notify(a: TestTenant, userId: number, o: Notify = {}): Promise<string> {
  const id = randomUUID();
  const now = clock.now();
  const variables = o.variables ?? { dealName: 'Acme renewal', actorName: 'Ada Admin' };
  await inSystem(t.handle.db, (tx) =>
    tx
      .insertInto('notifications')
      .values({
        tenant_id: a.tenantId,
        id,
        user_id: userId,
        event_key: KEY,
        module: 'sales',
        title: `New deal assigned: ${variables.dealName}`,
        body: `${variables.actorName} assigned you the deal ${variables.dealName}.`,
        link: '/crm/deals/d-1',
        variables: JSON.stringify(variables) as never,
        source_position: '1',
        source_event_id: randomUUID(),
        created_at: now,
        read_at: o.read ? now : null,
        dismissed_at: o.dismissed ? now : null,
        email_state: o.state ?? 'pending',
        held_until: o.heldUntil ?? null,
        mail_id: null,
        email_updated_at: null,
      })
      .execute(),
  );
  return id;
}

const rowOf = (id: string) =>
  inSystem(t.handle.db, (tx) => tx.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
const mailOf = (id: string) =>
  inSystem(t.handle.db, (tx) => tx.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
const mailsTo = (to: string) =>
  inSystem(t.handle.db, (tx) => tx.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).orderBy('created_at').execute());

describe('the email leg', () => {
  it('renders a pending notification with the tenant’s customised template, queues it once, and the relay sends it', async () => {
    const a = await tenant();
    const u = await t.createUser(a, 'user', 'Ulla');
    const custom = await t.request('PUT', `${T}/${KEY}/customize`, {
      token: a.token,
      body: { emailSubject: 'Yours now: {{dealName}}', emailBody: 'Hi,\n{{actorName}} gave you <{{dealName}}>.' },
    });
    expect(custom.status, custom.text).toBe(200);
    const id = await notify(a, u.userId, { variables: { dealName: 'Big & Co', actorName: 'Ada Admin' } });

    expect(await emailWorker().runOnce()).toEqual({ claimed: 1, queued: 1, digest: 0, skipped: 0 });
    const row = await rowOf(id);
    expect(row.email_state).toBe('queued');
    const mail = await mailOf(row.mail_id!);
    expect(mail).toMatchObject({ kind: 'notification', to_address: u.email, subject: 'Yours now: Big & Co', status: 'pending' });
    expect(mail.text_body).toBe('Hi,\nAda Admin gave you <Big & Co>.\n\nhttp://localhost:3000/crm/deals/d-1');
    expect(mail.html_body).toContain('<p>Hi,<br>Ada Admin gave you &lt;Big &amp; Co&gt;.</p>');
    expect(mail.html_body).toContain('<a href="http://localhost:3000/crm/deals/d-1">');
    // Claimed once: the next round finds nothing.
    expect((await emailWorker().runOnce()).claimed).toBe(0);

    await drain(relay());
    const got = smtp.received.filter((m) => m.subject === 'Yours now: Big & Co');
    expect(got.map((m) => m.to)).toEqual([[u.email]]);
  });

  it('uses each tenant’s own template in one round across tenants', async () => {
    const a = await tenant();
    const b = await tenant();
    await t.request('PUT', `${T}/${KEY}/customize`, { token: a.token, body: { emailSubject: 'A only: {{dealName}}' } });
    const ia = await notify(a, a.userId);
    const ib = await notify(b, b.userId);
    await drain(emailWorker());
    expect((await mailOf((await rowOf(ia)).mail_id!)).subject).toBe('A only: Acme renewal');
    expect((await mailOf((await rowOf(ib)).mail_id!)).subject).toBe('You have been assigned Acme renewal');
  });

  it('never queues one notification twice with two workers racing', async () => {
    const a = await tenant();
    const u = await t.createUser(a, 'user', 'Rita');
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push(await notify(a, u.userId, { variables: { dealName: `Deal ${i}`, actorName: 'Ada' } }));
    const [x, y] = [emailWorker(5), emailWorker(5)];
    await Promise.all([drain(x), drain(y)]);
    const rows = await Promise.all(ids.map(rowOf));
    expect(rows.every((r) => r.email_state === 'queued')).toBe(true);
    expect(new Set(rows.map((r) => r.mail_id)).size).toBe(24);
    expect(await mailsTo(u.email)).toHaveLength(24);
  });

  it('holds a notification inside Do Not Disturb and sends it once the window has ended', async () => {
    const a = await tenant();
    const u = await t.createUser(a, 'user', 'Dana');
    const id = await notify(a, u.userId, { state: 'held', heldUntil: new Date(clock.now().getTime() + 3_600_000) });
    expect((await emailWorker().runOnce()).claimed).toBe(0);
    expect((await rowOf(id)).email_state).toBe('held');
    shift.ms = 2 * 3_600_000;
    expect(await emailWorker().runOnce()).toMatchObject({ claimed: 1, queued: 1 });
    const row = await rowOf(id);
    expect([row.email_state, row.held_until]).toEqual(['queued', null]);
    expect(await mailsTo(u.email)).toHaveLength(1);
  });

  it('sends nothing to a deactivated user, and marks the leg skipped', async () => {
    const a = await tenant();
    const u = await t.createUser(a, 'user', 'Gone');
    const off = await t.request('DELETE', `/api/v1/users/${u.userId}`, { token: a.token });
    expect(off.status, off.text).toBe(200);
    const id = await notify(a, u.userId);
    expect(await emailWorker().runOnce()).toMatchObject({ claimed: 1, skipped: 1, queued: 0 });
    expect((await rowOf(id)).email_state).toBe('skipped');
    expect(await mailsTo(u.email)).toEqual([]);
  });

  it('goes end to end from a deal assigned to another user, through the notification engine', async () => {
    const a = await tenant();
    const u = await t.createUser(a, 'user', 'Owen');
    await t.request('PUT', `${T}/${KEY}/customize`, { token: a.token, body: { emailSubject: 'Engine: {{dealName}} from {{actorName}}' } });
    const deal = await t.request('POST', '/v1/crm/deals', { token: a.token, body: { name: 'Globex expansion', owner_user_id: u.userId } });
    expect(deal.status, deal.text).toBe(201);
    const runner = new NotificationRunner(t.services);
    while ((await runner.runOnce()) > 0);
    const rows = await inSystem(t.handle.db, (tx) =>
      tx.selectFrom('notifications').selectAll().where('tenant_id', '=', a.tenantId).where('user_id', '=', u.userId).execute(),
    );
    expect(rows.map((r) => [r.event_key, r.email_state])).toEqual([[KEY, 'pending']]);
    await drain(emailWorker());
    const [mail] = await mailsTo(u.email);
    expect(mail?.subject).toBe('Engine: Globex expansion from Ada Admin');
  });
});

describe('digests', () => {
  it('collects a digest user’s notifications and sends one mail per period, exactly once with two workers racing', async () => {
    const a = await tenant();
    const u = await t.createUser(a, 'user', 'Dina');
    const set = await t.request('PUT', `${A}/digest/settings`, {
      token: u.token,
      body: { frequency: 'daily', time: '09:00', timezone: 'UTC' },
    });
    expect(set.status, set.text).toBe(200);
    const ids = [];
    for (const name of ['One', 'Two', 'Three']) ids.push(await notify(a, u.userId, { variables: { dealName: name, actorName: 'Ada' } }));
    expect(await emailWorker().runOnce()).toMatchObject({ claimed: 3, digest: 3, queued: 0 });
    expect((await rowOf(ids[0]!)).email_state).toBe('digest');

    // Before the first send after the change of settings: nothing.
    expect(await digestWorker().runOnce()).toEqual({ claimed: 0, sent: 0, items: 0 });
    shift.ms = new Date(set.body.data.nextDigestAt).getTime() - Date.now() + 60_000;
    const rounds = await Promise.all([digestWorker().runOnce(), digestWorker().runOnce()]);
    expect(rounds.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect(rounds.reduce((n, r) => n + r.items, 0)).toBe(3);
    const digests = await inSystem(t.handle.db, (tx) =>
      tx.selectFrom('notification_digests').selectAll().where('tenant_id', '=', a.tenantId).execute(),
    );
    expect(digests.map((d) => [d.user_id, d.frequency, d.item_count])).toEqual([[u.userId, 'daily', 3]]);
    const mails = await mailsTo(u.email);
    expect(mails.map((m) => m.subject)).toEqual(['Your daily digest: 3 notifications']);
    expect(mails[0]!.text_body).toMatch(/- New deal assigned: One[\s\S]*- New deal assigned: Three/);
    const rows = await Promise.all(ids.map(rowOf));
    expect(rows.map((r) => [r.email_state, r.mail_id])).toEqual(ids.map(() => ['digested', mails[0]!.id]));
    expect(await digestWorker().runOnce()).toEqual({ claimed: 0, sent: 0, items: 0 });

    // What arrives after this period's digest waits for the next one.
    const late = await notify(a, u.userId, { variables: { dealName: 'Four', actorName: 'Ada' } });
    await drain(emailWorker());
    expect((await digestWorker().runOnce()).sent).toBe(0);
    expect((await rowOf(late)).email_state).toBe('digest');
    shift.ms += 86_400_000;
    expect(await digestWorker().runOnce()).toMatchObject({ sent: 1, items: 1 });

    await drain(relay());
    expect(smtp.received.filter((m) => m.to.includes(u.email)).map((m) => m.subject)).toEqual([
      'Your daily digest: 3 notifications',
      'Your daily digest: 1 notification',
    ]);

    shift.ms = 0; // the tokens were signed at the real time
    const stats = await t.request('GET', `${A}/digest`, { token: u.token });
    expect(stats.status, stats.text).toBe(200);
    expect(stats.body.data).toMatchObject({
      scope: 'user',
      digestsSent: 2,
      itemsSent: 4,
      averageItems: 2,
      maxItems: 3,
      byFrequency: { daily: 2, weekly: 0 },
      pendingItems: 0,
    });
    expect(stats.body.data.recent.map((r: { itemCount: number }) => r.itemCount)).toEqual([1, 3]);
    const admin = await t.request('GET', `${A}/digest`, { token: a.token });
    expect(admin.body.data).toMatchObject({ scope: 'tenant', digestsSent: 2 });
    const stranger = await t.registerTenant('deliv-other');
    const none = await t.request('GET', `${A}/digest`, { token: stranger.token });
    expect(none.body.data).toMatchObject({ scope: 'tenant', digestsSent: 0, lastSentAt: null, recent: [] });
  });

  it('sends waiting digest notifications on their own once the user turns digests off', async () => {
    const a = await tenant();
    const u = await t.createUser(a, 'user', 'Otto');
    await t.request('PUT', `${A}/digest/settings`, { token: u.token, body: { frequency: 'weekly' } });
    const id = await notify(a, u.userId);
    expect(await emailWorker().runOnce()).toMatchObject({ digest: 1 });
    await t.request('PATCH', `${A}/digest/settings`, { token: u.token, body: { frequency: 'off' } });
    expect(await emailWorker().runOnce()).toMatchObject({ claimed: 1, queued: 1 });
    expect((await rowOf(id)).email_state).toBe('queued');
  });
});

describe('analytics overview', () => {
  it('counts per event and channel, reads the email’s fate from the outbox, and trends by day; scoped by role and tenant', async () => {
    const a = await tenant();
    const u = await t.createUser(a, 'user', 'Stat');
    const v = await t.createUser(a, 'viewer', 'Vera');
    const sent = await notify(a, u.userId, { read: true });
    const failed = await notify(a, u.userId, { read: true });
    await notify(a, u.userId, { dismissed: true, state: 'none' });
    await notify(a, u.userId, { state: 'held', heldUntil: new Date(Date.now() + 86_400_000) });
    await notify(a, v.userId, { state: 'none' });
    await drain(emailWorker());
    const mailIds = await Promise.all([sent, failed].map(async (id) => (await rowOf(id)).mail_id!));
    await inSystem(t.handle.db, async (tx) => {
      await tx.updateTable('mail_outbox').set({ status: 'sent', sent_at: new Date() }).where('id', '=', mailIds[0]!).execute();
      await tx.updateTable('mail_outbox').set({ status: 'failed' }).where('id', '=', mailIds[1]!).execute();
    });

    const mine = await t.request('GET', A, { token: u.token });
    expect(mine.status, mine.text).toBe(200);
    const d = mine.body.data;
    expect(d).toMatchObject({
      scope: 'user',
      days: 30,
      totals: { notifications: 4, read: 2, dismissed: 1, readRate: 0.5, emailsQueued: 2, emailsSent: 1, emailsFailed: 1, digested: 0 },
      channels: {
        inApp: { created: 4, read: 2, dismissed: 1, readRate: 0.5 },
        email: { queued: 2, sent: 1, failed: 1, waiting: 0, scheduled: 1, digested: 0, skipped: 0 },
      },
    });
    expect(d.byEvent).toEqual([
      expect.objectContaining({
        eventKey: KEY,
        module: 'sales',
        label: 'Deal assigned to you',
        inApp: expect.objectContaining({ created: 4 }),
      }),
    ]);
    expect(d.dailyTrend).toHaveLength(30);
    expect(d.dailyTrend.at(-1)).toEqual({ date: new Date().toISOString().slice(0, 10), created: 4, read: 2, emailed: 2 });
    expect(d.dailyTrend.slice(0, -1).every((x: { created: number }) => x.created === 0)).toBe(true);

    const admin = await t.request('GET', `${A}?days=7`, { token: a.token });
    expect(admin.body.data).toMatchObject({ scope: 'tenant', days: 7, totals: { notifications: 5 } });
    expect(admin.body.data.dailyTrend).toHaveLength(7);
    const viewer = await t.request('GET', A, { token: v.token });
    expect(viewer.body.data.totals).toMatchObject({ notifications: 1, readRate: 0 });
    const stranger = await t.registerTenant('deliv-stranger');
    const theirs = await t.request('GET', A, { token: stranger.token });
    expect([theirs.body.data.scope, theirs.body.data.totals.notifications, theirs.body.data.byEvent]).toEqual(['tenant', 0, []]);

    for (const q of ['?days=0', '?days=91', '?days=x', '?days=1.5']) {
      const bad = await t.request('GET', `${A}${q}`, { token: u.token });
      expect([q, bad.status, bad.body.code]).toEqual([q, 400, 'validation_error']);
    }
    expect((await t.request('GET', A)).status).toBe(401);
  });
});
