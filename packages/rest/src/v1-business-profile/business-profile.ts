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
  json('get', BASE, { contract: c.get, ...asProfile, ...fromNothing }),
  json('post', BASE, { contract: c.create, status: 201, ...asProfile, ...withFields }),
  json('put', BASE, { contract: c.update, ...asProfile, ...withFields }),
  json('delete', BASE, { contract: c.reset, ...asProfile, ...fromNothing }),
  json('post', `${BASE}/skip`, { contract: c.skip, ...asProfile, ...fromNothing }),
  json('post', `${BASE}/icp-score`, {
    contract: c.icpScore,
    body: scoreBody.schema,
    response: score.schema,
    input: ({ body }) => scoreBody.toContract(body),
    output: score.map,
  }),
  json('get', `${BASE}/icp-leads`, {
    contract: c.icpLeads,
    query: leadsQuery,
    response: leads.schema,
    input: ({ query: q }) => ({ scope: q.scope, page: q.page, pageSize: q.page_size ?? q.limit }),
    output: leads.map,
  }),
];
