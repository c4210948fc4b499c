import { z } from 'zod';
import type { Reply } from './route.ts';

/** Document 003's page: `{count, next, previous, results}`, with next and previous as absolute URLs. */
export function paginated<S extends z.ZodType>(item: S) {
  return z.object({
    count: z.number().int(),
    next: z.string().nullable().describe('absolute URL of the next page, or null'),
    previous: z.string().nullable().describe('absolute URL of the previous page, or null'),
    results: z.array(item),
  });
}

/**
 * The links around a page, built from the request's own URL so every filter is kept. The first
 * page's link drops `page`, as Django REST Framework does.
 */
export function pageLinks(url: string, page: number, pageSize: number, count: number): { next: string | null; previous: string | null } {
  const at = (p: number) => {
    const u = new URL(url);
    if (p <= 1) u.searchParams.delete('page');
    else u.searchParams.set('page', String(p));
    return u.toString();
  };
  return {
    next: page * pageSize < count ? at(page + 1) : null,
    previous: page > 1 ? at(Math.min(page - 1, Math.max(1, Math.ceil(count / pageSize)))) : null,
  };
}

/**
 * A document 003 list's answer, spread into a route declaration: a page of records as the face
 * shows them (its schema and the mapping from the contract's record), with the links around it.
 */
export const shownAsPage = <S extends z.ZodType, T, U>(view: { schema: S; map: (record: T) => U }) => ({
  response: paginated(view.schema),
  output: (r: { count: number; page: number; pageSize: number; results: T[] }, reply: Reply) => ({
    count: r.count,
    ...pageLinks(reply.url, r.page, r.pageSize, r.count),
    results: r.results.map(view.map),
  }),
});
