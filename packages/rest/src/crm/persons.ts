import { contracts, LIMITS } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { crmFace } from '../shared/face.ts';
import { queryNumber } from '../shared/fields.ts';
import { pageLinks, paginated } from '../shared/paging.ts';
import { routesOf } from '../shared/route.ts';

// Document 003's persons, served at /api/crm/persons/ and at the bare /persons/ alike.

const c = contracts.people.persons;
const { json } = routesOf(crmFace);

/** Both path families of document 003. */
export const CRM_PREFIXES = ['/api/crm', ''] as const;

/**
 * The read-only fields of document 003's request schema: a client may send back what it read
 * (a GET, edited, then PUT); they are accepted and ignored, as Django REST Framework does.
 */
export const readOnlyKeys = (keys: readonly string[]) =>
  Object.fromEntries(keys.map((k) => [k, z.unknown().optional().describe('read-only: ignored')]));

/** page_size above the limit is lowered to it, as a capped DRF paginator does. */
export const cappedPageSize = <T extends z.ZodType>(field: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) && Number(v) > LIMITS.pageSize.max ? String(LIMITS.pageSize.max) : v),
    queryNumber(field),
  );

const person = snakeFace(contracts.people.Person);
const page = paginated(person.schema);
const personParams = z.object({ id: c.get.input.shape.personId });
const fields = snakeInput(c.create.input.shape);
const patchFields = snakeInput(c.update.input.omit({ personId: true }).shape);
const ignored = readOnlyKeys(['id', 'platform', 'platform_user', 'active', 'created_at', 'updated_at', 'merged_into']);
const body = z.strictObject({ ...fields.schema.shape, ...ignored });
const patchBody = z.strictObject({ ...patchFields.schema.shape, ...ignored }).optional();

const f = c.list.input.unwrap().shape;
const listQuery = z.object({
  lifecycle_stage: f.lifecycleStage,
  owner: queryNumber(f.owner),
  organization: f.organization,
  created_at__gte: f.createdAtGte,
  created_at__lte: f.createdAtLte,
  metadata__has_key: f.metadataHasKey,
  name: f.name,
  page: queryNumber(f.page),
  page_size: cappedPageSize(f.pageSize),
});

export const personRoutes = CRM_PREFIXES.flatMap((prefix) => [
  json({
    method: 'get',
    path: `${prefix}/persons/`,
    contract: c.list,
    status: 200,
    query: listQuery,
    response: page,
    input: ({ query: q }) => ({
      lifecycleStage: q.lifecycle_stage,
      owner: q.owner,
      organization: q.organization,
      createdAtGte: q.created_at__gte,
      createdAtLte: q.created_at__lte,
      metadataHasKey: q.metadata__has_key,
      name: q.name,
      page: q.page,
      pageSize: q.page_size,
    }),
    output: (r, reply) => ({ count: r.count, ...pageLinks(reply.url, r.page, r.pageSize, r.count), results: r.results.map(person.map) }),
  }),
  json({
    method: 'post',
    path: `${prefix}/persons/`,
    contract: c.create,
    status: 201,
    body,
    response: person.schema,
    input: ({ body: b }) => fields.toContract(b),
    output: person.map,
  }),
  json({
    method: 'get',
    path: `${prefix}/persons/{id}/`,
    contract: c.get,
    status: 200,
    params: personParams,
    response: person.schema,
    input: ({ params }) => ({ personId: params.id }),
    output: person.map,
  }),
  json({
    method: 'put',
    path: `${prefix}/persons/{id}/`,
    contract: c.replace,
    status: 200,
    params: personParams,
    body,
    response: person.schema,
    input: ({ params, body: b }) => ({ ...fields.toContract(b), personId: params.id }),
    output: person.map,
  }),
  json({
    method: 'patch',
    path: `${prefix}/persons/{id}/`,
    contract: c.update,
    status: 200,
    params: personParams,
    body: patchBody,
    response: person.schema,
    input: ({ params, body: b }) => ({ ...patchFields.toContract(b ?? {}), personId: params.id }),
    output: person.map,
  }),
  json({
    method: 'delete',
    path: `${prefix}/persons/{id}/`,
    contract: c.delete,
    status: 204,
    params: personParams,
    response: z.undefined(),
    input: ({ params }) => ({ personId: params.id }),
    output: () => undefined,
  }),
]);
