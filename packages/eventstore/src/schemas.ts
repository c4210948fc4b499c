import type { NewEvent } from './types.ts';

/**
 * The Standard Schema interface (https://standardschema.dev), declared here so the store depends
 * on no validation library: zod 4, valibot and arktype schemas all implement it.
 */
export interface StandardSchemaV1<Output = unknown> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
  };
}
type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
      }>;
    };

/** What validates one event type's data: a Standard Schema, or anything with a throwing parse(). */
export type EventSchema<Output = unknown> = StandardSchemaV1<Output> | { parse(data: unknown): Output };

/** Event type -> the schema its data must match. With a registry, the store refuses any other type. */
export type EventSchemas = Readonly<Record<string, EventSchema>>;

export interface EventSchemaIssue {
  path: string;
  message: string;
}

/**
 * An event that does not match its type's schema, or whose type has none. It is a bug in the code
 * that built the event, not a refusal a client can act on: nothing was written. Faces answer 500.
 */
export class EventSchemaError extends Error {
  readonly code = 'event_schema_error';
  constructor(
    readonly eventType: string,
    /** Where the event was in the appended batch. */
    readonly index: number,
    /**
     * What did not match. Not named `issues`: the API maps any error with `issues` to a client's
     * 400, and this is the server's bug (a 500).
     */
    readonly schemaIssues: readonly EventSchemaIssue[],
  ) {
    super(
      `event #${index} (${eventType}) was not appended: ${schemaIssues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
    );
    this.name = 'EventSchemaError';
  }
}

/**
 * Every event's data parsed against its type's schema; throws EventSchemaError on the first one
 * that fails, so a batch is written whole or not at all. Returns the events with the *parsed*
 * data (defaults filled in, unknown keys stripped, as the schema says): what is stored, hashed
 * and handed to inline projections is then exactly the schema's shape, never an extra field some
 * caller happened to pass along. Without a registry the events are returned as they are.
 */
export function parseEvents(schemas: EventSchemas | undefined, events: NewEvent[]): NewEvent[] {
  if (!schemas) return events;
  return events.map((event, index) => {
    const schema = Object.hasOwn(schemas, event.type) ? schemas[event.type] : undefined;
    if (!schema)
      throw new EventSchemaError(event.type, index, [{ path: '', message: `no schema is registered for event type "${event.type}"` }]);
    return { ...event, data: parseData(schema, event.type, index, event.data) };
  });
}

function parseData(schema: EventSchema, type: string, index: number, data: unknown): unknown {
  if ('~standard' in schema) {
    const result = schema['~standard'].validate(data);
    if (result instanceof Promise) {
      throw new EventSchemaError(type, index, [
        { path: '', message: 'its schema is asynchronous; event schemas must validate synchronously' },
      ]);
    }
    if (result.issues)
      throw new EventSchemaError(
        type,
        index,
        result.issues.map((i) => ({ path: pathOf(i.path), message: i.message })),
      );
    return result.value;
  }
  try {
    return schema.parse(data);
  } catch (error) {
    throw new EventSchemaError(type, index, [{ path: '', message: error instanceof Error ? error.message : String(error) }]);
  }
}

function pathOf(path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string {
  return (path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
}
