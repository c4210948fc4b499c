import { contracts } from '@crm/api';
import { queryNumber } from '../shared/fields.ts';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/platform-events (document 001, {success, data}, camelCase). POST /batch and
// GET /{canonicalId} differ by method; /summary and /activity-summary sit under the entity.

const { platformEvents } = contracts.platformEvents;
const { json } = routesOf(apiV1Face);
const same = <T>(x: T) => x;
const BASE = '/api/v1/platform-events';

const byCanonical = platformEvents.summary.input;
const listQuery = platformEvents.list.input.omit({ canonicalId: true }).extend({
  page: queryNumber(platformEvents.list.input.shape.page),
  limit: queryNumber(platformEvents.list.input.shape.limit),
});

export const platformEventRoutes = [
  json({
    method: 'post',
    path: BASE,
    contract: platformEvents.write,
    status: 201,
    body: platformEvents.write.input,
    response: platformEvents.write.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'post',
    path: `${BASE}/batch`,
    contract: platformEvents.batch,
    status: 201,
    body: platformEvents.batch.input,
    response: platformEvents.batch.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}`,
    contract: platformEvents.list,
    status: 200,
    params: byCanonical,
    query: listQuery,
    response: platformEvents.list.output,
    input: ({ params, query }) => ({ ...query, canonicalId: params.canonicalId }),
    output: same,
  }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}/summary`,
    contract: platformEvents.summary,
    status: 200,
    params: byCanonical,
    response: platformEvents.summary.output,
    input: ({ params }) => params,
    output: same,
  }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}/activity-summary`,
    contract: platformEvents.activitySummary,
    status: 200,
    params: byCanonical,
    response: platformEvents.activitySummary.output,
    input: ({ params }) => params,
    output: same,
  }),
];
