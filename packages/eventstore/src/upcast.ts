import type { EventRow } from './events-table.ts';
import type { StoredEvent } from './types.ts';

/**
 * Upcasters turn an event's stored data from one schema version into the next. Register one per
 * (type, fromVersion); on read they run in a chain up to the newest version, so domain code only
 * ever sees current shapes. The stored row (and so its hash) never changes.
 */
export type Upcaster = (data: any) => any;
export type Upcasters = Record<string, Record<number, Upcaster>>;

export function toStoredEvent(row: EventRow, upcasters: Upcasters = {}): StoredEvent {
  let data = row.data;
  let version = row.schema_version;
  const chain = upcasters[row.event_type];
  while (chain?.[version]) {
    data = chain[version]!(data);
    version++;
  }
  return {
    globalPosition: row.global_position,
    eventId: row.event_id,
    tenantId: row.tenant_id,
    streamType: row.stream_type,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    type: row.event_type,
    schemaVersion: version,
    data,
    metadata: row.metadata as StoredEvent['metadata'],
    occurredAt: row.occurred_at,
    transactionId: row.transaction_id,
    hash: row.hash,
  };
}
