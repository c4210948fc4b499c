import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { crmFace } from '../shared/face.ts';
import { queryNumber } from '../shared/fields.ts';
import { shownAsPage } from '../shared/paging.ts';
import { noContent, shownAs } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';
import { CRM_PREFIXES, pageQuery, recordBodies } from './persons.ts';

// Document 003's organizations (companies), served at /api/crm/organizations/ and /organizations/.

const c = contracts.companies.organizations;
const { json } = routesOf(crmFace);

const organization = snakeFace(contracts.companies.Organization);
const params = z.object({ id: c.get.input.shape.organizationId });
const fields = snakeInput(c.create.input.shape);
const patchFields = snakeInput(c.update.input.omit({ organizationId: true }).shape);
const { body, patchBody } = recordBodies(fields, patchFields, ['id', 'platform', 'created_at', 'updated_at']);

/** Every answer but the list's and the delete's is one organization. */
const shown = shownAs(organization);
const one = (prefix: string) => `${prefix}/organizations/{id}/`;

const f = c.list.input.unwrap().shape;
const listQuery = z.object({
  name: f.name,
  owner: queryNumber(f.owner),
  ...pageQuery(f),
});

export const organizationRoutes = CRM_PREFIXES.flatMap((prefix) => [
  json({
    method: 'get',
    path: `${prefix}/organizations/`,
    contract: c.list,
    status: 200,
    query: listQuery,
    ...shownAsPage(organization),
    input: ({ query: q }) => ({ name: q.name, owner: q.owner, page: q.page, pageSize: q.page_size }),
  }),
  json({
    method: 'post',
    path: `${prefix}/organizations/`,
    contract: c.create,
    status: 201,
    body,
    ...shown,
    input: ({ body: b }) => fields.toContract(b),
  }),
  json({
    method: 'get',
    path: one(prefix),
    contract: c.get,
    status: 200,
    params,
    ...shown,
    input: ({ params: p }) => ({ organizationId: p.id }),
  }),
  json({
    method: 'put',
    path: one(prefix),
    contract: c.replace,
    status: 200,
    params,
    body,
    ...shown,
    input: ({ params: p, body: b }) => ({ ...fields.toContract(b), organizationId: p.id }),
  }),
  json({
    method: 'patch',
    path: one(prefix),
    contract: c.update,
    status: 200,
    params,
    body: patchBody,
    ...shown,
    input: ({ params: p, body: b }) => ({ ...patchFields.toContract(b ?? {}), organizationId: p.id }),
  }),
  json({
    method: 'delete',
    path: one(prefix),
    contract: c.delete,
    params,
    ...noContent,
    input: ({ params: p }) => ({ organizationId: p.id }),
  }),
]);
