import { DigestWorker, MailRelay, NotificationEmailWorker, NotificationRunner, type Services } from '@crm/api';
import { BillingReconciler, ReportScheduler, RollupRefresher } from '@crm/api';

/** A background loop of the server process: started with it, stopped (and awaited) before the database closes. */
export interface Worker {
  start(): void;
  stop(): Promise<void>;
}

/**
 * Every background worker of one server process. Each is safe to run in several processes at once
 * (they share the work through row locks or checkpoints), so nothing assumes it is the only one.
 * Add a module's worker here.
 */
export function buildWorkers(services: Services): Worker[] {
  return [
    // The mail outbox relay.
    new MailRelay(services),
    // The notification engine: inbox rows from the event log (and their email legs).
    new NotificationRunner(services),
    // The notifications' email leg (rendered with the tenant's templates, into the mail outbox) and the digests.
    new NotificationEmailWorker(services),
    new DigestWorker(services),
    // Document 000's reports: the industry benchmarks kept pre-computed, and the scheduled reports mailed.
    new RollupRefresher(services),
    new ReportScheduler(services),
    // Billing: Stripe's subscriptions read again now and then, in case a webhook was lost.
    ...(services.billing ? [new BillingReconciler(services)] : []),
  ];
}

export function startWorkers(services: Services): { stop(): Promise<void> } {
  const workers = buildWorkers(services);
  for (const w of workers) w.start();
  return { stop: async () => void (await Promise.all(workers.map((w) => w.stop()))) };
}
