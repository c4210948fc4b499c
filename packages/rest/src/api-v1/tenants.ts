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
  json({ method: 'get', path: '/api/v1/health', status: 200, ...asIs(health.check), ...fromNothing }),
  json({ method: 'get', path: '/api/v1/health/system', status: 200, ...asIs(health.system), ...fromNothing }),
  json({ method: 'get', path: '/api/v1/health/services', status: 200, ...asIs(health.services), ...fromNothing }),
  json({
    method: 'post',
    path: '/api/v1/tenants/register',
    status: 201,
    body: tenants.register.input.strict(),
    ...asIs(tenants.register),
    ...fromBody,
  }),
  json({ method: 'get', path: '/api/v1/tenants/me', status: 200, ...asIs(tenants.me), ...fromNothing }),
  json({
    method: 'get',
    path: '/api/v1/tenants/by-slug/{slug}',
    status: 200,
    params: tenants.bySlug.input,
    ...asIs(tenants.bySlug),
    ...fromParams,
  }),
  json({
    method: 'get',
    path: '/api/v1/tenants/check-slug/{slug}',
    status: 200,
    params: tenants.checkSlug.input,
    ...asIs(tenants.checkSlug),
    ...fromParams,
  }),
];

export const healthShape = z.object({});
