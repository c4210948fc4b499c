import { z } from 'zod';

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

export type PersonCreated = z.infer<typeof PersonCreated>;
export type PersonUpdated = z.infer<typeof PersonUpdated>;

export const PersonEvent = { PersonCreated: 'PersonCreated', PersonUpdated: 'PersonUpdated' } as const;

export const personStream = (personId: string) => ({ type: 'person', id: personId });
