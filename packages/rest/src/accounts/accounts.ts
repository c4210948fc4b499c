import { contracts } from '@crm/api';
import { z } from 'zod';
import { readOnlyKeys } from '../crm/persons.ts';
import { accountsFace } from '../shared/face.ts';
import { queryNumber } from '../shared/fields.ts';
import { pageLinks, paginated } from '../shared/paging.ts';
import { asIs, noContent } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// Document 002's accounts, served at /api/accounts/: the companies of document 003, camelCase.

const c = contracts.companies.accounts;
const { json } = routesOf(accountsFace);

const MAX_LIMIT = 100;
/** `limit` above 100 is lowered to 100 (document 002: "max: 100"). */
const cappedLimit = <T extends z.ZodType>(field: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) && Number(v) > MAX_LIMIT ? String(MAX_LIMIT) : v),
    queryNumber(field),
  );

const account = contracts.companies.Account;
const page = paginated(contracts.companies.AccountSummary);
const params = z.object({ id: c.get.input.shape.accountId });
const ignored = readOnlyKeys(['id', 'assignedToName', 'contactCount', 'openOpportunityCount', 'openCaseCount', 'createdAt', 'updatedAt']);
const body = z.strictObject({ ...c.create.input.shape, ...ignored });
const patchBody = z.strictObject({ ...c.update.input.omit({ accountId: true }).shape, ...ignored }).optional();

const f = c.list.input.unwrap().shape;
const listQuery = z.object({
  page: queryNumber(f.page),
  limit: cappedLimit(f.limit),
  stage: f.stage,
  industry: f.industry,
  assignedTo: queryNumber(f.assignedTo),
  search: f.search,
});

const strip = <T extends Record<string, unknown>>(b: T) => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(b)) if (!(k in ignored)) out[k] = v;
  return out;
};

export const accountRoutes = [
  json('get', '/api/accounts/', {
    contract: c.list,
    query: listQuery,
    response: page,
    input: ({ query: q }) => ({
      page: q.page,
      limit: q.limit,
      stage: q.stage,
      industry: q.industry,
      assignedTo: q.assignedTo,
      search: q.search,
    }),
    output: (r, reply) => ({ count: r.count, ...pageLinks(reply.url, r.page, r.limit, r.count), results: r.results }),
  }),
  json('post', '/api/accounts/', {
    contract: c.create,
    status: 201,
    body,
    response: account,
    input: ({ body: b }) => strip(b) as z.input<typeof c.create.input>,
    output: (r) => r,
  }),
  json('get', '/api/accounts/{id}/', {
    contract: c.get,
    params,
    response: account,
    input: ({ params: p }) => ({ accountId: p.id }),
    output: (r) => r,
  }),
  json('patch', '/api/accounts/{id}/', {
    contract: c.update,
    params,
    body: patchBody,
    response: account,
    input: ({ params: p, body: b }) => ({ ...(strip(b ?? {}) as object), accountId: p.id }),
    output: (r) => r,
  }),
  json('delete', '/api/accounts/{id}/', { contract: c.delete, params, ...noContent, input: ({ params: p }) => ({ accountId: p.id }) }),
  json('get', '/api/accounts/{id}/contacts/', { params, ...asIs(c.contacts), input: ({ params: p }) => ({ accountId: p.id }) }),
];
