import { contracts } from '@crm/api';
import { z } from 'zod';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';
import { asIs, fromBody, fromNothing, fromParams } from '../shared/parts.ts';

// Document 001 shares the contracts' vocabulary (camelCase, integer user ids): its face adds the
// {success, data} envelope and takes path parameters.

const { tenants, health } = contracts.identity;
const { json } = routesOf(apiV1Face);

export const tenantRoutes = [
  json('get', '/api/v1/health', { ...asIs(health.check), ...fromNothing }),
  json('get', '/api/v1/health/system', { ...asIs(health.system), ...fromNothing }),
  json('get', '/api/v1/health/services', { ...asIs(health.services), ...fromNothing }),
  json('post', '/api/v1/tenants/register', { status: 201, ...asIs(tenants.register), ...fromBody(tenants.register.input.strict()) }),
  json('get', '/api/v1/tenants/me', { ...asIs(tenants.me), ...fromNothing }),
  json('get', '/api/v1/tenants/by-slug/{slug}', { ...asIs(tenants.bySlug), ...fromParams(tenants.bySlug.input) }),
  json('get', '/api/v1/tenants/check-slug/{slug}', { ...asIs(tenants.checkSlug), ...fromParams(tenants.checkSlug.input) }),
];

export const healthShape = z.object({});
