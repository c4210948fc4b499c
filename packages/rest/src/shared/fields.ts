import { z } from 'zod';

// Face-side wrappers for values that arrive as text (query strings, headers): they turn the text
// into the type the contract's own field expects, and leave the limits to that field.

/** A query-string number; absent stays absent, anything that is not a finite number is refused by the field. */
export function queryNumber<T extends z.ZodType>(field: T) {
  return z.preprocess(
    (v) =>
      typeof v === 'string' && v.trim() !== '' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v.trim())
        ? Number(v)
        : v === ''
          ? undefined
          : v,
    field,
  );
}

/** If-Match: "3" or W/"3" pins the version a write was decided against. */
export const ifMatch = z
  .string()
  .regex(/^\s*(?:W\/)?"?\d{1,10}"?\s*$/, 'If-Match must be a version number, e.g. "3"')
  .transform((v) => Number(/\d+/.exec(v)![0]))
  .optional()
  .describe('The version you read (its ETag); a stale one is refused with 409 version_conflict.');

export const ifMatchHeaders = z.object({ 'if-match': ifMatch });

/** A paged list's `page` and `limit`, read from a query string as query numbers, for `extend`. */
export const pageAndLimit = <P extends z.ZodType, L extends z.ZodType>(shape: { page: P; limit: L }) => ({
  page: queryNumber(shape.page),
  limit: queryNumber(shape.limit),
});
