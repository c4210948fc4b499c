import { contracts } from '@crm/api';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { fromNothing, shownAs } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /v1/analytics/*: usage tracking (every plan) and the 30-day traffic rollup (admin), document 000.

const c = contracts.analytics.analytics;
const { json } = routesOf(v1Face);

const tracked = snakeInput(c.track.input.shape);

export const analyticsRoutes = [
  json({
    method: 'post',
    path: '/v1/analytics/track',
    contract: c.track,
    status: 201,
    body: tracked.schema,
    input: ({ body }) => tracked.toContract(body),
    ...shownAs(snakeFace(c.track.output)),
  }),
  json({
    method: 'get',
    path: '/v1/analytics/traffic',
    contract: c.traffic,
    status: 200,
    ...fromNothing,
    ...shownAs(snakeFace(c.traffic.output)),
  }),
];
