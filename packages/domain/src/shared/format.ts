// How values are written on the wire, stated once for the tRPC router and the REST faces.

/**
 * A timestamp as the API answers it: ISO 8601 in UTC with milliseconds. Strings are taken too,
 * because timestamps read through JSON (json_agg, jsonb columns) arrive as text. null (or a
 * missing value) stays null.
 */
export function iso(d: Date | string): string;
export function iso(d: Date | string | null | undefined): string | null;
export function iso(d: Date | string | null | undefined): string | null {
  return d === null || d === undefined ? null : new Date(d).toISOString();
}

/** A camelCase name in snake_case (`dealName` -> `deal_name`), as document 000's faces spell keys. */
export const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
