import { Hono } from 'hono';
import { apiV1 } from './api-v1/index.ts';
import type { RestEnv } from './shared/env.ts';
import { v1Crm } from './v1-crm/index.ts';

export type { RestEnv } from './shared/env.ts';
export { errorResponse, type Face } from './shared/handler.ts';
export { apiV1Face } from './api-v1/face.ts';
export { v1Face } from './v1-crm/face.ts';
export { buildOpenApi } from './openapi/index.ts';

/** Every documented REST surface, mounted at its own prefix. */
export function restFaces(): Hono<RestEnv> {
  return new Hono<RestEnv>().route('/api/v1', apiV1).route('/v1/crm', v1Crm);
}
