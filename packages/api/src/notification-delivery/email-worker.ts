import { inSystem, type Tx } from '@crm/db';
import { notifications, notificationTemplates as templates } from '@crm/domain';
import { sql } from 'kysely';
import { enqueueMail } from '../mail/outbox.ts';
import type { Logger, Services } from '../services.ts';
import { withLink } from './content.ts';
import { trackWorkerRun } from '../worker-runs.ts';
import { PolledWorker, PollingLoop } from '../polling-loop.ts';

// The email leg of notifications (migration 0020's email_state): rows the engine wrote as
// `pending`, `held` ones whose Do Not Disturb window has ended, and `digest` ones whose user has
// since switched digests off are claimed with FOR UPDATE SKIP LOCKED in one short transaction,
// which also decides each and writes the outcome: `digest` (the user takes digests), `skipped`
// (the user is no longer active), or rendered with the tenant's template and put in the mail
// outbox, `queued` with its mail_id. The mail and the state commit together, and a row another
// worker holds is skipped, so two processes never send one notification twice.

export interface NotificationEmailWorkerOptions {
  batchSize?: number;
  pollMs?: number;
  log?: Logger;
}

export interface EmailRound {
  claimed: number;
  queued: number;
  digest: number;
  skipped: number;
}

interface Claimed {
  tenant_id: string;
  id: string;
  event_key: string;
  title: string;
  body: string;
  link: string | null;
  variables: Record<string, string>;
  email_state: string;
  email: string | null;
  user_status: string | null;
  digest: string;
}

export class NotificationEmailWorker extends PolledWorker {
  private readonly batch: number;
  protected readonly loop: PollingLoop;

  constructor(
    private readonly services: Services,
    options: NotificationEmailWorkerOptions = {},
  ) {
    super();
    this.batch = options.batchSize ?? 20;
    // Each step drains what is due, a batch per transaction, then waits for the next poll.
    const drain = async () => {
      while ((await this.runOnce()).claimed >= this.batch);
    };
    this.loop = new PollingLoop('notification email worker', options.pollMs ?? 2_000, drain, options.log ?? services.log);
  }

  /** One round: claim due email legs, decide each, queue the mail; all in one short transaction. */
  async runOnce(): Promise<EmailRound> {
    const now = this.services.clock.now();
    return trackWorkerRun(this.services, 'notification-email', () => this.round(now));
  }

  private round(now: Date): Promise<EmailRound> {
    return inSystem(this.services.db, async (tx) => {
      const { rows } = await sql<Claimed>`
        select n.tenant_id, n.id, n.event_key, n.title, n.body, n.link, n.variables, n.email_state,
          u.email, u.status as user_status, coalesce(d.frequency, 'off') as digest
        from notifications n
        left join users u on u.tenant_id = n.tenant_id and u.id = n.user_id
        left join notification_digest_settings d on d.tenant_id = n.tenant_id and d.user_id = n.user_id
        where (n.email_state = 'pending'
          or (n.email_state = 'held' and n.held_until <= ${now})
          or (n.email_state = 'digest' and coalesce(d.frequency, 'off') = 'off'))
        order by n.created_at, n.id
        limit ${this.batch}
        for update of n skip locked`.execute(tx);
      const round: EmailRound = { claimed: rows.length, queued: 0, digest: 0, skipped: 0 };
      for (const row of rows) {
        if (row.user_status !== 'active' || !row.email) {
          await setState(tx, row, 'skipped', null, now);
          round.skipped++;
        } else if (row.digest !== 'off') {
          await setState(tx, row, 'digest', null, now);
          round.digest++;
        } else {
          const mail = await this.render(tx, row);
          const mailId = await enqueueMail(tx, row.tenant_id, { kind: 'notification', to: row.email, ...mail }, now);
          await setState(tx, row, 'queued', mailId, now);
          round.queued++;
        }
      }
      return round;
    });
  }

  /** The tenant's email template (or the system's) with the row's variables, and its link. */
  private async render(tx: Tx, row: Claimed): Promise<templates.RenderedEmail> {
    const source = notifications.notificationSources.find((s) => s.key === row.event_key);
    // A source no longer declared: the in-app text the row was written with.
    const mail = source
      ? await templates.renderEmail(tx, row.tenant_id, source, row.variables ?? {})
      : { subject: row.title, text: row.body, html: templates.textAsHtml(templates.escapeHtml(row.body)) };
    return withLink(mail, row.link);
  }
}

async function setState(tx: Tx, row: Pick<Claimed, 'tenant_id' | 'id'>, state: string, mailId: string | null, now: Date) {
  await tx
    .updateTable('notifications')
    .set({ email_state: state, held_until: null, email_updated_at: now, ...(mailId ? { mail_id: mailId } : {}) })
    .where('tenant_id', '=', row.tenant_id)
    .where('id', '=', row.id)
    .execute();
}
