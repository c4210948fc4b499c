import { inSystem, inTenant } from '@crm/db';
import { identity, reports } from '@crm/domain';
import { sql } from 'kysely';
import { enqueueMail, storeMailFile } from '../mail/outbox.ts';
import { planOf } from '../plan.ts';
import type { Logger, Services } from '../services.ts';
import { trackWorkerRun } from '../worker-runs.ts';
import { composeReportMail } from './compose.ts';
import { firstRunIn } from './cron.ts';
import { PolledWorker, PollingLoop } from '../polling-loop.ts';

// The scheduled_report_worker (document 000): "polls every 5 minutes and fires reports whose cron
// matches the current time bucket". Buckets are 5-minute windows of UTC time. A schedule fires in
// a bucket when its cron has a time in it that has come (buckets before the one the schedule was
// made in do not count), at most once: the run's key (tenant, schedule, bucket) is the primary key of report_runs, taken
// in the transaction that queues the mail, so of two processes racing for one bucket the second
// waits for the first's commit and finds the key taken. Each round also looks at the bucket before
// the current one, so a time late in a bucket that the previous poll came too early for is still
// fired, once.

export const BUCKET_MS = 5 * 60_000;
export const bucketOf = (d: Date) => new Date(Math.floor(d.getTime() / BUCKET_MS) * BUCKET_MS);

export interface SchedulerRound {
  /** Runs this round queued mail for. */
  fired: number;
  /** Runs recorded without mail (the tenant's plan no longer includes reports). */
  skipped: number;
  /** Runs another process took first. */
  taken: number;
}

export interface ReportSchedulerOptions {
  pollMs?: number;
  log?: Logger;
}

const earlier = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);

export class ReportScheduler extends PolledWorker {
  protected readonly loop: PollingLoop;
  private readonly log: Logger;

  constructor(
    private readonly services: Services,
    options: ReportSchedulerOptions = {},
  ) {
    super();
    this.log = options.log ?? services.log;
    this.loop = new PollingLoop('report scheduler', options.pollMs ?? BUCKET_MS, () => this.runOnce(), this.log);
  }

  /** One poll: fire every schedule due in the current or the previous bucket and not fired there yet. */
  runOnce(): Promise<SchedulerRound> {
    return trackWorkerRun(this.services, 'report_scheduler', () => this.round());
  }

  private async round(): Promise<SchedulerRound> {
    const now = this.services.clock.now();
    const buckets = [new Date(bucketOf(now).getTime() - BUCKET_MS), bucketOf(now)];
    const { schedules, fired } = await inSystem(this.services.db, async (tx) => ({
      // A suspended tenant's schedules do not fire: nothing is mailed on its behalf while it is suspended.
      schedules: await tx
        .selectFrom('report_schedules')
        .selectAll()
        .where('tenant_id', 'in', (q) => q.selectFrom('tenants').select('id').where('status', '=', 'active'))
        .execute(),
      fired: await sql<{ key: string }>`select schedule_id || '@' || extract(epoch from bucket)::bigint as key
        from report_runs where bucket >= ${buckets[0]}`.execute(tx),
    }));
    const done = new Set(fired.rows.map((r) => r.key));
    const round: SchedulerRound = { fired: 0, skipped: 0, taken: 0 };
    for (const s of schedules) {
      for (const bucket of buckets) {
        if (done.has(`${s.id}@${bucket.getTime() / 1000}`)) continue;
        const end = earlier(new Date(bucket.getTime() + BUCKET_MS - 1), now);
        if (bucket.getTime() < bucketOf(s.created_at).getTime()) continue;
        const at = firstRunIn(s.cron, bucket, end);
        if (!at) continue;
        try {
          round[await this.fire(s, bucket, at)]++;
        } catch (error) {
          // One schedule that cannot be built leaves the others to fire; its bucket is tried again next poll.
          this.log.error('scheduled report failed', { tenantId: s.tenant_id, scheduleId: s.id, error: (error as Error).message });
        }
      }
    }
    return round;
  }

  /** Takes the run key and queues the report's mail, in one transaction; or finds the key taken. */
  private async fire(s: reports.ReportSchedulesTable, bucket: Date, at: Date): Promise<keyof SchedulerRound> {
    const now = this.services.clock.now();
    // The plan is read before the transaction (it has its own, and PGlite has one connection).
    const allowed = identity.planAtLeast(await planOf(this.services, s.tenant_id), 'pro');
    return inTenant(this.services.db, s.tenant_id, async (tx) => {
      // The schedule as it is now, locked against a change or cancel while its report is built.
      const current = await reports.lockedSchedule(tx, s.tenant_id, s.id, 'share');
      if (!current) return 'taken';
      const taken = await tx
        .insertInto('report_runs')
        .values({
          tenant_id: s.tenant_id,
          schedule_id: s.id,
          bucket,
          scheduled_for: at,
          status: allowed ? 'queued' : 'skipped',
          reason: allowed ? null : 'plan_upgrade_required',
          mail_ids: JSON.stringify([]) as unknown as string[],
          fired_at: now,
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'schedule_id', 'bucket']).doNothing())
        .returning('bucket')
        .executeTakeFirst();
      if (!taken) return 'taken';
      if (!allowed) return 'skipped';
      const mail = await composeReportMail(tx, s.tenant_id, current, now);
      // One message per recipient (no one sees the others' addresses), one stored file for them all.
      const fileIds = [await storeMailFile(tx, s.tenant_id, mail.file, now)];
      const ids: string[] = [];
      for (const to of current.recipients) {
        ids.push(await enqueueMail(tx, s.tenant_id, { kind: 'report', to, subject: mail.subject, text: mail.text, fileIds }, now));
      }
      await tx
        .updateTable('report_runs')
        .set({ mail_ids: JSON.stringify(ids) as unknown as string[] })
        .where('tenant_id', '=', s.tenant_id)
        .where('schedule_id', '=', s.id)
        .where('bucket', '=', bucket)
        .execute();
      return 'fired';
    });
  }
}
