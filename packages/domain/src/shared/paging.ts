import { type SelectQueryBuilder, sql } from 'kysely';

/**
 * One page of a filtered list, oldest first, and how many rows match the filter. Creation time
 * then id is a stable order, so page numbers keep meaning the same rows while rows are added; the
 * count runs on the same filtered query, in parallel with the page. `q` is a single-table query
 * with its `where`s applied and nothing selected yet; the table must have `created_at` and `id`.
 */
export async function pageOldestFirst<DB, TB extends keyof DB>(
  // biome-ignore lint/complexity/noBannedTypes: kysely's type for "nothing selected yet" is `{}`.
  q: SelectQueryBuilder<DB, TB, {}>,
  page: number,
  pageSize: number,
) {
  const [rows, total] = await Promise.all([
    q
      .selectAll()
      .orderBy(sql`created_at`)
      .orderBy(sql`id`)
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    // Over a generic table kysely cannot resolve the selection's type; the count is a bigint string.
    q
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .$castTo<{ n: string }>()
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, count: Number(total.n) };
}
