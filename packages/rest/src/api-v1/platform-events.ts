import { contracts } from '@crm/api';
import { pageAndLimit } from '../shared/fields.ts';
import { apiV1Face } from '../shared/face.ts';
import { asIs, fromBody, fromParams, fromParamsAndQuery } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/platform-events (document 001, {success, data}, camelCase). POST /batch and
// GET /{canonicalId} differ by method; /summary and /activity-summary sit under the entity.

const { platformEvents } = contracts.platformEvents;
const { json } = routesOf(apiV1Face);
const BASE = '/api/v1/platform-events';

const byCanonical = platformEvents.summary.input;
const listQuery = platformEvents.list.input.omit({ canonicalId: true }).extend(pageAndLimit(platformEvents.list.input.shape));

export const platformEventRoutes = [
  json({ method: 'post', path: BASE, status: 201, body: platformEvents.write.input, ...asIs(platformEvents.write), ...fromBody }),
  json({
    method: 'post',
    path: `${BASE}/batch`,
    status: 201,
    body: platformEvents.batch.input,
    ...asIs(platformEvents.batch),
    ...fromBody,
  }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}`,
    status: 200,
    params: byCanonical,
    query: listQuery,
    ...asIs(platformEvents.list),
    ...fromParamsAndQuery,
  }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}/summary`,
    status: 200,
    params: byCanonical,
    ...asIs(platformEvents.summary),
    ...fromParams,
  }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}/activity-summary`,
    status: 200,
    params: byCanonical,
    ...asIs(platformEvents.activitySummary),
    ...fromParams,
  }),
];
