import { z } from 'zod';
import { contract, timestamp, uuid } from './shared.ts';

// Personal data and erasure (issue 8): our own use case, no document describes it. Erasure is a
// legal duty of every tenant, so it is gated by a permission (tenant_admin) and by no plan.

const ERASE = { permission: 'privacy.erase' } as const;

export const Erasure = z.object({
  personId: uuid,
  erasedAt: timestamp,
  /** Events of the person whose personal part was sealed under the destroyed key: they no longer read. */
  sealedEvents: z.number().int().min(0),
  /** Events stored before sealing existed: still clear in the log; read models and rebuilds show placeholders. */
  clearEvents: z.number().int().min(0),
  /** The person's platform events whose free-form metadata was cleared; their facts and counts stay. */
  platformEventsCleared: z.number().int().min(0),
});

export const persons = {
  erase: contract('privacy.persons.erase', {
    summary:
      "Erases a person's personal data for good: destroys their key, so their name, emails, numbers and title read as erased everywhere (read models, rebuilds, the exported log). A second erasure is a 409.",
    access: ERASE,
    input: z.object({ personId: uuid }),
    output: Erasure,
  }),
};
