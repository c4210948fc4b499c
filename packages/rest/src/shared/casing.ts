import { snakeCase } from '@crm/domain';
import { z } from 'zod';

// Contracts speak the domain's camelCase; document 000 (and 003) speak snake_case. These helpers
// derive a face's schema from the contract's, key by key, so a field, its limits and its
// description are still stated once, in the contract. The mapping is guided by the schema: keys of
// declared objects are renamed, the keys inside free-form values (records, JSON metadata) are not.

export type SnakeCase<S extends string> = S extends `${infer C}${infer R}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeCase<R>}`
  : S;

/** The type of a value once its declared keys are snake_case. */
export type Snaked<T> = T extends readonly (infer U)[]
  ? Snaked<U>[]
  : T extends Date
    ? T
    : T extends object
      ? { [K in keyof T as K extends string ? SnakeCase<K> : K]: Snaked<T[K]> }
      : T;

type Mapper = (value: unknown) => unknown;
interface Derived {
  schema: z.ZodType;
  map: Mapper;
}

const same: Mapper = (v) => v;

/** Walks an output schema: objects get snake_case keys, wrappers and arrays are followed. */
function derive(schema: z.ZodType): Derived {
  const def = (schema as z.ZodType & { _zod: { def: { type: string } } })._zod.def;
  switch (def.type) {
    case 'object': {
      const shape = (schema as z.ZodObject).shape;
      const fields = Object.entries(shape).map(([key, field]) => ({ key, out: snakeCase(key), ...derive(field as z.ZodType) }));
      const out = z.object(Object.fromEntries(fields.map((f) => [f.out, f.schema])));
      const described = schema.description ? out.describe(schema.description) : out;
      return {
        schema: described,
        map: (value) => {
          if (value === null || typeof value !== 'object') return value;
          const src = value as Record<string, unknown>;
          const res: Record<string, unknown> = {};
          for (const f of fields) if (src[f.key] !== undefined) res[f.out] = f.map(src[f.key]);
          return res;
        },
      };
    }
    case 'array': {
      const inner = derive((schema as z.ZodArray<z.ZodType>).element);
      return { schema: z.array(inner.schema), map: (v) => (Array.isArray(v) ? v.map(inner.map) : v) };
    }
    case 'nullable': {
      const inner = derive((schema as z.ZodNullable<z.ZodType>).unwrap());
      return { schema: inner.schema.nullable(), map: (v) => (v === null ? null : inner.map(v)) };
    }
    case 'optional': {
      const inner = derive((schema as z.ZodOptional<z.ZodType>).unwrap());
      return { schema: inner.schema.optional(), map: (v) => (v === undefined ? undefined : inner.map(v)) };
    }
    default:
      // Leaves and free-form values (string, number, enum, record, unknown ...) are kept as they are.
      return { schema, map: same };
  }
}

export interface SnakeFace<T> {
  /** The face's schema of the value, for validation and the OpenAPI description. */
  schema: z.ZodType<Snaked<T>>;
  /** The contract's value in the face's casing. */
  map(value: T): Snaked<T>;
}

/** The snake_case face of a contract's result schema. */
export function snakeFace<S extends z.ZodType>(schema: S): SnakeFace<z.output<S>> {
  const d = derive(schema);
  // The derivation renames exactly the keys Snaked<T> renames; TypeScript cannot follow that walk.
  return d as unknown as SnakeFace<z.output<S>>;
}

type SnakeShape<Shape extends z.ZodRawShape> = { [K in keyof Shape & string as SnakeCase<K>]: Shape[K] };

export interface SnakeInput<Shape extends z.ZodRawShape> {
  /** A strict object: a key the face does not know (a camelCase one, a typo) is refused, not ignored. */
  schema: z.ZodObject<SnakeShape<Shape>, z.core.$strict>;
  /** Back to the contract's keys. */
  toContract(value: z.output<z.ZodObject<SnakeShape<Shape>>>): z.output<z.ZodObject<Shape>>;
}

/** A request body (or query) in snake_case made of the contract's own fields. */
export function snakeInput<Shape extends z.ZodRawShape>(shape: Shape): SnakeInput<Shape> {
  const keys = Object.keys(shape).map((k) => [k, snakeCase(k)] as const);
  const schema = z.strictObject(Object.fromEntries(keys.map(([k, s]) => [s, shape[k]!])));
  return {
    schema: schema as unknown as SnakeInput<Shape>['schema'],
    toContract: (value) => {
      const src = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, s] of keys) if (src[s] !== undefined) out[k] = src[s];
      return out as z.output<z.ZodObject<Shape>>;
    },
  };
}
