import { inSystem, type Tx } from '@crm/db';
import { sql } from 'kysely';
import type { Logger, Services } from '../services.ts';
import { PolledWorker, PollingLoop } from '../polling-loop.ts';
import { trackWorkerRun } from '../worker-runs.ts';
import type { MailFilesTable, MailOutboxTable, StoredAttachment } from './outbox.ts';
import { type MailRoute, mailRouteOf } from './route.ts';
import { describeSmtpError, transportFor } from './smtp.ts';

export interface MailRelayOptions {
  /** Messages claimed per round (each round is one short transaction). */
  batchSize?: number;
  /** How often to look for due mail when the last round found little. */
  pollMs?: number;
  /** Attempts before a message is marked failed (it stays in the outbox, readable). */
  maxAttempts?: number;
  /** The wait after the first failure; doubled after each further one, up to backoffMaxMs. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * How long a claimed message is reserved for the relay that took it. A relay that dies while
   * sending leaves it pending; another takes it once the lease runs out.
   */
  leaseMs?: number;
  /**
   * How long a sent message stays in the outbox (readable by the tenant's admin) before the relay
   * deletes it; failed and pending messages are never deleted. Default MAIL_RETENTION_DAYS, else 30 days.
   */
  retentionMs?: number;
  /** How often the periodic pass prunes (at most); default hourly. */
  pruneEveryMs?: number;
  log?: Logger;
}

/** Sent mail's retention from MAIL_RETENTION_DAYS (a positive number of days), else 30 days. */
export function mailRetentionMs(env: NodeJS.ProcessEnv = process.env): number {
  const days = Number(env.MAIL_RETENTION_DAYS);
  return (Number.isFinite(days) && days > 0 ? days : 30) * 86_400_000;
}

export interface RelayRound {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

const inlineAttachment = (a: StoredAttachment) => ({
  filename: a.filename,
  contentType: a.content_type,
  content: Buffer.from(a.content_base64, 'base64'),
});

// PGlite hands bytea back as a Uint8Array, pg as a Buffer: nodemailer wants a Buffer.
const fileAttachment = (f: MailFilesTable) => ({ filename: f.filename, contentType: f.content_type, content: Buffer.from(f.content) });

type Attachment = ReturnType<typeof inlineAttachment>;

/** What a message carries: its inline attachments (mail queued before migration 0029) and its stored files. */
function attachmentsOf(m: MailOutboxTable, files: Map<string, MailFilesTable>): Attachment[] {
  const inline = Array.isArray(m.attachments) ? (m.attachments as StoredAttachment[]).map(inlineAttachment) : [];
  const stored = (m.file_ids ?? []).flatMap((id) => {
    const f = files.get(id);
    return f ? [fileAttachment(f)] : [];
  });
  return [...inline, ...stored];
}

/** The wait before attempt n+1 after n failed attempts: base · 2^(n-1), capped. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends the outbox. Each round claims due `pending` rows with FOR UPDATE SKIP LOCKED in one short
 * transaction and reserves them (next_attempt_at moves past the lease, attempts counts up), so
 * relays in several server processes never take the same message; the sending happens outside any
 * transaction, and each outcome is written in another short one: sent (with the message id), or
 * pending again after an exponential backoff, or failed after the last attempt. Sent mail older
 * than the retention period is deleted by the same periodic pass (at most hourly); failed mail is
 * kept. Mail of a tenant without a way out (no SMTP of its own, no SMTP_URL) is not claimed: it
 * waits, readable by the tenant's admin, until one is configured.
 */
export class MailRelay extends PolledWorker {
  private readonly o: Required<Omit<MailRelayOptions, 'log'>>;
  private readonly log: Logger;
  protected readonly loop: PollingLoop;
  private lastPruneAt = 0;

  constructor(
    private readonly services: Services,
    options: MailRelayOptions = {},
  ) {
    super();
    this.o = {
      batchSize: options.batchSize ?? 10,
      pollMs: options.pollMs ?? 2_000,
      maxAttempts: options.maxAttempts ?? 8,
      backoffBaseMs: options.backoffBaseMs ?? 30_000,
      backoffMaxMs: options.backoffMaxMs ?? 3_600_000,
      leaseMs: options.leaseMs ?? 15 * 60_000,
      retentionMs: options.retentionMs ?? mailRetentionMs(),
      pruneEveryMs: options.pruneEveryMs ?? 3_600_000,
    };
    this.log = options.log ?? services.log;
    // A full batch means more is due: the next round starts at once.
    const round = async () => {
      await this.pruneWhenDue();
      return (await this.runOnce()).claimed >= this.o.batchSize ? 0 : this.o.pollMs;
    };
    this.loop = new PollingLoop('mail relay round', this.o.pollMs, round, this.log);
  }

