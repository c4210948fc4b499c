import { randomUUID } from 'node:crypto';
import { inSystem, type Tx } from '@crm/db';
import { notificationDigest as digest } from '@crm/domain';
import { sql } from 'kysely';
import { enqueueMail } from '../mail/outbox.ts';
import type { Logger, Services } from '../services.ts';
import { digestMail } from './content.ts';
import { trackWorkerRun } from '../worker-runs.ts';
import { PolledWorker, PollingLoop } from '../polling-loop.ts';

// The digest worker: for each user whose digest time has come (their latest send, in their zone,
// at or after they last changed the settings), one mail listing the notifications waiting in
// `digest`, which become `digested` with that mail's id, and a record in notification_digests.
// The record's unique key (tenant, user, period) and the row locks make it once per user and
// period whatever the number of workers: a second worker either waits for the first's rows and
// finds them digested, or finds the period taken.

export interface DigestWorkerOptions {
  pollMs?: number;
  log?: Logger;
}

export interface DigestRound {
  /** Users whose digest was due with something waiting. */
  claimed: number;
  sent: number;
  items: number;
}

type Due = Omit<digest.NotificationDigestSettingsTable, 'version'>;

export class DigestWorker extends PolledWorker {
  protected readonly loop: PollingLoop;

  constructor(
    private readonly services: Services,
    options: DigestWorkerOptions = {},
  ) {
    super();
    this.loop = new PollingLoop('digest worker', options.pollMs ?? 60_000, () => this.runOnce(), options.log ?? services.log);
  }

  runOnce(): Promise<DigestRound> {
    return trackWorkerRun(this.services, 'notification-digest', () => this.round(this.services.clock.now()));
  }

  private async round(now: Date): Promise<DigestRound> {
    const { rows } = await inSystem(this.services.db, (tx) =>
      sql<Due>`
        select d.tenant_id, d.user_id, d.frequency, d.local_time, d.timezone, d.weekday, d.updated_at
        from notification_digest_settings d
        where d.frequency <> 'off' and exists (
          select 1 from notifications n
          where n.tenant_id = d.tenant_id and n.user_id = d.user_id and n.email_state = 'digest')`.execute(tx),
    );
    const round: DigestRound = { claimed: 0, sent: 0, items: 0 };
    for (const row of rows) {
      const slot = digest.latestSlot(digest.digestSettingsOf(row), now);
      // The first digest after a change of settings is the first send after it.
      if (!slot || slot.at < new Date(row.updated_at)) continue;
      round.claimed++;
      const items = await inSystem(this.services.db, (tx) => this.send(tx, row, slot.period, now));
      if (items > 0) {
        round.sent++;
        round.items += items;
      }
    }
    return round;
  }

  /** One user's digest for one period, in one transaction; answers how many notifications it carried. */
  private async send(tx: Tx, due: Due, period: string, now: Date): Promise<number> {
    const items = await tx
      .selectFrom('notifications')
      .select(['id', 'title', 'body', 'link'])
      .where('tenant_id', '=', due.tenant_id)
      .where('user_id', '=', due.user_id)
      .where('email_state', '=', 'digest')
      .orderBy('created_at')
      .orderBy('id')
      .forUpdate()
      .execute();
    if (items.length === 0) return 0;
    const ids = items.map((i) => i.id);
    const user = await tx
      .selectFrom('users')
      .select(['email', 'status'])
      .where('tenant_id', '=', due.tenant_id)
      .where('id', '=', due.user_id)
      .executeTakeFirst();
    if (user?.status !== 'active') {
      await mark(tx, due.tenant_id, ids, 'skipped', null, now);
      return 0;
    }
    const digestId = randomUUID();
    const taken = await tx
      .insertInto('notification_digests')
      .values({
        tenant_id: due.tenant_id,
        id: digestId,
        user_id: due.user_id,
        period,
        frequency: due.frequency,
        item_count: items.length,
        mail_id: null,
        sent_at: now,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'period']).doNothing())
      .returning('id')
      .executeTakeFirst();
    // This period's digest went out already: what arrived since waits for the next.
    if (!taken) return 0;
    const mailId = await enqueueMail(tx, due.tenant_id, { kind: 'notification', to: user.email, ...digestMail(due.frequency, items) }, now);
    await tx.updateTable('notification_digests').set({ mail_id: mailId }).where('id', '=', digestId).execute();
    await mark(tx, due.tenant_id, ids, 'digested', mailId, now);
    return items.length;
  }
}

async function mark(tx: Tx, tenantId: string, ids: string[], state: string, mailId: string | null, now: Date) {
  await tx
    .updateTable('notifications')
    .set({ email_state: state, email_updated_at: now, ...(mailId ? { mail_id: mailId } : {}) })
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
}
