import { type PersonEvent, personEvent } from '../people/events.ts';
import { DomainError, notFound } from '../shared/errors.ts';

// The erasure decision, pure: what is known of the person's stream and key, to the event that
// records the erasure (or a refusal). Destroying the key is the command's part.

export interface ErasureState {
  /** The person stream's version in this tenant; null when this tenant has no such person. */
  streamVersion: number | null;
  /** When the key was destroyed, if it was. */
  erasedAt: Date | null;
}

/** Erasure is final and once: a second request is a conflict naming when it happened. */
export function decideErasure(state: ErasureState, personId: string): PersonEvent[] {
  if (state.streamVersion === null) throw notFound('person', personId);
  if (state.erasedAt) {
    throw new DomainError('conflict', 'person_already_erased', `person ${personId} was already erased`, {
      erased_at: state.erasedAt.toISOString(),
    });
  }
  return [personEvent('PersonErased', { person_id: personId })];
}
