import { type SelectQueryBuilder, sql } from 'kysely';

// Reads of lists: one page of a filtered query with the count of all it matches, and the escaping
// of a search term put inside a LIKE pattern. Stated once for every module's list.

/** A column of the query's table and its direction, in the order the page sorts by. */
export type PageOrder<Row> = readonly (readonly [column: keyof Row & string, direction: 'asc' | 'desc'])[];

/**
 * One page of a filtered list, in `order`, and how many rows match the filter (the count runs on
 * the same filtered query, in parallel with the page). `q` is a single-table query with its
 * `where`s applied and nothing selected yet. The order should end in a unique column, so a page
 * number keeps meaning the same rows.
 */
export async function pageWithCount<DB, TB extends keyof DB>(
  // biome-ignore lint/complexity/noBannedTypes: kysely's type for "nothing selected yet" is `{}`.
  q: SelectQueryBuilder<DB, TB, {}>,
  order: PageOrder<DB[TB]>,
  page: number,
  pageSize: number,
) {
  let rows = q.selectAll();
  for (const [column, direction] of order) rows = rows.orderBy(sql.ref(column), direction);
  const [items, total] = await Promise.all([
    rows
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    countRows(q),
  ]);
  return { rows: items, count: total };
}

/**
 * How many rows a filtered query matches: `count(*)` over it, as a number (Postgres counts in
 * bigint, which arrives as a string). `q` has its joins and `where`s applied and nothing selected.
 */
export async function countRows<DB, TB extends keyof DB, O>(q: SelectQueryBuilder<DB, TB, O>): Promise<number> {
  // Over a generic table kysely cannot resolve the selection's type.
  const row = await q
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .$castTo<{ n: string }>()
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * pageWithCount oldest first: creation time then id, a stable order, so page numbers keep meaning
 * the same rows while rows are added. The table must have `created_at` and `id`.
 */
export function pageOldestFirst<DB extends Record<TB, { created_at: unknown; id: unknown }>, TB extends keyof DB>(
  // biome-ignore lint/complexity/noBannedTypes: as above.
  q: SelectQueryBuilder<DB, TB, {}>,
  page: number,
  pageSize: number,
) {
  return pageWithCount(
    q,
    [
      ['created_at', 'asc'],
      ['id', 'asc'],
    ],
    page,
    pageSize,
  );
}

/** A search term with LIKE's wildcards (`%`, `_`) and escape character taken literally. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
