import { z } from 'zod';
import { eventBuilder, eventGuard, type NewEventOf, type StoredEventOf } from '../../shared/events.ts';

// Every change to a deal is an event on its own stream, `deal/<deal id>`. Its contacts and
// activities are on the same stream: they belong to the deal and are ordered with its moves.

export const DealCreated = z.object({
  deal_id: z.string().uuid(),
  name: z.string(),
  domain: z.string().nullable(),
  value_usd: z.string(),
  stage_id: z.string().uuid(),
  owner_user_id: z.number().int().nullable(),
});
/** Only the fields that changed, each with its value before and after. */
export const DealUpdated = z.object({
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
});
export const DealMoved = z.object({
  from_stage_id: z.string().uuid(),
  to_stage_id: z.string().uuid(),
  /** 'user': someone moved it; 'stage_deleted': its stage was removed and it went to the first remaining one. */
  reason: z.enum(['user', 'stage_deleted']),
  /** The stages' names when it moved: a fact of that moment, shown in the activity timeline. */
  from_stage_name: z.string(),
  to_stage_name: z.string(),
});
export const DealDeleted = z.object({});
export type DealDeleted = z.infer<typeof DealDeleted>;
export const DealContactAttached = z.object({
  contact_id: z.string().uuid(),
  person_id: z.string().uuid(),
  role: z.string(),
});
export const DealContactUpdated = z.object({ contact_id: z.string().uuid(), role: z.string() });
export const DealContactDetached = z.object({ contact_id: z.string().uuid() });
export const ActivityLogged = z.object({
  activity_id: z.string().uuid(),
  type: z.string(),
  body: z.string(),
  scheduled_for: z.string().nullable(),
});

export type DealCreated = z.infer<typeof DealCreated>;
export type DealUpdated = z.infer<typeof DealUpdated>;
export type DealMoved = z.infer<typeof DealMoved>;
export type DealContactAttached = z.infer<typeof DealContactAttached>;
export type DealContactUpdated = z.infer<typeof DealContactUpdated>;
export type DealContactDetached = z.infer<typeof DealContactDetached>;
export type ActivityLogged = z.infer<typeof ActivityLogged>;

/** Every deal event type and its schema: the store parses each appended event against it. */
export const dealEventSchemas = {
  DealCreated,
  DealUpdated,
  DealMoved,
  DealDeleted,
  DealContactAttached,
  DealContactUpdated,
  DealContactDetached,
  ActivityLogged,
} as const;
export type DealEventType = keyof typeof dealEventSchemas;

export const DealEvent = {
  DealCreated: 'DealCreated',
  DealUpdated: 'DealUpdated',
  DealMoved: 'DealMoved',
  DealDeleted: 'DealDeleted',
  DealContactAttached: 'DealContactAttached',
  DealContactUpdated: 'DealContactUpdated',
  DealContactDetached: 'DealContactDetached',
  ActivityLogged: 'ActivityLogged',
} as const satisfies { [K in DealEventType]: K };

/** A deal event as decide returns it: `{ type: 'DealMoved'; data: DealMoved } | ...`. */
export type DealEvent = NewEventOf<typeof dealEventSchemas>;
/** A deal event as read back, narrowed by `type`. */
export type StoredDealEvent = StoredEventOf<typeof dealEventSchemas>;
/** `dealEvent('DealMoved', data)`: takes only a DealMoved's data. */
export const dealEvent = eventBuilder(dealEventSchemas);
/** `isDealEvent(e, 'DealMoved')` narrows a stored event, so `e.data.to_stage_id` is typed. */
export const isDealEvent = eventGuard(dealEventSchemas);

export const dealStream = (dealId: string) => ({ type: 'deal', id: dealId });
