import { BUCKET_MS, MailRelay, ReportScheduler, silentLogger } from '@crm/api';
import { inSystem, inTenant } from '@crm/db';
import { identity } from '@crm/domain';
import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';
import { addDeal, addOrg, addPerson, refreshRollups } from './reports-fixture.ts';
import { startSmtp } from './smtp-fixture.ts';

// Document 000's scheduled reports: the schedules (events per schedule), the export preview and
// the worker that fires each schedule at most once per 5-minute bucket and mails it through the
// outbox. One isolated database, so the workers here see only this file's schedules and mail;
// a clock the tests move, so the worker's "now" is theirs.

let nowMs = Date.now();
const clock = { now: () => new Date(nowMs) };
const t = await testApp({ isolated: true, clock });

const P = '/v1/reports/schedules';
const SCHEDULE_EVENTS = ['ReportScheduleCreated', 'ReportScheduleUpdated', 'ReportScheduleCancelled'];
const scheduler = () => new ReportScheduler(t.services, { log: silentLogger });

async function tenant() {
  const a = await t.registerTenant('rep');
  await inSystem(t.handle.db, (tx) => tx.deleteFrom('mail_outbox').where('tenant_id', '=', a.tenantId).execute());
  return a;
}

const outbox = (tenantId: string) =>
  inSystem(t.handle.db, (tx) => tx.selectFrom('mail_outbox').selectAll().where('tenant_id', '=', tenantId).orderBy('to_address').execute());
const filesOf = (tenantId: string) =>
  inSystem(t.handle.db, (tx) => tx.selectFrom('mail_files').selectAll().where('tenant_id', '=', tenantId).execute());
const allRuns = async () =>
  Number(
    (
      await inSystem(t.handle.db, (tx) =>
        tx
          .selectFrom('report_runs')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
      )
    ).n,
  );
const runs = (tenantId: string) =>
  inSystem(t.handle.db, (tx) => tx.selectFrom('report_runs').selectAll().where('tenant_id', '=', tenantId).orderBy('bucket').execute());

