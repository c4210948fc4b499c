import { z } from 'zod';
import { defineEvents, type EventData, type NewEventOf, type StoredEventOf } from '../../shared/events.ts';

// Every change to a deal is an event on its own stream, `deal/<deal id>`. Its contacts and
// activities are on the same stream: they belong to the deal and are ordered with its moves.

/**
 * Every deal event type and its schema (the store parses each appended event against it), the
 * `DealEvent.DealMoved` constants, `dealEvent('DealMoved', data)` (takes only a DealMoved's data)
 * and `isDealEvent(e, 'DealMoved')` (narrows a stored event, so `e.data.to_stage_id` is typed).
 */
const deals = defineEvents({
  DealCreated: z.object({
    deal_id: z.string().uuid(),
    name: z.string(),
    domain: z.string().nullable(),
    value_usd: z.string(),
    stage_id: z.string().uuid(),
    owner_user_id: z.number().int().nullable(),
  }),
  /** Only the fields that changed, each with its value before and after. */
  DealUpdated: z.object({
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  }),
  DealMoved: z.object({
    from_stage_id: z.string().uuid(),
    to_stage_id: z.string().uuid(),
    /** 'user': someone moved it; 'stage_deleted': its stage was removed and it went to the first remaining one. */
    reason: z.enum(['user', 'stage_deleted']),
    /** The stages' names when it moved: a fact of that moment, shown in the activity timeline. */
    from_stage_name: z.string(),
    to_stage_name: z.string(),
  }),
  DealDeleted: z.object({}),
  DealContactAttached: z.object({
    contact_id: z.string().uuid(),
    person_id: z.string().uuid(),
    role: z.string(),
  }),
  DealContactUpdated: z.object({ contact_id: z.string().uuid(), role: z.string() }),
  DealContactDetached: z.object({ contact_id: z.string().uuid() }),
  ActivityLogged: z.object({
    activity_id: z.string().uuid(),
    type: z.string(),
    body: z.string(),
    scheduled_for: z.string().nullable(),
  }),
  /**
   * A person merge (or its undo) re-parented this deal's contact links from one person to another:
   * `moved` now name `to_person_id`; `removed` were dropped because `to_person_id` was already on
   * the deal (no duplicate link); `restored` are links an undo brings back with their id and role.
   */
  DealContactsReparented: z.object({
    merge_id: z.string().uuid(),
    undo: z.boolean(),
    from_person_id: z.string().uuid(),
    to_person_id: z.string().uuid(),
    moved: z.array(z.string().uuid()),
    removed: z.array(z.object({ contact_id: z.string().uuid(), role: z.string() })),
    restored: z.array(z.object({ contact_id: z.string().uuid(), role: z.string(), created_at: z.string() })),
  }),
});
export const { schemas: dealEventSchemas, types: DealEvent, event: dealEvent, is: isDealEvent } = deals;

/** A deal event as decide returns it: `{ type: 'DealMoved'; data: DealMoved } | ...`. */
export type DealEvent = NewEventOf<typeof dealEventSchemas>;
/** A deal event as read back, narrowed by `type`. */
export type StoredDealEvent = StoredEventOf<typeof dealEventSchemas>;
export type DealUpdated = EventData<typeof dealEventSchemas, 'DealUpdated'>;
export type DealMoved = EventData<typeof dealEventSchemas, 'DealMoved'>;
export type DealContactsReparented = EventData<typeof dealEventSchemas, 'DealContactsReparented'>;

export const dealStream = (dealId: string) => ({ type: 'deal', id: dealId });
