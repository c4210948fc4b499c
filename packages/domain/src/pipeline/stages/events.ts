import { z } from 'zod';
import { eventBuilder, eventGuard, type NewEventOf, type StoredEventOf } from '../../shared/events.ts';

// All stages of a tenant live on one stream, `pipeline/<tenant id>`: a reorder touches every
// stage at once, and stage edits are rare enough that serialising them costs nothing.

export const StageAdded = z.object({
  stage_id: z.string().uuid(),
  name: z.string(),
  color: z.string(),
  is_won: z.boolean(),
  is_lost: z.boolean(),
});
export const StageUpdated = z.object({
  stage_id: z.string().uuid(),
  changes: z.object({
    name: z.string().optional(),
    color: z.string().optional(),
    is_won: z.boolean().optional(),
    is_lost: z.boolean().optional(),
  }),
});
/** The full order of the remaining stages, first to last. */
export const StagesReordered = z.object({ stage_ids: z.array(z.string().uuid()) });
export const StageRemoved = z.object({
  stage_id: z.string().uuid(),
  /** Where its deals went; each move is also an event on the deal's own stream. */
  deals_moved_to: z.string().uuid().nullable(),
});

export type StageAdded = z.infer<typeof StageAdded>;
export type StageUpdated = z.infer<typeof StageUpdated>;
export type StagesReordered = z.infer<typeof StagesReordered>;
export type StageRemoved = z.infer<typeof StageRemoved>;

/** Every pipeline event type and its schema: the store parses each appended event against it. */
export const stageEventSchemas = { StageAdded, StageUpdated, StagesReordered, StageRemoved } as const;
export type StageEventType = keyof typeof stageEventSchemas;

export const StageEvent = {
  StageAdded: 'StageAdded',
  StageUpdated: 'StageUpdated',
  StagesReordered: 'StagesReordered',
  StageRemoved: 'StageRemoved',
} as const satisfies { [K in StageEventType]: K };

/** A pipeline event as decide returns it: `{ type: 'StageAdded'; data: StageAdded } | ...`. */
export type StageEvent = NewEventOf<typeof stageEventSchemas>;
/** A pipeline event as read back, narrowed by `type`. */
export type StoredStageEvent = StoredEventOf<typeof stageEventSchemas>;
/** `stageEvent('StageAdded', data)`: takes only a StageAdded's data. */
export const stageEvent = eventBuilder(stageEventSchemas);
/** `isStageEvent(e, 'StageRemoved')` narrows a stored event. */
export const isStageEvent = eventGuard(stageEventSchemas);

export const pipelineStream = (tenantId: string) => ({ type: 'pipeline', id: tenantId });
