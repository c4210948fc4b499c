import { EventEmitter } from 'node:events';
import { notifications, notificationTemplates } from '@crm/domain';
import { AsyncProjectionRunner } from '@crm/eventstore';
import type { Services } from '../services.ts';
import { trackWorkerRun } from '../worker-runs.ts';

// The notification engine's worker: the engine (an async projection) run from its checkpoint,
// several processes sharing it through the checkpoint's row lock. After a batch commits it wakes
// this process's WebSocket feeds; feeds in other processes find the rows by polling.

const written = new WeakMap<Services, EventEmitter>();

function hub(services: Services): EventEmitter {
  let e = written.get(services);
  if (!e) {
    written.set(services, (e = new EventEmitter()));
    e.setMaxListeners(0);
  }
  return e;
}

/** Calls `listener` after each batch of notification rows this process commits; returns the unsubscribe. */
export function onNotificationsWritten(services: Services, listener: () => void): () => void {
  const e = hub(services);
  e.on('written', listener);
  return () => e.off('written', listener);
}

export interface NotificationRunnerOptions {
  sources?: readonly notifications.NotificationSource[];
  batchSize?: number;
  pollMs?: number;
}

export class NotificationRunner extends AsyncProjectionRunner {
  constructor(
    private readonly services: Services,
    options: NotificationRunnerOptions = {},
  ) {
    const engine = notifications.notificationEngine({
      sources: options.sources ?? notifications.notificationSources,
      renderInApp: notificationTemplates.renderInApp,
      now: () => services.clock.now(),
    });
    super(services.db, services.store, engine, { batchSize: options.batchSize ?? 200, pollMs: options.pollMs ?? 1000 });
  }

  override async runOnce(): Promise<number> {
    const n = await trackWorkerRun(this.services, 'notifications', () => super.runOnce());
    if (n > 0) hub(this.services).emit('written');
    return n;
  }
}
