import { Hono } from 'hono';
import type { RestEnv } from '../shared/env.ts';
import { handle } from '../shared/handler.ts';
import { jsonBody, param } from '../shared/input.ts';
import { apiV1Face as face } from './face.ts';

/** Document 001, the core platform: /api/v1/... */
export const apiV1 = new Hono<RestEnv>()
  .get('/health', handle(face, (api) => api.health.check()))
  .get('/health/system', handle(face, (api) => api.health.system()))

  .post('/tenants/register', handle(face, async (api, c) => api.tenants.register((await jsonBody(c)) as never), 201))
  .get('/tenants/me', handle(face, (api) => api.tenants.me()))
  .get('/tenants/by-slug/:slug', handle(face, (api, c) => api.tenants.bySlug({ slug: param(c, 'slug') })))
  .get('/tenants/check-slug/:slug', handle(face, (api, c) => api.tenants.checkSlug({ slug: param(c, 'slug') })))

  .post('/auth/login', handle(face, async (api, c) => api.auth.login((await jsonBody(c)) as never)))
  .post('/auth/refresh', handle(face, async (api, c) => api.auth.refresh((await jsonBody(c)) as never)))
  .post('/auth/logout', handle(face, async (api, c) => api.auth.logout((await jsonBody(c)) as never)))
  .post('/auth/logout-all', handle(face, (api) => api.auth.logoutAll()))
  .get('/auth/me', handle(face, (api) => api.auth.me()))
  .get('/users/me', handle(face, (api) => api.auth.me()))

  // Not in the documents: the way to get the `cdb_` keys that document 000 authenticates with.
  .post('/api-keys', handle(face, async (api, c) => api.apiKeys.create((await jsonBody(c)) as never), 201))
  .get('/api-keys', handle(face, (api) => api.apiKeys.list()))
  .delete('/api-keys/:id', handle(face, (api, c) => api.apiKeys.revoke({ id: param(c, 'id') })));
