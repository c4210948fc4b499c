import { enqueueMail, MailRelay, mailRetentionMs, silentLogger, storeMailFile } from '@crm/api';
import { inSystem, inTenant } from '@crm/db';
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { testApp } from './app-fixture.ts';

// The relay's periodic pass deletes sent mail older than the retention period; failed and pending
// mail stays, whatever its age, and so does recent sent mail.

const t = await testApp();
const acme = await t.registerTenant('prune');

const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.now() - d * DAY);

/** A message in the outbox with the given status, created and (if sent) sent `ageDays` ago. */
async function mail(status: 'pending' | 'sent' | 'failed', ageDays: number, fileIds?: string[]): Promise<string> {
  const at = new Date(Date.now() - ageDays * DAY);
  return inTenant(t.handle.db, acme.tenantId, async (tx) => {
    const message = { kind: 'notification' as const, to: 'x@prune.example.com', subject: status, text: 'hi', fileIds };
    const id = await enqueueMail(tx, acme.tenantId, message, at);
    await tx
      .updateTable('mail_outbox')
      .set({ status, sent_at: status === 'sent' ? at : null, next_attempt_at: new Date(Date.now() + 365 * DAY) })
      .where('id', '=', id)
      .execute();
    return id;
  });
}

const present = async (ids: string[]) => {
  const { rows } = await inSystem(t.handle.db, (tx) =>
    sql<{ id: string }>`select id from mail_outbox where id = any(${ids}::uuid[])`.execute(tx),
  );
  return new Set(rows.map((r) => r.id));
};

describe('mail outbox pruning', () => {
  it('deletes sent mail past the retention period only', async () => {
    const oldSent = await mail('sent', 31);
    const recentSent = await mail('sent', 29);
    const oldFailed = await mail('failed', 90);
    const oldPending = await mail('pending', 90);
    const relay = new MailRelay(t.services, { log: silentLogger, retentionMs: 30 * DAY });
    expect(await relay.prune()).toBeGreaterThanOrEqual(1);
    expect(await present([oldSent, recentSent, oldFailed, oldPending])).toEqual(new Set([recentSent, oldFailed, oldPending]));
    expect(await relay.prune()).toBe(0);
  });

  it('runs in the relay’s periodic pass, with the configured retention', async () => {
    const sent = await mail('sent', 3);
    const kept = await mail('sent', 1);
    const relay = new MailRelay(t.services, { log: silentLogger, pollMs: 20, retentionMs: 2 * DAY });
    relay.start();
    try {
      await vi.waitFor(async () => expect(await present([sent])).toEqual(new Set()), { timeout: 5_000, interval: 50 });
      expect(await present([kept])).toEqual(new Set([kept]));
    } finally {
      await relay.stop();
    }
  });

  it('deletes a stored file once no message carries it, looking only at files older than the retention', async () => {
    const store = (at: Date) =>
      inTenant(t.handle.db, acme.tenantId, (tx) =>
        storeMailFile(tx, acme.tenantId, { filename: 'r.csv', contentType: 'text/csv', content: Buffer.from('a,b\r\n') }, at),
      );
    const file = await store(daysAgo(40));
    // Made with messages not yet committed, as far as pruning can tell: too young to be an orphan.
    const young = await store(daysAgo(1));
    const present = async (id: string) =>
      (await inSystem(t.handle.db, (tx) => tx.selectFrom('mail_files').select('id').where('id', '=', id).execute())).length;
    const files = () => present(file);
    await mail('sent', 40, [file]);
    const recent = await mail('sent', 1, [file]);
    const relay = new MailRelay(t.services, { log: silentLogger, retentionMs: 30 * DAY });
    await relay.prune();
    expect(await files()).toBe(1);
    await inSystem(t.handle.db, (tx) =>
      tx
        .updateTable('mail_outbox')
        .set({ sent_at: daysAgo(40) })
        .where('id', '=', recent)
        .execute(),
    );
    await relay.prune();
    expect(await files()).toBe(0);
    expect(await present(young)).toBe(1);
  });

  it('reads the retention from MAIL_RETENTION_DAYS, 30 days by default', () => {
    expect(mailRetentionMs({})).toBe(30 * DAY);
    expect(mailRetentionMs({ MAIL_RETENTION_DAYS: '7' })).toBe(7 * DAY);
    expect(mailRetentionMs({ MAIL_RETENTION_DAYS: 'soon' })).toBe(30 * DAY);
    expect(mailRetentionMs({ MAIL_RETENTION_DAYS: '0' })).toBe(30 * DAY);
  });
});
