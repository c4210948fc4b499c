import { EventEmitter } from 'node:events';
import { notifications, notificationTemplates } from '@crm/domain';
import { AsyncProjectionRunner } from '@crm/eventstore';
import type { Services } from '../services.ts';
import { trackWorkerRun } from '../worker-runs.ts';

// The notification engine's worker: the engine (an async projection) run from its checkpoint,
// several processes sharing it through the checkpoint's row lock. After a batch commits it wakes
// this process's WebSocket feeds of the users it wrote rows for (most events tell nobody, and a
// feed woken for nothing would query for nothing); feeds in other processes find rows by polling.

const written = new WeakMap<Services, EventEmitter>();

function hub(services: Services): EventEmitter {
  let e = written.get(services);
  if (!e) {
    written.set(services, (e = new EventEmitter()));
    e.setMaxListeners(0);
  }
  return e;
}

const recipient = (tenantId: string, userId: number) => `${tenantId}:${userId}`;

/** Calls `listener` after each batch this process commits with rows for this user; returns the unsubscribe. */
export function onNotificationsWritten(services: Services, tenantId: string, userId: number, listener: () => void): () => void {
  const e = hub(services);
  const key = recipient(tenantId, userId);
  e.on(key, listener);
  return () => e.off(key, listener);
}

export interface NotificationRunnerOptions {
  sources?: readonly notifications.NotificationSource[];
  batchSize?: number;
  pollMs?: number;
}

export class NotificationRunner extends AsyncProjectionRunner {
  /** The recipients of the batch in flight; told once it has committed. */
  private readonly told: Set<string>;

  constructor(
    private readonly services: Services,
    options: NotificationRunnerOptions = {},
  ) {
    const told = new Set<string>();
    const engine = notifications.notificationEngine({
      sources: options.sources ?? notifications.notificationSources,
      renderInApp: notificationTemplates.renderInApp,
      now: () => services.clock.now(),
      onRow: (tenantId, userId) => told.add(recipient(tenantId, userId)),
    });
    super(services.db, services.store, engine, { batchSize: options.batchSize ?? 200, pollMs: options.pollMs ?? 1000 });
    this.told = told;
  }

  override async runOnce(): Promise<number> {
    this.told.clear();
    const n = await trackWorkerRun(this.services, 'notifications', () => super.runOnce());
    const e = hub(this.services);
    for (const key of this.told) e.emit(key);
    this.told.clear();
    return n;
  }
}
