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
  json('post', BASE, { status: 201, ...asIs(platformEvents.write), ...fromBody(platformEvents.write.input) }),
  json('post', `${BASE}/batch`, { status: 201, ...asIs(platformEvents.batch), ...fromBody(platformEvents.batch.input) }),
  json('get', `${BASE}/{canonicalId}`, { ...asIs(platformEvents.list), ...fromParamsAndQuery(byCanonical, listQuery) }),
  json('get', `${BASE}/{canonicalId}/summary`, { ...asIs(platformEvents.summary), ...fromParams(byCanonical) }),
  json('get', `${BASE}/{canonicalId}/activity-summary`, { ...asIs(platformEvents.activitySummary), ...fromParams(byCanonical) }),
];
