import { type NewEvent, type Projection, rowProjection, type RowProjectionSpec, type StoredEvent } from '@crm/eventstore';
import type { Database } from '@crm/db';
import type { z } from 'zod';

/**
 * Typed events from a module's registry of zod schemas (event type -> schema). The registry is
 * what the store parses every appended event against; the types below are derived from it, so a
 * schema and the code that builds or reads its events cannot drift apart.
 */
export type EventSchemaRegistry = Record<string, z.ZodType>;

type TypeOf<S extends EventSchemaRegistry> = keyof S & string;

/** What decide returns: `{ type: 'DealMoved'; data: DealMoved } | ...`, one member per type. */
export type NewEventOf<S extends EventSchemaRegistry, T extends TypeOf<S> = TypeOf<S>> = {
  [K in T]: NewEvent<K, z.output<S[K]>>;
}[T];

/** What projections read, narrowed by `type`: in `case 'DealMoved'`, `e.data.to_stage_id` is a string. */
export type StoredEventOf<S extends EventSchemaRegistry, T extends TypeOf<S> = TypeOf<S>> = {
  [K in T]: StoredEvent<K, z.output<S[K]>>;
}[T];

/** A builder that only takes the data of the type it is given: `build('DealMoved', { ... })`. */
export function eventBuilder<S extends EventSchemaRegistry>(_schemas: S) {
  return <K extends TypeOf<S>>(type: K, data: z.output<S[K]>): NewEvent<K, z.output<S[K]>> => ({ type, data });
}

/** The data of one event type of a registry: `EventData<typeof dealEventSchemas, 'DealMoved'>`. */
export type EventData<S extends EventSchemaRegistry, K extends TypeOf<S>> = z.output<S[K]>;

/** A registry's type constants, `{ DealMoved: 'DealMoved', ... }`: each value is its own literal type. */
export type EventTypes<S extends EventSchemaRegistry> = { readonly [K in TypeOf<S>]: K };

/**
 * A module's event registry from its schemas alone: the schemas (what the store parses at append),
 * the type constants (for `handles` lists and `case` labels), a builder and a guard, all typed from
 * the one object so that a new event type is declared in one place. The module names them:
 * `export const { schemas: dealEventSchemas, types: DealEvent, event: dealEvent, is: isDealEvent } =
 * defineEvents({ DealCreated: z.object(...), ... })`, and derives its union types with NewEventOf /
 * StoredEventOf.
 */
export function defineEvents<const S extends EventSchemaRegistry>(schemas: S) {
  // Object.fromEntries loses the key-to-literal link; every key maps to itself, which is EventTypes.
  const types = Object.freeze(Object.fromEntries(Object.keys(schemas).map((type) => [type, type]))) as EventTypes<S>;
  return { schemas, types, event: eventBuilder(schemas), is: eventGuard(schemas) };
}

/*
 * Narrowing a stored event by its type is where it is trusted to match that type's schema: the
 * store parsed it at append (and upcasters bring old versions to the current shape on read), so
 * the checks below look at the type alone.
 */

/** A type guard over a registry: `if (isDealEvent(e, 'DealMoved')) e.data.to_stage_id`. */
export function eventGuard<S extends EventSchemaRegistry>(_schemas: S) {
  return <K extends TypeOf<S>>(e: StoredEvent, type: K): e is StoredEvent<K, z.output<S[K]>> => e.type === type;
}

function isOneOf<S extends EventSchemaRegistry, T extends TypeOf<S>>(types: ReadonlySet<string>, e: StoredEvent): e is StoredEventOf<S, T> {
  return types.has(e.type);
}

/** The user an event was appended as (its metadata's `userId`), or null for API keys without a user and the system. */
export const actorOf = (e: StoredEvent): number | null => (typeof e.metadata.userId === 'number' ? e.metadata.userId : null);

/** The columns a row projection stamps on every write: the stream version it reflects, and when. */
export const rowStamp = (e: StoredEvent) => ({ version: String(e.streamVersion), updated_at: e.occurredAt });

/** The key columns of a tenant's row: its tenant and id. */
export const rowKey = <K>(e: StoredEvent, id: K) => ({ tenant_id: e.tenantId, id });

/** The columns of a row an event creates, besides its own data: tenant, key and the stamps. */
export const rowCreated = <K>(e: StoredEvent, id: K) => ({ ...rowKey(e, id), ...rowStamp(e), created_at: e.occurredAt });

/** The fields of an event's data that a row keeps as they are, named once. */
export function pick<T extends object, K extends keyof T>(data: T, ...keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = data[k];
  return out;
}

/** A read-model table's row as a projection folds it: the table's interface, by name. */
export type TableRow<Tb extends keyof Database> = Database[Tb] & Record<string, unknown>;

/**
 * Spec of a row projection whose callbacks see the module's typed events, narrowed to what it handles.
 * What most read models share may be left out: the key column is `id`, every event type of the
 * registry is handled, and an event touches the one row of its stream (keyed by the stream's id).
 */
export type TypedRowProjectionSpec<S extends EventSchemaRegistry, Tb extends keyof Database & string, T extends TypeOf<S>> = Omit<
  RowProjectionSpec<TableRow<Tb>>,
  'table' | 'key' | 'handles' | 'creates' | 'keysOf' | 'evolve' | 'deleteWhere'
> & {
  table: Tb;
  key?: keyof TableRow<Tb> & string;
  handles?: readonly T[];
  creates?: readonly NoInfer<T>[];
  keysOf?(event: StoredEventOf<S, NoInfer<T>>): string[];
  evolve(row: TableRow<Tb> | null, event: StoredEventOf<S, NoInfer<T>>, key: string): TableRow<Tb> | null;
  deleteWhere?(event: StoredEventOf<S, NoInfer<T>>): { column: keyof TableRow<Tb> & string; value: string } | null;
};

/**
 * rowProjection over a module's events: `handles` may only name the registry's types, and
 * keysOf/evolve/deleteWhere get events narrowed to those types (a typed `switch (e.type)`), with
 * no casts in the projection. The row type is the table's, by its name. An event of another type
 * reaching it is a bug, and throws.
 */
export function typedRowProjection<S extends EventSchemaRegistry, Tb extends keyof Database & string, T extends TypeOf<S> = TypeOf<S>>(
  schemas: S,
  spec: TypedRowProjectionSpec<S, Tb, T>,
): Projection {
  // Left out, `handles` is the whole registry, and T (its default) every type of it.
  const handles = spec.handles ?? (Object.keys(schemas) as T[]);
  const narrow = narrower<S, T>(schemas, handles, spec.name);
  const { keysOf = (e) => [e.streamId], deleteWhere } = spec;
  return rowProjection<TableRow<Tb>>({
    ...spec,
    key: spec.key ?? 'id',
    handles,
    keysOf: (e) => keysOf(narrow(e)),
    evolve: (row, e, key) => spec.evolve(row, narrow(e), key),
    ...(deleteWhere ? { deleteWhere: (e: StoredEvent) => deleteWhere(narrow(e)) } : {}),
  });
}

/** A function that returns the event typed as one of `types`, or throws if it is of another type. */
export function narrower<S extends EventSchemaRegistry, T extends TypeOf<S>>(_schemas: S, types: readonly T[], who: string) {
  const known = new Set<string>(types);
  return (e: StoredEvent): StoredEventOf<S, T> => {
    if (isOneOf<S, T>(known, e)) return e;
    throw new Error(`${who} was given a ${e.type} event, which it does not handle`);
  };
}
