import type { ColumnType, Generated, Selectable } from 'kysely';

// Table types of the event store, next to the queries that use them.
export interface EsEventsTable {
  global_position: Generated<string>;
  event_id: string;
  tenant_id: string;
  stream_type: string;
  stream_id: string;
  stream_version: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: unknown;
  occurred_at: Date;
  transaction_id: Generated<string>;
  hash: string;
}

export interface EsStreamsTable {
  tenant_id: string;
  stream_type: string;
  stream_id: string;
  version: string;
  last_hash: string;
}

export interface EsCheckpointsTable {
  name: string;
  transaction_id: ColumnType<string, string | undefined, string>;
  position: ColumnType<string, string | undefined, string>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

declare module '@crm/db' {
  interface Database {
    es_events: EsEventsTable;
    es_streams: EsStreamsTable;
    es_checkpoints: EsCheckpointsTable;
  }
}

/** A row of es_events as selected with `select *`. */
export type EventRow = Selectable<EsEventsTable>;
