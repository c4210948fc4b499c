import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';

// A person is a stream of its own, `person/<id>`: deals link to people, and the people module
// (document 003) merges and re-parents them without touching the deals' own history.

export const PersonCreated = z.object({
  person_id: z.string().uuid(),
  name: z.string(),
  primary_email: z.string().nullable(),
  contact_numbers: z.array(z.string()),
  job_title: z.string(),
  owner_user_id: z.number().int().nullable(),
});
/** Only what changed, before and after. */
export const PersonUpdated = z.object({
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
});

/**
 * A person's personal data (name, addresses, numbers, title), kept apart from the facts about them
 * (owner, organization, stage) so that erasure can later encrypt or redact exactly this part.
 */
export const PersonalFields = z.object({
  name: z.string(),
  primary_email: z.string().nullable(),
  emails: z.unknown(),
  contact_numbers: z.unknown(),
  job_title: z.string(),
});
/** A person added through document 003 (a deal contact's person starts with PersonCreated). */
export const PersonAdded = z.object({
  person_id: z.string().uuid(),
  personal: PersonalFields,
  organization_id: z.string().uuid().nullable(),
  owner_user_id: z.number().int().nullable(),
  lifecycle_stage: z.string(),
  unique_id: z.string(),
  metadata: z.unknown(),
});
const Change = z.object({ from: z.unknown(), to: z.unknown() });
/** What changed, before and after: personal fields under `personal`, the rest under `changes`. */
export const PersonRevised = z.object({
  changes: z.record(z.string(), Change),
  personal: z.record(z.string(), Change),
});
/** The person is gone; deals that named them no longer show them. */
export const PersonDeleted = z.object({ person_id: z.string().uuid() });
/**
 * The person's key was destroyed (packages/domain/src/privacy): their sealed personal data no
 * longer reads, and read models show placeholders from here on. Carries no personal data itself.
 */
export const PersonErased = z.object({ person_id: z.string().uuid() });

// Links to platform users, invitations and merges: facts about a person, never their personal
// data (the email an invitation went to is read from the person, not recorded here).

/** The person is bound to a platform user: by link-user, because the user was created with their email, or re-invited. */
export const PersonLinkedToUser = z.object({ user_id: z.number().int(), via: z.enum(['link_user', 'user_created', 'invitation']) });
/** The binding is removed (the person becomes active again unless merged away). */
export const PersonUnlinkedFromUser = z.object({ user_id: z.number().int() });
/** A platform invitation was sent for this person; `user_id` is the invited user (the invitation's id). */
export const PersonInvited = z.object({
  user_id: z.number().int(),
  is_admin: z.boolean(),
  is_staff: z.boolean(),
  redirect_to: z.string().nullable(),
  enrollment_config: z.record(z.string(), z.unknown()).nullable(),
});
/** One deal's contact links a merge moved: `moved` re-pointed at the primary, `removed` dropped (the primary was already there). */
export const MergeMove = z.object({
  deal_id: z.string().uuid(),
  from_person_id: z.string().uuid(),
  moved: z.array(z.string().uuid()),
  removed: z.array(z.object({ contact_id: z.string().uuid(), role: z.string(), created_at: z.string() })),
});
/** On the primary's stream: everything the merge moved, so an undo can move exactly that back. */
export const PersonsMerged = z.object({
  merge_id: z.string().uuid(),
  duplicate_ids: z.array(z.string().uuid()),
  moves: z.array(MergeMove),
  reparented: z.record(z.string(), z.number().int()),
});
/** On each duplicate's stream: inactive, pointing at the survivor; `was_active` lets an undo restore it. */
export const PersonMergedInto = z.object({ merge_id: z.string().uuid(), into: z.string().uuid(), was_active: z.boolean() });
/** On the primary's stream: the merge was reverted; `restored` counts what went back. */
export const PersonsMergeUndone = z.object({
  merge_id: z.string().uuid(),
  duplicate_ids: z.array(z.string().uuid()),
  restored: z.record(z.string(), z.number().int()),
});
/** On each duplicate's stream: back as it was before the merge. */
export const PersonMergeReverted = z.object({ merge_id: z.string().uuid(), active: z.boolean() });
export type MergeMove = z.infer<typeof MergeMove>;

export type PersonCreated = z.infer<typeof PersonCreated>;
export type PersonAdded = z.infer<typeof PersonAdded>;
export type PersonRevised = z.infer<typeof PersonRevised>;
export type PersonUpdated = z.infer<typeof PersonUpdated>;

/** Every person event type and its schema: the store parses each appended event against it. */
export const {
  schemas: personEventSchemas,
  /** `PersonEvent.PersonAdded === 'PersonAdded'`, one constant per type. */
  types: PersonEvent,
  /** `personEvent('PersonCreated', data)`: takes only a PersonCreated's data. */
  event: personEvent,
  /** `isPersonEvent(e, 'PersonUpdated')` narrows a stored event. */
  is: isPersonEvent,
} = defineEvents({
  PersonCreated,
  PersonUpdated,
  PersonAdded,
  PersonRevised,
  PersonDeleted,
  PersonErased,
  PersonLinkedToUser,
  PersonUnlinkedFromUser,
  PersonInvited,
  PersonsMerged,
  PersonMergedInto,
  PersonsMergeUndone,
  PersonMergeReverted,
});

/** A person event as a command appends it: `{ type: 'PersonCreated'; data: PersonCreated } | ...`. */
export type PersonEvent = NewEventOf<typeof personEventSchemas>;
/** A person event as read back, narrowed by `type`. */
export type StoredPersonEvent = StoredEventOf<typeof personEventSchemas>;

export const personStream = (personId: string) => ({ type: 'person', id: personId });
