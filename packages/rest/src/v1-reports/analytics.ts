import { contracts } from '@crm/api';
import { snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { fromNothing, fromSnakeBody, inSnakeCase } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /v1/analytics/*: usage tracking (every plan) and the 30-day traffic rollup (admin), document 000.

const c = contracts.analytics.analytics;
const { json } = routesOf(v1Face);

export const analyticsRoutes = [
  json('post', '/v1/analytics/track', { status: 201, ...fromSnakeBody(snakeInput(c.track.input.shape)), ...inSnakeCase(c.track) }),
  json('get', '/v1/analytics/traffic', { ...fromNothing, ...inSnakeCase(c.traffic) }),
];
