import { z } from 'zod';
import { defineEvents, type EventData, type NewEventOf, type StoredEventOf } from '../../shared/events.ts';

// All stages of a tenant live on one stream, `pipeline/<tenant id>`: a reorder touches every
// stage at once, and stage edits are rare enough that serialising them costs nothing.

/** Every pipeline event type and its schema: the store parses each appended event against it. */
const stages = defineEvents({
  StageAdded: z.object({
    stage_id: z.string().uuid(),
    name: z.string(),
    color: z.string(),
    is_won: z.boolean(),
    is_lost: z.boolean(),
  }),
  StageUpdated: z.object({
    stage_id: z.string().uuid(),
    changes: z.object({
      name: z.string().optional(),
      color: z.string().optional(),
      is_won: z.boolean().optional(),
      is_lost: z.boolean().optional(),
    }),
  }),
  /** The full order of the remaining stages, first to last. */
  StagesReordered: z.object({ stage_ids: z.array(z.string().uuid()) }),
  StageRemoved: z.object({
    stage_id: z.string().uuid(),
    /** Where its deals went; each move is also an event on the deal's own stream. */
    deals_moved_to: z.string().uuid().nullable(),
  }),
});
/** `stageEvent('StageAdded', data)` takes only a StageAdded's data; `isStageEvent(e, 'StageRemoved')` narrows a stored event. */
export const { schemas: stageEventSchemas, types: StageEvent, event: stageEvent, is: isStageEvent } = stages;

/** A pipeline event as decide returns it: `{ type: 'StageAdded'; data: StageAdded } | ...`. */
export type StageEvent = NewEventOf<typeof stageEventSchemas>;
/** A pipeline event as read back, narrowed by `type`. */
export type StoredStageEvent = StoredEventOf<typeof stageEventSchemas>;
export type StageUpdated = EventData<typeof stageEventSchemas, 'StageUpdated'>;

export const pipelineStream = (tenantId: string) => ({ type: 'pipeline', id: tenantId });
