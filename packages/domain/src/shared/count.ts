import type { SelectQueryBuilder } from 'kysely';

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
