import { z } from 'zod';

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

export const StageEvent = {
  StageAdded: 'StageAdded',
  StageUpdated: 'StageUpdated',
  StagesReordered: 'StagesReordered',
  StageRemoved: 'StageRemoved',
} as const;

export type StageEventType = (typeof StageEvent)[keyof typeof StageEvent];

export const pipelineStream = (tenantId: string) => ({ type: 'pipeline', id: tenantId });
