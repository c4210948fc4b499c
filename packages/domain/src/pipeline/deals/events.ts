import { z } from 'zod';

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

export const DealEvent = {
  DealCreated: 'DealCreated',
  DealUpdated: 'DealUpdated',
  DealMoved: 'DealMoved',
  DealDeleted: 'DealDeleted',
  DealContactAttached: 'DealContactAttached',
  DealContactUpdated: 'DealContactUpdated',
  DealContactDetached: 'DealContactDetached',
  ActivityLogged: 'ActivityLogged',
} as const;

export const dealStream = (dealId: string) => ({ type: 'deal', id: dealId });
