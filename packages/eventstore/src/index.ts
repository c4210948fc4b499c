export * from './types.ts';
export { ConcurrencyError } from './errors.ts';
export { type EventCodec, openRows } from './codec.ts';
export {
  type EventSchema,
  type EventSchemaIssue,
  type EventSchemas,
  EventSchemaError,
  parseEvents,
  type StandardSchemaV1,
} from './schemas.ts';
export { EventStore, type EventStoreOptions, type ReadAllOptions, type StreamAppend } from './event-store.ts';
export { type BulkSession, type Projection, type Write, handledBy, runWrites, type TableWrite } from './projection.ts';
export { type Column, columnTypes, insertRows, prepareInsert } from './bulk-insert.ts';
export { rowProjection, type RowProjectionSpec } from './row-projection.ts';
export { rebuildProjections, type RebuildOptions, type RebuildReport } from './rebuild.ts';
export { AsyncProjectionRunner } from './async-runner.ts';
export { verifyChains, type ChainBreak } from './verify.ts';
export { type Upcaster, type Upcasters, toStoredEvent } from './upcast.ts';
export type { EventRow, EsEventsTable, EsStreamsTable, EsCheckpointsTable } from './events-table.ts';
