import { actorOf, rowStamp, typedRowProjection } from '../shared/events.ts';
import { SetupEvent, setupEventSchemas } from './events.ts';
import './tables.ts';

/** One row per tenant that ever changed its setup: the tasks changed, and the completion. */
export const setupHubProjection = typedRowProjection(setupEventSchemas, {
  name: 'setup.hub',
  table: 'setup_hub',
  key: 'tenant_id',
  columns: ['tenant_id', 'tasks', 'completed_at', 'completed_by', 'version', 'created_at', 'updated_at'],
  handles: Object.values(SetupEvent),
  keysOf: (e) => [e.tenantId],
  evolve(current, e) {
    const row = current ?? {
      tenant_id: e.tenantId,
      created_at: e.occurredAt,
      ...rowStamp(e),
      tasks: {},
      completed_at: null,
      completed_by: null,
    };
    const next = { ...row, ...rowStamp(e) };
    switch (e.type) {
      case SetupEvent.SetupTaskStatusChanged: {
        const task = { status: e.data.to, source: e.data.source, updated_at: new Date(e.occurredAt).toISOString(), updated_by: actorOf(e) };
        return { ...next, tasks: { ...row.tasks, [e.data.task_code]: task } };
      }
      case SetupEvent.SetupCompleted:
        return { ...next, completed_at: e.occurredAt, completed_by: actorOf(e) };
      default:
        return next;
    }
  },
});