  /** Looks for due mail now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  private async pruneWhenDue(): Promise<void> {
    const now = this.services.clock.now().getTime();
    if (now - this.lastPruneAt < this.o.pruneEveryMs) return;
    this.lastPruneAt = now;
    const deleted = await this.prune();
    if (deleted > 0) this.log.info('mail outbox pruned', { deleted });
  }

  /**
   * Deletes sent messages older than the retention period, across tenants (their text may hold
   * personal data and links); pending and failed messages stay. Returns how many were deleted.
   */
  async prune(): Promise<number> {
    const before = new Date(this.services.clock.now().getTime() - this.o.retentionMs);
    return inSystem(this.services.db, async (tx) => {
      const res = await tx.deleteFrom('mail_outbox').where('status', '=', 'sent').where('sent_at', '<', before).executeTakeFirst();
      // Then the files no message names any more. A file is made with its messages (and commits
      // with them), so only one older than the retention can have lost them all to pruning: the
      // younger ones are not even looked at, which keeps this off the outbox for most files.
      await sql`delete from mail_files f where f.created_at < ${before}
        and not exists (select 1 from mail_outbox m where m.tenant_id = f.tenant_id and f.id = any(m.file_ids))`.execute(tx);
      return Number(res.numDeletedRows);
    });
  }

  /** One round: claim, send, record. Returns what happened (tests drive the relay with it). */
  runOnce(): Promise<RelayRound> {
    return trackWorkerRun(this.services, 'mail_relay', () => this.round());
  }

  private async round(): Promise<RelayRound> {
    const claimed = await this.claim();
    const round: RelayRound = { claimed: claimed.length, sent: 0, retried: 0, failed: 0 };
    const byTenant = new Map<string, MailOutboxTable[]>();
    for (const m of claimed) byTenant.set(m.tenant_id, [...(byTenant.get(m.tenant_id) ?? []), m]);
    for (const [tenantId, mails] of byTenant) {
      const [route, files] = await inSystem(this.services.db, (tx) =>
        Promise.all([mailRouteOf(tx, this.services, tenantId), this.filesOf(tx, tenantId, mails)]),
      );
      await this.deliver(route, mails, files, round);
    }
    return round;
  }

  private async claim(): Promise<MailOutboxTable[]> {
    const now = this.services.clock.now();
    const leaseUntil = new Date(now.getTime() + this.o.leaseMs);
    // Without a server default, only tenants with their own SMTP switched on have a way out.
    const routable = this.services.mail?.smtp
      ? sql``
      : sql`and m.tenant_id in (select tenant_id from email_settings where (smtp->>'enabled')::boolean)`;
    return inSystem(this.services.db, async (tx) => {
      const { rows } = await sql<MailOutboxTable>`
        with due as (
          select m.tenant_id, m.id from mail_outbox m
          where m.status = 'pending' and m.next_attempt_at <= ${now} ${routable}
          order by m.next_attempt_at
          limit ${this.o.batchSize}
          for update of m skip locked
        )
        update mail_outbox o set attempts = o.attempts + 1, next_attempt_at = ${leaseUntil}
        from due where o.tenant_id = due.tenant_id and o.id = due.id
        returning o.*`.execute(tx);
      return rows;
    });
  }

  /** The stored files these messages carry, each read once however many of them carry it. */
  private async filesOf(tx: Tx, tenantId: string, mails: MailOutboxTable[]): Promise<Map<string, MailFilesTable>> {
    const ids = [...new Set(mails.flatMap((m) => m.file_ids ?? []))];
    if (ids.length === 0) return new Map();
    const rows = await tx.selectFrom('mail_files').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
    return new Map(rows.map((f) => [f.id, f]));
  }

  private async deliver(route: MailRoute, mails: MailOutboxTable[], files: Map<string, MailFilesTable>, round: RelayRound) {
    if (route.source === 'none') {
      // The tenant's own SMTP was switched off between claim and now: back to waiting, uncounted.
      for (const m of mails)
        await this.record(m, { status: 'pending', attempts: m.attempts - 1, next_attempt_at: this.services.clock.now() });
      return;
    }
    if (route.target === null) {
      for (const m of mails) await this.failure(m, route.problem, round);
      return;
    }
    const transport = transportFor(route.target);
    try {
      for (const m of mails) {
        try {
          const info = await transport.sendMail({
            from: route.from,
            to: m.to_address,
            subject: m.subject,
            text: m.text_body,
            ...(m.html_body !== null ? { html: m.html_body } : {}),
            ...(route.replyTo ? { replyTo: route.replyTo } : {}),
            attachments: attachmentsOf(m, files),
          });
          await this.record(m, {
            status: 'sent',
            sent_at: this.services.clock.now(),
            message_id: info.messageId ?? null,
            last_error: null,
          });
          round.sent++;
        } catch (error) {
          await this.failure(m, describeSmtpError(error), round);
        }
      }
    } finally {
      transport.close();
    }
  }

  private async failure(m: MailOutboxTable, reason: string, round: RelayRound) {
    if (m.attempts >= this.o.maxAttempts) {
      await this.record(m, { status: 'failed', last_error: reason });
      round.failed++;
      this.log.warn('mail failed for good', { tenantId: m.tenant_id, mailId: m.id, attempts: m.attempts, error: reason });
      return;
    }
    const wait = backoffMs(m.attempts, this.o.backoffBaseMs, this.o.backoffMaxMs);
    await this.record(m, { status: 'pending', last_error: reason, next_attempt_at: new Date(this.services.clock.now().getTime() + wait) });
    round.retried++;
  }

  private async record(m: MailOutboxTable, values: Partial<MailOutboxTable>) {
    await inSystem(this.services.db, (tx) =>
      tx.updateTable('mail_outbox').set(values).where('tenant_id', '=', m.tenant_id).where('id', '=', m.id).execute(),
    );
  }
}
