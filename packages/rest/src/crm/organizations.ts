import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { queryNumber } from '../shared/fields.ts';
import { pageQuery, recordBodies } from './persons.ts';
import { fieldsAndId, recordRoutes } from './records.ts';

// Document 003's organizations (companies), served at /api/crm/organizations/ and /organizations/.

const c = contracts.companies.organizations;

const organization = snakeFace(contracts.companies.Organization);
const params = z.object({ id: c.get.input.shape.organizationId });
const fields = snakeInput(c.create.input.shape);
const patchFields = snakeInput(c.update.input.omit({ organizationId: true }).shape);
/** Read-only fields a client may send back: accepted and ignored. */
const readOnly = ['id', 'platform', 'created_at', 'updated_at'] as const;

const f = c.list.input.unwrap().shape;
const listQuery = z.object({
  name: f.name,
  owner: queryNumber(f.owner),
  ...pageQuery(f),
});

export const organizationRoutes = recordRoutes({
  collection: 'organizations',
  record: organization,
  listQuery,
  params,
  ...recordBodies(fields, patchFields, readOnly),
  contracts: c,
  list: (q: z.output<typeof listQuery>) => ({ name: q.name, owner: q.owner, page: q.page, pageSize: q.page_size }),
  ...fieldsAndId(fields, patchFields, (p: z.output<typeof params>) => ({ organizationId: p.id })),
});
