import { EventEmitter } from 'node:events';
import { notifications } from '@crm/domain';
import { AsyncProjectionRunner } from '@crm/eventstore';
import type { Services } from '../services.ts';
import { trackWorkerRun } from '../worker-runs.ts';

// The notification engine's worker: the engine (an async projection) run from its checkpoint,
// several processes sharing it through the checkpoint's row lock. After a batch that wrote rows
// commits it wakes this process's notification feed (feed.ts); most batches tell nobody, and a
// feed woken for nothing would query for nothing. Feeds in other processes find the rows by polling.

const written = new WeakMap<Services, EventEmitter>();

function hub(services: Services): EventEmitter {
  let e = written.get(services);
  if (!e) {
    written.set(services, (e = new EventEmitter()));
    e.setMaxListeners(0);
  }
  return e;
}

/** The hub's event for "a batch with rows for someone committed". */
const WROTE = 'wrote';

/** Calls `listener` after each batch this process commits with rows for anyone; returns the unsubscribe. */
export function onAnyNotificationsWritten(services: Services, listener: () => void): () => void {
  const e = hub(services);
  e.on(WROTE, listener);
  return () => e.off(WROTE, listener);
}

export interface NotificationRunnerOptions {
  sources?: readonly notifications.NotificationSource[];
  batchSize?: number;
  pollMs?: number;
}

export class NotificationRunner extends AsyncProjectionRunner {
  /** Whether the batch in flight wrote a row; told once it has committed. */
  private readonly batch: { wrote: boolean };

  constructor(
    private readonly services: Services,
    options: NotificationRunnerOptions = {},
  ) {
    const batch = { wrote: false };
    const engine = notifications.notificationEngine({
      sources: options.sources ?? notifications.notificationSources,
      // The tenants' templates, every override a batch uses read in one query.
      inAppTemplates: notifications.tenantInAppTemplates,
      now: () => services.clock.now(),
      onRow: () => {
        batch.wrote = true;
      },
    });
    super(services.db, services.store, engine, { batchSize: options.batchSize ?? 200, pollMs: options.pollMs ?? 1000 });
    this.batch = batch;
  }

  override async runOnce(): Promise<number> {
    this.batch.wrote = false;
    const n = await trackWorkerRun(this.services, 'notifications', () => super.runOnce());
    if (this.batch.wrote) hub(this.services).emit(WROTE);
    this.batch.wrote = false;
    return n;
  }
}
