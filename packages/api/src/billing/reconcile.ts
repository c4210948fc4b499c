import { randomUUID } from 'node:crypto';
import { inSystem } from '@crm/db';
import { billing } from '@crm/domain';
import type Stripe from 'stripe';
import type { Context } from '../context.ts';
import { PolledWorker, PollingLoop } from '../polling-loop.ts';
import type { Logger, Services } from '../services.ts';
import { runCommand } from '../unit-of-work.ts';
import { trackWorkerRun } from '../worker-runs.ts';
import type { BillingConfig } from './config.ts';
import { billingConfig, callStripe, snapshotOf, stripeOf } from './stripe.ts';

// Webhooks are how billing hears of Stripe, and a webhook can be lost: an endpoint down longer than
// Stripe retries (3 days), a secret rotated badly, an event type not subscribed. Then a tenant stays
// on a plan it no longer pays for, or never gets the one it paid for. The reconciliation reads each
// customer's subscriptions from Stripe now and then and records what differs, through the same
// command as the webhook. Its reading counts as of the moment before Stripe was asked: an event
// Stripe creates after that still wins, and an older one delivered late is ignored (syncSubscription).

export interface BillingReconcilerOptions {
  /** How often every customer is read again; default every 6 hours. The first round waits one period after start. */
  everyMs?: number;
  /** Accounts read from the database at a time. */
  batchSize?: number;
  log?: Logger;
}

export interface ReconcileRound {
  /** Customers read from Stripe. */
  checked: number;
  /** Tenants whose billing changed to match Stripe. */
  corrected: number;
  /** Customers Stripe could not be asked about this round (logged; tried again next round). */
  failed: number;
}

/**
 * Which of the customer's subscriptions is its billing: the newest live one for a price we sell,
 * else the one on record (so its end is seen), else none.
 */
export function subscriptionToRecord(
  config: BillingConfig,
  subs: readonly Stripe.Subscription[],
  recordedId: string | null,
): billing.SubscriptionSnapshot | undefined {
  const ours = subs.flatMap((s) => {
    const snap = snapshotOf(config, s);
    return snap ? [{ snap, created: s.created }] : [];
  });
  const live = ours.filter((o) => billing.isLive(o.snap.status)).sort((a, b) => b.created - a.created)[0];
  return live?.snap ?? ours.find((o) => o.snap.subscription_id === recordedId)?.snap;
}

export class BillingReconciler extends PolledWorker {
  protected readonly loop: PollingLoop;
  private readonly batchSize: number;
  private started = false;

  constructor(
    private readonly services: Services,
    { everyMs = 6 * 3_600_000, batchSize = 100, log = services.log }: BillingReconcilerOptions = {},
  ) {
    super();
    this.batchSize = batchSize;
    // A restart (or a fleet of them) must not read every customer from Stripe at once: the first round waits.
    const step = async () => {
      if (this.started) return this.runOnce();
      this.started = true;
      return everyMs;
    };
    this.loop = new PollingLoop('billing reconciliation', everyMs, step, log);
  }

  /** One round over every tenant with a Stripe customer. */
  runOnce(): Promise<ReconcileRound> {
    return trackWorkerRun(this.services, 'billing_reconciliation', async () => {
      const config = billingConfig(this.services);
      const round: ReconcileRound = { checked: 0, corrected: 0, failed: 0 };
      let after: string | null = null;
      for (;;) {
        const from = after;
        const accounts = await inSystem(this.services.db, (tx) => {
          let q = tx
            .selectFrom('billing_accounts')
            .select(['tenant_id', 'customer_id', 'subscription_id'])
            .where('customer_id', 'is not', null)
            .orderBy('tenant_id')
            .limit(this.batchSize);
          if (from !== null) q = q.where('tenant_id', '>', from);
          return q.execute();
        });
        for (const a of accounts) await this.reconcile(config, a.tenant_id, a.customer_id!, a.subscription_id, round);
        if (accounts.length < this.batchSize) return round;
        after = accounts.at(-1)!.tenant_id;
      }
    });
  }

  private async reconcile(config: BillingConfig, tenantId: string, customer: string, recorded: string | null, round: ReconcileRound) {
    const readAt = this.services.clock.now().toISOString();
    let subs: Stripe.Subscription[];
    try {
      const stripe = await stripeOf(config);
      subs = await callStripe('list the subscriptions', async () => {
        // A customer has one subscription of ours, a few over the years: a page of 100 sees them all.
        const page = await stripe.subscriptions.list({ customer, status: 'all', limit: 100 });
        return page.data;
      });
    } catch (error) {
      round.failed++;
      this.services.log.warn('billing reconciliation could not read a customer', { tenantId, error: (error as Error).message });
      return;
    }
    round.checked++;
    const snap = subscriptionToRecord(config, subs, recorded);
    if (!snap) return;
    const ctx: Context & { tenantId: string } = {
      services: this.services,
      requestId: randomUUID(),
      source: 'system',
      principal: null,
      clientIp: null,
      authError: null,
      tenantId,
    };
    const { changed } = await runCommand(ctx, (cmd) => billing.recordSubscription(cmd, snap, { eventId: null, eventAt: readAt }));
    if (changed) {
      round.corrected++;
      this.services.log.info('billing corrected from Stripe', { tenantId, subscriptionId: snap.subscription_id, status: snap.status });
    }
  }
}
