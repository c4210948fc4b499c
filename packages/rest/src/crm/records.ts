import type { AnyContract, Contract } from '@crm/api';
import type { z } from 'zod';
import type { SnakeFace, SnakeInput } from '../shared/casing.ts';
import { crmFace } from '../shared/face.ts';
import { noContent, shownAs } from '../shared/parts.ts';
import { type DeclaredRoute, routesOf } from '../shared/route.ts';

// Document 003's routes of one record (persons, organizations): create, read, replace, update and
// delete, alike but for their contracts and how a request becomes each one's input.

const { json } = routesOf(crmFace);

type Obj = z.ZodObject<z.ZodRawShape>;
/** A use case whose result is the record. */
type Returning<T> = Contract<z.ZodType, z.ZodType<T>>;
type RecordContracts<T> = { create: Returning<T>; get: Returning<T>; replace: Returning<T>; update: Returning<T>; delete: AnyContract };
type In<C extends AnyContract> = z.input<C['input']>;

export interface RecordRoutes<T, P extends Obj, B extends z.ZodType, PB extends z.ZodType, K extends RecordContracts<T>> {
  /** The path segment: `persons`. */
  collection: string;
  /** The record as the face shows it. */
  record: SnakeFace<T>;
  /** `{id}`, and the bodies of POST/PUT and of PATCH. */
  params: P;
  body: B;
  patchBody: PB;
  contracts: K;
  /** Each request to its contract's input: typed, and checked, where the resource declares them. */
  create(body: z.output<B>): In<K['create']>;
  get(params: z.output<P>): In<K['get']>;
  replace(params: z.output<P>, body: z.output<B>): In<K['replace']>;
  update(params: z.output<P>, body: z.output<PB>): In<K['update']>;
  delete(params: z.output<P>): In<K['delete']>;
}

/** POST to the collection; GET, PUT, PATCH and DELETE of one record (`{id}`), under one path prefix. */
export function recordRoutes<T, P extends Obj, B extends z.ZodType, PB extends z.ZodType, K extends RecordContracts<T>>(
  prefix: string,
  r: RecordRoutes<T, P, B, PB, K>,
): DeclaredRoute[] {
  const one = `${prefix}/${r.collection}/{id}/`;
  const shown = shownAs(r.record);
  const { params, contracts: c } = r;
  return [
    json({
      method: 'post',
      path: `${prefix}/${r.collection}/`,
      contract: c.create,
      status: 201,
      body: r.body,
      ...shown,
      input: (q) => r.create(q.body),
    }),
    json({ method: 'get', path: one, contract: c.get, status: 200, params, ...shown, input: (q) => r.get(q.params) }),
    json({
      method: 'put',
      path: one,
      contract: c.replace,
      status: 200,
      params,
      body: r.body,
      ...shown,
      input: (q) => r.replace(q.params, q.body),
    }),
    json({
      method: 'patch',
      path: one,
      contract: c.update,
      status: 200,
      params,
      body: r.patchBody,
      ...shown,
      input: (q) => r.update(q.params, q.body),
    }),
    json({ method: 'delete', path: one, contract: c.delete, params, ...noContent, input: (q) => r.delete(q.params) }),
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
