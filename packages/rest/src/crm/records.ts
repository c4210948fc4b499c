import type { AnyContract, Contract } from '@crm/api';
import type { z } from 'zod';
import type { SnakeFace, SnakeInput } from '../shared/casing.ts';
import { crmFace } from '../shared/face.ts';
import { shownAsPage } from '../shared/paging.ts';
import { noContent, shownAs } from '../shared/parts.ts';
import { type DeclaredRoute, routesOf } from '../shared/route.ts';

// Document 003's routes of one kind of record (persons, organizations): list, create, read,
// replace, update and delete, alike but for their contracts and how a request becomes each one's
// input.

const { json } = routesOf(crmFace);

/** Both path families of document 003. */
export const CRM_PREFIXES = ['/api/crm', ''] as const;

type Obj = z.ZodObject<z.ZodRawShape>;
/** A use case whose result is the record. */
type Returning<T> = Contract<z.ZodType, z.ZodType<T>>;
/** A use case whose result is a page of the records. */
type Paging<T> = Contract<z.ZodType, z.ZodType<{ count: number; page: number; pageSize: number; results: T[] }>>;
type RecordContracts<T> = {
  list: Paging<T>;
  create: Returning<T>;
  get: Returning<T>;
  replace: Returning<T>;
  update: Returning<T>;
  delete: AnyContract;
};
type In<C extends AnyContract> = z.input<C['input']>;

export interface RecordRoutes<T, P extends Obj, LQ extends Obj, B extends z.ZodType, PB extends z.ZodType, K extends RecordContracts<T>> {
  /** The path segment: `persons`. */
  collection: string;
  /** The record as the face shows it. */
  record: SnakeFace<T>;
  /** The list's query (its filters and paging), `{id}`, and the bodies of POST/PUT and of PATCH. */
  listQuery: LQ;
  params: P;
  body: B;
  patchBody: PB;
  contracts: K;
  /** Each request to its contract's input: typed, and checked, where the resource declares them. */
  list(query: z.output<LQ>): In<K['list']>;
  create(body: z.output<B>): In<K['create']>;
  get(params: z.output<P>): In<K['get']>;
  replace(params: z.output<P>, body: z.output<B>): In<K['replace']>;
  update(params: z.output<P>, body: z.output<PB>): In<K['update']>;
  delete(params: z.output<P>): In<K['delete']>;
}

/** GET (a page) and POST to the collection; GET, PUT, PATCH and DELETE of one record (`{id}`), under both path prefixes. */
export function recordRoutes<T, P extends Obj, LQ extends Obj, B extends z.ZodType, PB extends z.ZodType, K extends RecordContracts<T>>(
  r: RecordRoutes<T, P, LQ, B, PB, K>,
): DeclaredRoute[] {
  return CRM_PREFIXES.flatMap((prefix) => routesUnder(prefix, r));
}

function routesUnder<T, P extends Obj, LQ extends Obj, B extends z.ZodType, PB extends z.ZodType, K extends RecordContracts<T>>(
  prefix: string,
  r: RecordRoutes<T, P, LQ, B, PB, K>,
): DeclaredRoute[] {
  const all = `${prefix}/${r.collection}/`;
  const one = `${prefix}/${r.collection}/{id}/`;
  const shown = shownAs(r.record);
  const { params, contracts: c } = r;
  return [
    json('get', all, { contract: c.list, query: r.listQuery, ...shownAsPage(r.record), input: (q) => r.list(q.query) }),
    json('post', all, { contract: c.create, status: 201, body: r.body, ...shown, input: (q) => r.create(q.body) }),
    json('get', one, { contract: c.get, params, ...shown, input: (q) => r.get(q.params) }),
    json('put', one, { contract: c.replace, params, body: r.body, ...shown, input: (q) => r.replace(q.params, q.body) }),
    json('patch', one, { contract: c.update, params, body: r.patchBody, ...shown, input: (q) => r.update(q.params, q.body) }),
    json('delete', one, { contract: c.delete, params, ...noContent, input: (q) => r.delete(q.params) }),
  ];
}

/**
 * The usual way in: a POST or PUT body is the record's fields, a PATCH body some of them (or
 * none), and the path's `{id}` names the record (`byId` says under which key).
 */
export const fieldsAndId = <A extends z.ZodRawShape, PA extends z.ZodRawShape, Prm, I extends object>(
  fields: SnakeInput<A>,
  patchFields: SnakeInput<PA>,
  byId: (params: Prm) => I,
) => ({
  create: (b: Parameters<SnakeInput<A>['toContract']>[0]) => fields.toContract(b),
  get: byId,
  replace: (p: Prm, b: Parameters<SnakeInput<A>['toContract']>[0]) => ({ ...fields.toContract(b), ...byId(p) }),
  update: (p: Prm, b: Parameters<SnakeInput<PA>['toContract']>[0] | undefined) => ({
    ...(b ? patchFields.toContract(b) : {}),
    ...byId(p),
  }),
  delete: byId,
});
