import type { identity } from '@crm/domain';
import { z } from 'zod';
import { LIMITS } from '../limits.ts';

// The building blocks every contract uses, so a limit or a rule is written once.

/**
 * PostgreSQL refuses a NUL byte in text, and a lone UTF-16 surrogate cannot be encoded as UTF-8:
 * either would surface as a database error. Every text field refuses them up front, with a 400.
 */
export function isStorableText(s: string): boolean {
  return !s.includes('\u0000') && s.isWellFormed();
}
const STORABLE = 'must not contain NUL bytes or unpaired surrogates';

/** Free text, trimmed: `max` counts characters. */
export const text = (max: number) => z.string().trim().max(max).refine(isStorableText, STORABLE);
/** Text that must say something. */
export const requiredText = (max: number) => z.string().trim().min(1).max(max).refine(isStorableText, STORABLE);
/** Text kept exactly as sent (tokens, passwords). */
export const rawText = (min: number, max: number) => z.string().min(min).max(max).refine(isStorableText, STORABLE);

export const uuid = z.uuid();
export const email = z.string().trim().toLowerCase().max(254).pipe(z.email());
export const isoDateTime = z.iso.datetime({ offset: true });
/** How results show a time: ISO 8601 in UTC. */
export const timestamp = z.iso.datetime();
export const userId = z.number().int().positive().max(2_147_483_647);

/** Paging by page number, as the list endpoints take it. */
export const page = z.number().int().min(1).max(1_000_000).default(1);
export const pageSize = z.number().int().min(1).max(LIMITS.pageSize.max).default(LIMITS.pageSize.default);

/**
 * Who may call a use case. Every contract states it: public, or a permission (and a plan tier). The
 * router enforces it for tRPC and REST alike, and the generated authorization tests read it.
 */
export type Access = { public: true } | { public?: false; permission: identity.Permission; plan?: identity.Plan };

export interface Contract<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, A extends Access = Access> {
  /** The router path that implements it, e.g. `pipeline.deals.create`. */
  path: string;
  summary: string;
  access: A;
  input: I;
  /** What the procedure returns; for a streamed result, the shape of one chunk. */
  output: O;
}

export type AnyContract = Contract<z.ZodType, z.ZodType, Access>;
export type PublicContract = Contract<z.ZodType, z.ZodType, { public: true }>;
export type AuthedContract = Contract<z.ZodType, z.ZodType, { permission: identity.Permission; plan?: identity.Plan }>;
export type InputOf<C extends AnyContract> = z.input<C['input']>;
export type ParsedInputOf<C extends AnyContract> = z.output<C['input']>;
export type OutputOf<C extends AnyContract> = z.output<C['output']>;

export function contract<const P extends string, I extends z.ZodType, O extends z.ZodType, const A extends Access>(
  path: P,
  c: { summary: string; access: A; input: I; output: O },
): Contract<I, O, A> & { path: P } {
  return { path, ...c };
}

/**
 * The access rules of a document 003 resource, whose permissions are named `<resource>/list`,
 * `/read`, `/write` and `/delete`; each must be a known permission (checked where it is used).
 */
export const resourceAccess = <const R extends string>(resource: R) => ({
  list: { permission: `${resource}/list` as const },
  read: { permission: `${resource}/read` as const },
  write: { permission: `${resource}/write` as const },
  delete: { permission: `${resource}/delete` as const },
});

/** Filters (each optional) with the page asked for; sent without any, the first page. */
export function pagedBy<F extends Record<string, z.ZodOptional>>(filters: F) {
  const shape = { ...filters, page, pageSize };
  // Every filter is optional, so the paging alone is a whole input: zod cannot see that of a generic shape.
  const firstPage = { page: 1, pageSize: LIMITS.pageSize.default };
  return z.object(shape).default(firstPage as z.util.NoUndefined<z.output<z.ZodObject<typeof shape>>>);
}

/** A document 003 list: filters and paging in; the count, the page, its size and its results out. */
export function resultsPage<F extends Record<string, z.ZodOptional>, S extends z.ZodType>(filters: F, item: S) {
  const output = z.object({ count: z.number().int(), page: z.number().int(), pageSize: z.number().int(), results: z.array(item) });
  return { input: pagedBy(filters), output };
}

/** The shape with its name optional, as an update takes it. */
type NameOptional<S extends z.ZodRawShape> = { [K in keyof S]: K extends 'name' ? z.ZodOptional<S[K]> : S[K] };

/**
 * The replace and update of a document 003 resource, named by `noun` ("a person"): replace takes every
 * editable field and resets what is left out, update takes the given ones (the name too is optional).
 */
export function replaceAndUpdate<
  const P extends string,
  const A extends Access,
  I extends z.ZodRawShape,
  F extends z.ZodRawShape & { name: z.ZodType },
  O extends z.ZodType,
>(path: P, noun: string, access: A, id: I, fields: F, output: O) {
  // The name keeps its place among the fields; the cast says what spreading generic shapes cannot.
  const given = { ...id, ...fields, name: fields.name.optional() } as NameOptional<I & F>;
  return {
    replace: contract(`${path}.replace`, {
      summary: `Replace every editable field of ${noun}; what is left out goes back to its default.`,
      access,
      input: z.object({ ...id, ...fields }),
      output,
    }),
    update: contract(`${path}.update`, {
      summary: `Change the given fields of ${noun}; only what changes is recorded.`,
      access,
      input: z.object(given),
      output,
    }),
  };
}

/** A contract that takes nothing. */
export const noInput = z.object({}).strict().optional();
