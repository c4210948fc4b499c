import { z } from 'zod';
import { timestamp, uuid } from './shared.ts';

// The shapes answers share: lists under their own name, pages of them, a delete's answer, and
// the fields many records show alike.

/** The items of a list, under the list's name. */
function itemsUnder<const K extends string, S extends z.ZodType>(key: K, item: S) {
  return { [key]: z.array(item) } as { [P in K]: z.ZodArray<S> };
}

/** An answer that is a list under its own name, such as `{ contacts: [...] }`. */
export function listOf<const K extends string, S extends z.ZodType>(key: K, item: S) {
  return z.object(itemsUnder(key, item));
}

/** A page of a list numbered from 1: the items under their own name, the total, and whether more follow. */
export function numberedPage<const K extends string, S extends z.ZodType>(key: K, item: S) {
  const items = itemsUnder(key, item);
  return z.object({ ...items, total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), hasMore: z.boolean() });
}

/** A page of a list numbered from 1, sized by `limit`: the items under their own name, the total, and how many pages there are. */
export function limitPage<const K extends string, S extends z.ZodType>(key: K, item: S) {
  const items = itemsUnder(key, item);
  return z.object({ ...items, total: z.number().int(), page: z.number().int(), limit: z.number().int(), totalPages: z.number().int() });
}

/** The answer of a delete: the record's id. */
export const deleted = z.object({ deleted: z.literal(true), id: uuid });

/** When a record was made and last changed. */
export const timestamps = { createdAt: timestamp, updatedAt: timestamp };

/** A user's name, as every answer about a user shows it. */
export const userName = { firstName: z.string(), lastName: z.string() };

/** Free-form JSON as a record holds it: any JSON value (what a client may send is people's jsonValue). */
export const storedJson = z.unknown();
