/** What a command hands to append: the store assigns position, version, time and hash. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  /** Defaults to 1. Bump it when the data shape changes, and register an upcaster for the old one. */
  schemaVersion?: number;
  /** Defaults to a random UUID. Projections may derive row ids from it, so it is stored. */
  id?: string;
}

export interface Actor {
  type: 'user' | 'api_key' | 'system';
  id: string | number | null;
}

export interface EventMetadata {
  actor?: Actor;
  requestId?: string;
  correlationId?: string;
  causationId?: string;
  source: 'rest' | 'trpc' | 'cli' | 'system';
  [key: string]: unknown;
}

/**
 * An event as read back. Data is unknown unless the caller knows the type: domain code narrows
 * by `type` to a union of its own events (whose data the store parsed at append) instead of
 * reading untyped fields.
 */
export interface StoredEvent<Type extends string = string, Data = unknown> {
  globalPosition: string;
  eventId: string;
  tenantId: string;
  streamType: string;
  streamId: string;
  streamVersion: number;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  occurredAt: Date;
  transactionId: string;
  hash: string;
}

export interface StreamRef {
  type: string;
  id: string;
}

/** 'no_stream': the stream must not exist; 'any': no check; n: the stream is at exactly version n. */
export type ExpectedVersion = number | 'any' | 'no_stream';

/** Where a checkpointed reader stands: the last (transaction id, position) it has seen. */
export interface Checkpoint {
  transactionId: string;
  position: string;
}

export const START: Checkpoint = { transactionId: '0', position: '0' };

export function encodeCheckpoint(c: Checkpoint): string {
  return `${c.transactionId}:${c.position}`;
}

export function decodeCheckpoint(s: string | undefined | null): Checkpoint | null {
  if (!s) return START;
  const m = /^(\d{1,20}):(\d{1,20})$/.exec(s);
  return m ? { transactionId: m[1]!, position: m[2]! } : null;
}
