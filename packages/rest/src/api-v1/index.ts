import { Hono } from 'hono';
import type { RestEnv } from '../shared/env.ts';
import { handle } from '../shared/handler.ts';
import { jsonBody, param } from '../shared/input.ts';
import { apiV1Face as face } from './face.ts';

/** Document 001, the core platform: /api/v1/... */
export const apiV1 = new Hono<RestEnv>()
  .get('/health', handle(face, (api) => api.health.check(), 200, { procedure: 'health.check', public: true, summary: 'Health check with database connection test.' }))
  .get('/health/system', handle(face, (api) => api.health.system(), 200, { procedure: 'health.system', public: true, summary: 'Infrastructure and downstream service health.' }))

  .post('/tenants/register', handle(face, async (api, c) => api.tenants.register((await jsonBody(c)) as never), 201, {
    procedure: 'tenants.register', public: true, summary: 'Register a new tenant with an admin user (starts a 14-day Pro trial).',
  }))
  .get('/tenants/me', handle(face, (api) => api.tenants.me(), 200, { procedure: 'tenants.me', summary: 'Current tenant information.' }))
  .get('/tenants/by-slug/:slug', handle(face, (api, c) => api.tenants.bySlug({ slug: param(c, 'slug') }), 200, {
    procedure: 'tenants.bySlug', public: true, summary: 'Tenant name by slug, for login page customisation.',
  }))
  .get('/tenants/check-slug/:slug', handle(face, (api, c) => api.tenants.checkSlug({ slug: param(c, 'slug') }), 200, {
    procedure: 'tenants.checkSlug', public: true, summary: 'Whether a tenant slug is valid and available.',
  }))

  .post('/auth/login', handle(face, async (api, c) => api.auth.login((await jsonBody(c)) as never), 200, {
    procedure: 'auth.login', public: true, summary: 'Authenticate with email, password and tenant slug; returns access and refresh tokens.',
  }))
  .post('/auth/refresh', handle(face, async (api, c) => api.auth.refresh((await jsonBody(c)) as never), 200, {
    procedure: 'auth.refresh', public: true, summary: 'Trade a refresh token for new tokens; each refresh token works once.',
  }))
  .post('/auth/logout', handle(face, async (api, c) => api.auth.logout((await jsonBody(c)) as never), 200, {
    procedure: 'auth.logout', summary: 'Invalidate the given refresh token and its session.',
  }))
  .post('/auth/logout-all', handle(face, (api) => api.auth.logoutAll(), 200, {
    procedure: 'auth.logoutAll', summary: 'Invalidate every refresh token of the current user.',
  }))
  .get('/auth/me', handle(face, (api) => api.auth.me(), 200, { procedure: 'auth.me', summary: 'Current authenticated user.' }))
  .get('/users/me', handle(face, (api) => api.auth.me(), 200, { procedure: 'auth.me', summary: 'Current authenticated user.' }))

  // Not in the documents: the way to get the `cdb_` keys that document 000 authenticates with.
  .post('/api-keys', handle(face, async (api, c) => api.apiKeys.create((await jsonBody(c)) as never), 201, {
    procedure: 'apiKeys.create', summary: 'Create an API key (cdb_…); the key is shown only in this answer.',
  }))
  .get('/api-keys', handle(face, (api) => api.apiKeys.list(), 200, { procedure: 'apiKeys.list', summary: 'List API keys (never the keys themselves).' }))
  .delete('/api-keys/:id', handle(face, (api, c) => api.apiKeys.revoke({ id: param(c, 'id') }), 200, {
    procedure: 'apiKeys.revoke', summary: 'Revoke an API key.',
  }));