async function create(a: TestTenant, body: Record<string, unknown>) {
  const res = await t.request('POST', P, { token: a.token, body });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const benchmarkBody = { report_type: 'industry_benchmark', industry: 'Health Care', cron: '0 9 * * 1', recipients: ['Ana@Example.com'] };

/** A cron that fires at the minute the schedule was made (so in its bucket), and the clock just after it. */
async function dueNow(a: TestTenant, id: string) {
  const s = (await t.request('GET', P, { token: a.token })).body.schedules.find((x: any) => x.id === id);
  const made = new Date(s.created_at);
  const res = await t.request('PUT', `${P}/${id}`, {
    token: a.token,
    body: { cron: `${made.getUTCMinutes()} ${made.getUTCHours()} * * *` },
  });
  expect(res.status, res.text).toBe(200);
  nowMs = made.getTime() + 1000;
  return made;
}

describe('report schedules (document 000)', () => {
  it('creates, lists, changes and cancels a schedule, one event each', async () => {
    const a = await tenant();
    const s = await create(a, benchmarkBody);
    expect(s).toMatchObject({
      id: expect.any(String),
      report_type: 'industry_benchmark',
      industry: 'health-care',
      cron: '0 9 * * 1',
      recipients: ['ana@example.com'],
      format: 'pdf',
      last_run: null,
      created_by: a.userId,
    });
    const next = new Date(s.next_run_at);
    expect(next.getUTCDay()).toBe(1);
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([9, 0]);
    expect(next.getTime()).toBeGreaterThan(nowMs);

    const changed = await t.request('PUT', `${P}/${s.id}`, {
      token: a.token,
      body: { report_type: 'pipeline_summary', format: 'csv', recipients: ['a@x.example', 'b@x.example'] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      report_type: 'pipeline_summary',
      industry: null,
      format: 'csv',
      recipients: ['a@x.example', 'b@x.example'],
    });
    const events = await t.eventCount(a.tenantId, SCHEDULE_EVENTS);
    const same = await t.request('PUT', `${P}/${s.id}`, { token: a.token, body: { format: 'csv' } });
    expect(same.status).toBe(200);
    expect(await t.eventCount(a.tenantId, SCHEDULE_EVENTS)).toBe(events);

    const list = await t.request('GET', P, { token: a.token });
    expect(list.body.schedules.map((x: any) => x.id)).toEqual([s.id]);
    const gone = await t.request('DELETE', `${P}/${s.id}`, { token: a.token });
    expect(gone.status).toBe(200);
    expect(gone.body).toEqual({ deleted: true, id: s.id });
    expect((await t.request('GET', P, { token: a.token })).body.schedules).toEqual([]);
    expect((await t.request('DELETE', `${P}/${s.id}`, { token: a.token })).body.code).toBe('schedule_not_found');
    expect((await t.request('PUT', `${P}/${s.id}`, { token: a.token, body: { format: 'pdf' } })).status).toBe(404);
    expect(await t.eventCount(a.tenantId, SCHEDULE_EVENTS)).toBe(3);
  });

  it('refuses bad settings with a 400 naming the field, and appends nothing', async () => {
    const a = await tenant();
    const s = await create(a, benchmarkBody);
    const before = await t.eventCount(a.tenantId);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...benchmarkBody, cron: 'every monday' }, 'validation_error', 'cron'],
      [{ ...benchmarkBody, cron: '61 * * * *' }, 'validation_error', 'cron'],
      [{ ...benchmarkBody, cron: '0 0 9 * * 1' }, 'validation_error', 'cron'],
      [{ ...benchmarkBody, cron: '0 0 30 2 *' }, 'validation_error', 'cron'],
      [{ ...benchmarkBody, recipients: [] }, 'validation_error', 'recipients'],
      [{ ...benchmarkBody, recipients: Array.from({ length: 21 }, (_, i) => `r${i}@x.example`) }, 'validation_error', 'recipients'],
      [{ ...benchmarkBody, recipients: ['not-an-email'] }, 'validation_error', 'recipients.0'],
      [{ ...benchmarkBody, format: 'xlsx' }, 'validation_error', 'format'],
      [{ ...benchmarkBody, report_type: 'weather' }, 'validation_error', 'report_type'],
      [{ ...benchmarkBody, industry: null }, 'industry_required', 'industry'],
      [{ ...benchmarkBody, report_type: 'pipeline_summary' }, 'industry_not_applicable', 'industry'],
    ];
    for (const [body, code, field] of cases) {
      const res = await t.request('POST', P, { token: a.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe(code);
      if (code === 'validation_error') expect(res.body.details.map((d: any) => d.path)).toContain(field);
      else expect(res.body.details.field).toBe(field);
    }
    const put = await t.request('PUT', `${P}/${s.id}`, { token: a.token, body: { cron: '* * *' } });
    expect(put.status).toBe(400);
    expect(put.body.details[0].path).toBe('cron');
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });

  it('lets every role read schedules, a viewer not change them; Free plans get 402; tenants stay apart', async () => {
    const a = await tenant();
    const b = await tenant();
    const s = await create(a, benchmarkBody);
    const viewer = await t.createUser(a, 'viewer');
    expect((await t.request('GET', P, { token: viewer.token })).status).toBe(200);
    const refused = await t.request('POST', P, { token: viewer.token, body: benchmarkBody });
    expect(refused.status).toBe(403);
    expect(refused.body.details.permission).toBe('reports.schedule');
    expect((await t.request('GET', P, { token: b.token })).body.schedules).toEqual([]);
    expect((await t.request('PUT', `${P}/${s.id}`, { token: b.token, body: { format: 'json' } })).status).toBe(404);
    expect((await t.request('DELETE', `${P}/${s.id}`, { token: b.token })).status).toBe(404);
    expect((await t.request('GET', `/v1/reports/export-preview?report_id=${s.id}`, { token: b.token })).status).toBe(404);
    await t.setPlan(b.tenantId, 'free');
    for (const [method, path] of [
      ['GET', P],
      ['POST', P],
      ['GET', '/v1/reports/export-preview'],
    ] as const) {
      const res = await t.request(method, path, { token: b.token, ...(method === 'POST' ? { body: benchmarkBody } : {}) });
      expect(res.status).toBe(402);
    }
  });
});

describe('recipients in the log', () => {
  it('are sealed under the schedule’s key from the start and forgotten when the schedule is cancelled', async () => {
    const a = await tenant();
    const s = await create(a, { report_type: 'pipeline_summary', cron: '0 9 * * 1', recipients: ['Ana@Outside.example'] });
    const changed = await t.request('PUT', `${P}/${s.id}`, {
      token: a.token,
      body: { recipients: ['ana@outside.example', 'bo@outside.example'] },
    });
    expect(changed.status, changed.text).toBe(200);
    const stored = async () =>
      (
        await inSystem(t.handle.db, (tx) =>
          tx
            .selectFrom('es_events')
            .select('data')
            .where('tenant_id', '=', a.tenantId)
            .where('stream_id', '=', s.id)
            .orderBy('stream_version')
            .execute(),
        )
      ).map((r) => JSON.stringify(r.data));
    // The log never holds an address in clear; the store opens them for the schedule's readers.
    expect((await stored()).join()).not.toContain('outside.example');
    expect((await stored()).every((d) => d.includes('$sealed'))).toBe(true);
    const read = () =>
      inTenant(t.handle.db, a.tenantId, (tx) => t.services.store.readStream(tx, a.tenantId, { type: 'report_schedule', id: s.id }));
    expect((await read()).map((e) => (e.data as { recipients: string[] }).recipients)).toEqual([
      ['ana@outside.example'],
      ['ana@outside.example', 'bo@outside.example'],
    ]);

    expect((await t.request('DELETE', `${P}/${s.id}`, { token: a.token })).status).toBe(200);
    const events = await read();
    expect(events.map((e) => e.type)).toEqual(SCHEDULE_EVENTS);
    expect(events.slice(0, 2).map((e) => (e.data as { recipients: string[] }).recipients)).toEqual([[], []]);
    // The rest of each event reads as it was written.
    expect(events[1]!.data).toMatchObject({ schedule_id: s.id, cron: '0 9 * * 1', changed: ['recipients'] });
  });
});

describe('export preview', () => {
  it('shows what a schedule will send next, without sending it', async () => {
    const a = await tenant();
    const care = await addOrg(t, a, { name: 'Care', industry: 'Health Care', website: 'care.org' });
    await addPerson(t, a, 'Di', care, 'di@care.org');
    await addDeal(t, a, 'Care', 'care.org', 700);
    await refreshRollups(t, a.tenantId);
    const none = await t.request('GET', '/v1/reports/export-preview', { token: a.token });
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('no_schedules');

    const weekly = await create(a, benchmarkBody);
    const daily = await create(a, { report_type: 'pipeline_summary', cron: '*/10 * * * *', recipients: ['bo@x.example'], format: 'csv' });
    const res = await t.request('GET', `/v1/reports/export-preview?report_id=${weekly.id}`, { token: a.token });
    expect(res.status).toBe(200);
    const benchmark = (await t.request('GET', '/v1/reports/benchmark/health-care', { token: a.token })).body;
    expect(res.body).toMatchObject({
      report_id: weekly.id,
      report_type: 'industry_benchmark',
      next_run_at: weekly.next_run_at,
      recipients: ['ana@example.com'],
      format: 'pdf',
      subject: expect.stringMatching(/^Industry benchmark: Health Care \(\d{4}-\d\d-\d\d\)$/),
      attachment: { filename: expect.stringMatching(/^industry-benchmark-health-care-.*\.pdf$/), content_type: 'application/pdf' },
      payload: benchmark,
    });
    expect(res.body.attachment.size_bytes).toBeGreaterThan(1000);
    expect(res.body.text).toContain('Email coverage: 100.0% (1 of 1 persons)');

    // Without report_id: the schedule whose next run comes first (every 10 minutes beats Monday 9:00).
    const soonest = await t.request('GET', '/v1/reports/export-preview', { token: a.token });
    expect(soonest.body).toMatchObject({ report_id: daily.id, report_type: 'pipeline_summary', format: 'csv' });
    expect(soonest.body.payload.total_deals).toBe(1);
    expect(soonest.body.payload.stages.find((s: any) => s.deals === 1)).toMatchObject({ value_usd: 700 });
    expect(await outbox(a.tenantId)).toEqual([]);
    const unknown = await t.request('GET', `/v1/reports/export-preview?report_id=${crypto.randomUUID()}`, { token: a.token });
    expect(unknown.body.code).toBe('schedule_not_found');
  });
});

describe('the scheduled report worker', () => {
  it('fires a schedule once per bucket, with two workers racing, and mails the report with its attachment', async () => {
    const a = await tenant();
    await addOrg(t, a, { name: 'Care', industry: 'Health Care', website: 'care.org', phone: '1' });
    await refreshRollups(t, a.tenantId);
    const s = await create(a, { ...benchmarkBody, recipients: ['ana@example.com', 'bo@example.com'] });
    const made = await dueNow(a, s.id);

    const before = await allRuns();
    const rounds = await Promise.all([scheduler().runOnce(), scheduler().runOnce()]);
    // Other tests' schedules may be due too: each run either process fired is one row, never two.
    expect(rounds.reduce((n, r) => n + r.fired, 0)).toBe((await allRuns()) - before);
    expect((await runs(a.tenantId)).map((r) => [r.status, new Date(r.bucket).getTime()])).toEqual([
      ['queued', Math.floor(made.getTime() / BUCKET_MS) * BUCKET_MS],
    ]);
    const mail = await outbox(a.tenantId);
    expect(mail.map((m) => [m.kind, m.to_address])).toEqual([
      ['report', 'ana@example.com'],
      ['report', 'bo@example.com'],
    ]);
    expect((await runs(a.tenantId))[0]!.mail_ids.sort()).toEqual(mail.map((m) => m.id).sort());
    // One message per recipient, one stored PDF they both carry.
    expect(mail[0]!.file_ids).toHaveLength(1);
    expect(mail[1]!.file_ids).toEqual(mail[0]!.file_ids);
    expect((await filesOf(a.tenantId)).map((f) => f.content_type)).toEqual(['application/pdf']);

    // Later polls, in this bucket and in the next (which looks back at this one), fire nothing more.
    await scheduler().runOnce();
    nowMs += BUCKET_MS;
    await scheduler().runOnce();
    expect(await runs(a.tenantId)).toHaveLength(1);
    expect(await outbox(a.tenantId)).toHaveLength(2);
    const listed = (await t.request('GET', P, { token: a.token })).body.schedules[0];
    expect(listed.last_run).toMatchObject({ status: 'queued', reason: null });

    // The mail goes out through the outbox relay to a real SMTP server, the PDF attached.
    const smtp = await startSmtp({ auth: { user: 'relay', pass: 'relay-secret' } });
    try {
      const set = await t.request('PUT', '/api/v1/settings/email/smtp', {
        token: a.token,
        body: { host: '127.0.0.1', port: smtp.port, secure: false, username: 'relay', password: 'relay-secret' },
      });
      expect(set.status, set.text).toBe(200);
      const relay = new MailRelay(t.services, { log: silentLogger });
      expect((await relay.runOnce()).sent).toBe(2);
      expect(smtp.received.flatMap((m) => m.to).sort()).toEqual(['ana@example.com', 'bo@example.com']);
      const raw = smtp.received[0]!.raw;
      expect(smtp.received[0]!.subject).toMatch(/^Industry benchmark: Health Care/);
      expect(raw).toMatch(/Content-Type: application\/pdf;\s+name=industry-benchmark-health-care-\d{4}-\d\d-\d\d\.pdf/);
      expect(raw).toMatch(/Content-Disposition: attachment;\s+filename=industry-benchmark-health-care-/);
      const part = /Content-Type: application\/pdf[\s\S]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+)/.exec(raw)![1]!;
      const pdf = Buffer.from(part.replace(/\s/g, ''), 'base64').toString('latin1');
      expect(pdf.startsWith('%PDF-')).toBe(true);
      expect(pdf).toContain('/MediaBox [0 0 595.28 841.89]');
    } finally {
      await smtp.close();
    }

    // The next day's time fires again, once.
    nowMs = made.getTime() + 86_400_000 + 1000;
    await scheduler().runOnce();
    await scheduler().runOnce();
    expect(await runs(a.tenantId)).toHaveLength(2);
  });

  it('fires a time late in a bucket at the next poll, and attaches CSV or JSON as the format asks', async () => {
    const a = await tenant();
    await addDeal(t, a, 'One', 'one.example', 1234);
    const csv = await create(a, { report_type: 'pipeline_summary', cron: '0 9 * * 1', recipients: ['c@x.example'], format: 'csv' });
    const json = await create(a, { report_type: 'industries_overview', cron: '0 9 * * 1', recipients: ['j@x.example'], format: 'json' });
    const made = await dueNow(a, csv.id);
    await t.request('PUT', `${P}/${json.id}`, { token: a.token, body: { cron: `${made.getUTCMinutes()} ${made.getUTCHours()} * * *` } });
    // The poll comes after the bucket ended: the previous bucket is looked at too.
    nowMs = Math.floor(made.getTime() / BUCKET_MS) * BUCKET_MS + BUCKET_MS + 30_000;
    await scheduler().runOnce();
    expect(await runs(a.tenantId)).toHaveLength(2);
    const [c, j] = await outbox(a.tenantId);
    const files = new Map((await filesOf(a.tenantId)).map((f) => [f.id, f]));
    const file = (m: { file_ids: string[] | null } | undefined) => files.get(m!.file_ids![0]!)!;
    expect(file(c)).toMatchObject({
      filename: expect.stringMatching(/^pipeline-summary-.*\.csv$/),
      content_type: 'text/csv; charset=utf-8',
    });
    const text = Buffer.from(file(c).content).toString();
    expect(text.split('\r\n')[0]).toBe('stage_id,stage,is_won,is_lost,deals,value_usd');
    expect(text).toMatch(/,Lead,false,false,1,1234\r\n/);
    expect(file(j).content_type).toBe('application/json');
    expect(JSON.parse(Buffer.from(file(j).content).toString())).toEqual({ industries: [] });
  });

  it('records a skipped run and sends nothing once the tenant’s plan no longer includes reports; a cancelled schedule never fires', async () => {
    const a = await tenant();
    const s = await create(a, { report_type: 'pipeline_summary', cron: '0 9 * * 1', recipients: ['c@x.example'] });
    const cancelled = await create(a, { report_type: 'pipeline_summary', cron: '0 9 * * 1', recipients: ['d@x.example'] });
    const made = await dueNow(a, s.id);
    await t.request('PUT', `${P}/${cancelled.id}`, {
      token: a.token,
      body: { cron: `${made.getUTCMinutes()} ${made.getUTCHours()} * * *` },
    });
    await t.request('DELETE', `${P}/${cancelled.id}`, { token: a.token });
    await t.setPlan(a.tenantId, 'free');
    expect((await scheduler().runOnce()).skipped).toBeGreaterThanOrEqual(1);
    expect((await runs(a.tenantId)).map((r) => [r.schedule_id, r.status, r.reason])).toEqual([[s.id, 'skipped', 'plan_upgrade_required']]);
    expect(await outbox(a.tenantId)).toEqual([]);
  });

  it('fires nothing for a suspended tenant', async () => {
    const a = await tenant();
    const s = await create(a, { report_type: 'pipeline_summary', cron: '0 9 * * 1', recipients: ['c@x.example'] });
    await dueNow(a, s.id);
    await inTenant(t.handle.db, a.tenantId, (tx) =>
      identity.suspendTenant({ tx, tenantId: a.tenantId, store: t.services.store, userId: null, clock, metadata: { source: 'cli' } }),
    );
    await scheduler().runOnce();
    expect(await runs(a.tenantId)).toEqual([]);
    expect(await outbox(a.tenantId)).toEqual([]);
  });
});
