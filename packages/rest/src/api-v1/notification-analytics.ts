import { contracts } from '@crm/api';
import { z } from 'zod';
import { queryNumber } from '../shared/fields.ts';
import { apiV1Face } from '../shared/face.ts';
import { asIs, fromBody, fromNothing, fromQuery } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/notifications/analytics (document 001, {success, data}, camelCase): the delivery
// overview, digest statistics, and the caller's digest settings (PUT and PATCH alike: the
// document gives no method; fields left out keep their value).

const c = contracts.notificationAnalytics;
const { json } = routesOf(apiV1Face);
const BASE = '/api/v1/notifications/analytics';

const overviewQuery = z.object({ days: queryNumber(c.overview.input.unwrap().shape.days) });

export const notificationAnalyticsRoutes = [
  json('get', BASE, { ...asIs(c.overview), ...fromQuery(overviewQuery) }),
  json('get', `${BASE}/digest`, { ...asIs(c.digest), ...fromNothing }),
  json('get', `${BASE}/digest/settings`, { ...asIs(c.digestSettings.get), ...fromNothing }),
  ...(['put', 'patch'] as const).map((method) =>
    json(method, `${BASE}/digest/settings`, {
      summary: `${c.digestSettings.update.summary} (PUT and PATCH alike: the document gives no method.)`,
      ...asIs(c.digestSettings.update),
      ...fromBody(c.digestSettings.update.input),
    }),
  ),
];
