import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';
import { TASK_STATUSES } from './tasks.ts';

// A tenant's setup hub (document 001): one stream per tenant, `setup_hub/<tenant id>`.

const status = z.enum(TASK_STATUSES);

export const {
  schemas: setupEventSchemas,
  types: SetupEvent,
  event: setupEvent,
} = defineEvents({
  /** A task changed status: by hand (PATCH) or found done by the auto-check. */
  SetupTaskStatusChanged: z.object({
    task_code: z.string(),
    from: status,
    to: status,
    source: z.enum(['manual', 'auto_check']),
  }),
  /** The setup as a whole was marked complete; `open_tasks` lists the optional tasks still open then. */
  SetupCompleted: z.object({ open_tasks: z.array(z.string()) }),
});

export type SetupEvent = NewEventOf<typeof setupEventSchemas>;
export type StoredSetupEvent = StoredEventOf<typeof setupEventSchemas>;

export const setupStream = (tenantId: string) => ({ type: 'setup_hub', id: tenantId });
