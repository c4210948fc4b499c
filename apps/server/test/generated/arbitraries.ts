import fc from 'fast-check';
import { z } from 'zod';

type JsonSchema = Record<string, any>;

/** A request body or query value drawn from the route's own schema (as JSON Schema). */
export function fromSchema(schema: z.ZodType): fc.Arbitrary<unknown> {
  return arb(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
}

function arb(s: JsonSchema): fc.Arbitrary<unknown> {
  if (s.anyOf || s.oneOf) return fc.oneof(...(s.anyOf ?? s.oneOf).map(arb));
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'uuid') return fc.uuid();
      if (s.format === 'email') return fc.emailAddress();
      if (s.format === 'date-time')
        return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (s.pattern) {
        try {
          return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? 1000));
        } catch {
          /* a pattern fast-check cannot read: any string will do */
        }
      }
      return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) });
    case 'integer':
      return fc.integer({ min: Math.max(s.minimum ?? -1e6, -1e9), max: Math.min(s.maximum ?? 1e6, 1e9) });
    case 'number':
      return fc.double({
        min: Math.max(s.minimum ?? -1e6, -1e12),
        max: Math.min(s.maximum ?? 1e6, 1e12),
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(s.items ? arb(s.items) : fc.anything(), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) });
    case 'object': {
      const props: Record<string, JsonSchema> = s.properties ?? {};
      const required = new Set<string>(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) record[k] = arb(v);
      return fc.record(record, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Strings a careless server chokes on. */
export const hostileString = fc.oneof(
  fc.constant(''),
  fc.constant('a\u0000b'),
  fc.constant('\ud800'),
  fc.constant('x'.repeat(1024 * 1024)),
  fc.constant('💥👩‍👩‍👧‍👦 ̸͕̈́Z̷a̸l̴g̵o'),
  fc.constant('\u202Eevil'),
  fc.constant("'; drop table es_events; --"),
  fc.constant('../../etc/passwd'),
  fc.constant('%00'),
  fc.constant('not-a-uuid'),
  fc.string({ unit: 'binary', maxLength: 50 }),
);

/** Numbers a careless server chokes on, as raw JSON text (1e400 parses to Infinity). */
export const hostileNumberJson = fc.constantFrom(
  '-1',
  '0',
  '-0',
  '1e308',
  '1e400',
  '-1e400',
  '9007199254740993',
  '0.1e-320',
  '3.5',
  '1e21',
);

/** Query-string values for paging and numbers. */
export const hostileQueryValue = fc.constantFrom(
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  '99999999999999999999',
  '',
  ' ',
  '1.5',
  'abc',
  '\u0000',
  '%',
  'true',
  '[]',
);

export type Mutation =
  | { kind: 'valid' }
  | { kind: 'drop'; key: number }
  | { kind: 'extra' }
  | { kind: 'proto' }
  | { kind: 'wrongType'; key: number; value: unknown }
  | { kind: 'hostileString'; key: number; value: string }
  | { kind: 'hostileNumber'; key: number; raw: string }
  | { kind: 'deep' }
  | { kind: 'notObject'; raw: string }
  | { kind: 'wrongContentType' };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.constant<Mutation>({ kind: 'valid' }), weight: 3 },
  fc.nat(20).map<Mutation>((key) => ({ kind: 'drop', key })),
  fc.constant<Mutation>({ kind: 'extra' }),
  fc.constant<Mutation>({ kind: 'proto' }),
  fc
    .tuple(fc.nat(20), fc.constantFrom<unknown>(1, -1, true, null, [], {}, 'text', [1, 2]))
    .map<Mutation>(([key, value]) => ({ kind: 'wrongType', key, value })),
  fc.tuple(fc.nat(20), hostileString).map<Mutation>(([key, value]) => ({ kind: 'hostileString', key, value })),
  fc.tuple(fc.nat(20), hostileNumberJson).map<Mutation>(([key, raw]) => ({ kind: 'hostileNumber', key, raw })),
  fc.constant<Mutation>({ kind: 'deep' }),
  fc.constantFrom('[]', '"text"', 'null', '42', '{', '{"a":', 'true').map<Mutation>((raw) => ({ kind: 'notObject', raw })),
  fc.constant<Mutation>({ kind: 'wrongContentType' }),
);

/** The body text a mutation makes of a valid body; `contentType` when it changes the header. */
export function applyMutation(body: unknown, m: Mutation): { raw: string; contentType?: string } {
  const obj: Record<string, unknown> = body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...(body as object) } : {};
  const keys = Object.keys(obj);
  const pick = (i: number) => keys[i % Math.max(keys.length, 1)] ?? 'name';
  switch (m.kind) {
    case 'valid':
      return { raw: JSON.stringify(body ?? {}) };
    case 'drop':
      delete obj[pick(m.key)];
      return { raw: JSON.stringify(obj) };
    case 'extra':
      return { raw: JSON.stringify({ ...obj, unexpectedField: 'x' }) };
    case 'proto':
      return {
        raw: `{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}${keys.length ? `,${JSON.stringify(obj).slice(1)}` : '}'}`,
      };
    case 'wrongType':
      return { raw: JSON.stringify({ ...obj, [pick(m.key)]: m.value }) };
    case 'hostileString':
      return { raw: JSON.stringify({ ...obj, [pick(m.key)]: m.value }) };
    case 'hostileNumber': {
      const key = pick(m.key);
      const rest = JSON.stringify({ ...obj, [key]: 0 });
      return { raw: rest.replace(`${JSON.stringify(key)}:0`, `${JSON.stringify(key)}:${m.raw}`) };
    }
    case 'deep':
      return { raw: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}` };
    case 'notObject':
      return { raw: m.raw };
    case 'wrongContentType':
      return { raw: JSON.stringify(body ?? {}), contentType: 'text/plain' };
  }
}
