import { z } from 'zod';
import { eventBuilder, eventGuard, type NewEventOf, type StoredEventOf } from '../shared/events.ts';

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

export type PersonCreated = z.infer<typeof PersonCreated>;
export type PersonAdded = z.infer<typeof PersonAdded>;
export type PersonRevised = z.infer<typeof PersonRevised>;
export type PersonUpdated = z.infer<typeof PersonUpdated>;

/** Every person event type and its schema: the store parses each appended event against it. */
export const personEventSchemas = { PersonCreated, PersonUpdated, PersonAdded, PersonRevised, PersonDeleted } as const;
export type PersonEventType = keyof typeof personEventSchemas;

export const PersonEvent = {
  PersonCreated: 'PersonCreated',
  PersonUpdated: 'PersonUpdated',
  PersonAdded: 'PersonAdded',
  PersonRevised: 'PersonRevised',
  PersonDeleted: 'PersonDeleted',
} as const satisfies {
  [K in PersonEventType]: K;
};

/** A person event as a command appends it: `{ type: 'PersonCreated'; data: PersonCreated } | ...`. */
export type PersonEvent = NewEventOf<typeof personEventSchemas>;
/** A person event as read back, narrowed by `type`. */
export type StoredPersonEvent = StoredEventOf<typeof personEventSchemas>;
/** `personEvent('PersonCreated', data)`: takes only a PersonCreated's data. */
export const personEvent = eventBuilder(personEventSchemas);
/** `isPersonEvent(e, 'PersonUpdated')` narrows a stored event. */
export const isPersonEvent = eventGuard(personEventSchemas);

export const personStream = (personId: string) => ({ type: 'person', id: personId });
