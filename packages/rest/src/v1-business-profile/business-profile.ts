import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { queryNumber } from '../shared/fields.ts';
import { fromNothing } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /v1/business-profile (document 000: snake_case, bare resources): the caller's own profile and
// ICP scoring against it.

const c = contracts.businessProfile.businessProfile;
const { json } = routesOf(v1Face);
const BASE = '/v1/business-profile';

const profile = snakeFace(contracts.businessProfile.BusinessProfile);
const fields = snakeInput(c.create.input.shape);
const scoreBody = snakeInput(c.icpScore.input.shape);
const score = snakeFace(c.icpScore.output);
const leads = snakeFace(c.icpLeads.output);
const leadFilters = c.icpLeads.input.unwrap().shape;
const leadsQuery = z.object({
  scope: leadFilters.scope.describe("mine: the domains of your own deals; tenant: your whole tenant's pipeline"),
  page: queryNumber(leadFilters.page),
  page_size: queryNumber(leadFilters.pageSize),
  limit: queryNumber(leadFilters.pageSize).describe('the same as page_size'),
});

/** A profile route: the answer is the profile as it now stands. */
const asProfile = { response: profile.schema, output: profile.map };
const withFields = { body: fields.schema, input: ({ body }: { body: z.output<typeof fields.schema> }) => fields.toContract(body) };

export const businessProfileRoutes = [
  json({ method: 'get', path: BASE, contract: c.get, status: 200, ...asProfile, ...fromNothing }),
  json({ method: 'post', path: BASE, contract: c.create, status: 201, ...asProfile, ...withFields }),
  json({ method: 'put', path: BASE, contract: c.update, status: 200, ...asProfile, ...withFields }),
  json({ method: 'delete', path: BASE, contract: c.reset, status: 200, ...asProfile, ...fromNothing }),
  json({ method: 'post', path: `${BASE}/skip`, contract: c.skip, status: 200, ...asProfile, ...fromNothing }),
  json({
    method: 'post',
    path: `${BASE}/icp-score`,
    contract: c.icpScore,
    status: 200,
    body: scoreBody.schema,
    response: score.schema,
    input: ({ body }) => scoreBody.toContract(body),
    output: score.map,
  }),
  json({
    method: 'get',
    path: `${BASE}/icp-leads`,
    contract: c.icpLeads,
    status: 200,
    query: leadsQuery,
    response: leads.schema,
    input: ({ query: q }) => ({ scope: q.scope, page: q.page, pageSize: q.page_size ?? q.limit }),
    output: leads.map,
  }),
];
