import type { Tx } from '@crm/db';
import type { EventMetadata, EventStore } from '@crm/eventstore';
import type { Clock } from './clock.ts';

/** What a command handler needs besides its input: the open tenant transaction and who is acting. */
export interface CommandContext {
  tx: Tx;
  store: EventStore;
  tenantId: string;
  /** Integer user id of the actor, or null for API keys without a user and for the system. */
  userId: number | null;
  metadata: EventMetadata;
  clock: Clock;
}
