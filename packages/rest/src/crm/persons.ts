import { contracts, LIMITS } from '@crm/api';
import { z } from 'zod';
import { type SnakeInput, snakeFace, snakeInput } from '../shared/casing.ts';
import { queryNumber } from '../shared/fields.ts';
import { fieldsAndId, recordRoutes } from './records.ts';

// Document 003's persons, served at /api/crm/persons/ and at the bare /persons/ alike.

const c = contracts.people.persons;

/**
 * The read-only fields of document 003's request schema: a client may send back what it read
 * (a GET, edited, then PUT); they are accepted and ignored, as Django REST Framework does.
 */
export const readOnlyKeys = (keys: readonly string[]) =>
  Object.fromEntries(keys.map((k) => [k, z.unknown().optional().describe('read-only: ignored')]));

/**
 * Document 003's PUT (every field) and PATCH (any of them, or no body) bodies: the contract's
 * fields in snake_case, strict, with the read-only fields accepted and ignored.
 */
export const recordBodies = <A extends z.ZodRawShape, B extends z.ZodRawShape, const K extends string>(
  fields: SnakeInput<A>,
  patchFields: SnakeInput<B>,
  readOnly: readonly K[],
) => {
  // Keyed by the names given (readOnlyKeys' own type is any key), so the bodies keep the fields' types.
  const ignored = readOnlyKeys(readOnly) as { [P in K]: z.ZodOptional<z.ZodUnknown> };
  return {
    body: z.strictObject({ ...fields.schema.shape, ...ignored }),
    patchBody: z.strictObject({ ...patchFields.schema.shape, ...ignored }).optional(),
  };
};

/** page_size above the limit is lowered to it, as a capped DRF paginator does. */
export const cappedPageSize = <T extends z.ZodType>(field: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) && Number(v) > LIMITS.pageSize.max ? String(LIMITS.pageSize.max) : v),
    queryNumber(field),
  );

/** Document 003's paging parameters of a list's query: `page`, and `page_size` lowered to the limit. */
export const pageQuery = <P extends z.ZodType, S extends z.ZodType>(f: { page: P; pageSize: S }) => ({
  page: queryNumber(f.page),
  page_size: cappedPageSize(f.pageSize),
});

const person = snakeFace(contracts.people.Person);
const personParams = z.object({ id: c.get.input.shape.personId });
const fields = snakeInput(c.create.input.shape);
const patchFields = snakeInput(c.update.input.omit({ personId: true }).shape);
const readOnly = ['id', 'platform', 'platform_user', 'active', 'created_at', 'updated_at', 'merged_into'] as const;

const f = c.list.input.unwrap().shape;
const listQuery = z.object({
  lifecycle_stage: f.lifecycleStage,
  owner: queryNumber(f.owner),
  organization: f.organization,
  created_at__gte: f.createdAtGte,
  created_at__lte: f.createdAtLte,
  metadata__has_key: f.metadataHasKey,
  name: f.name,
  ...pageQuery(f),
});

export const personRoutes = recordRoutes({
  collection: 'persons',
  record: person,
  listQuery,
  params: personParams,
  ...recordBodies(fields, patchFields, readOnly),
  contracts: c,
  list: (q: z.output<typeof listQuery>) => ({
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
  ...fieldsAndId(fields, patchFields, (p: z.output<typeof personParams>) => ({ personId: p.id })),
});
