import { contracts } from '@crm/api';
import { z } from 'zod';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';

// Document 001 shares the contracts' vocabulary (camelCase, integer user ids): its face adds the
// {success, data} envelope and takes path parameters.

const { tenants, health } = contracts.identity;
const { json } = routesOf(apiV1Face);
const same = <T>(x: T) => x;

export const tenantRoutes = [
  json({
    method: 'get',
    path: '/api/v1/health',
    contract: health.check,
    status: 200,
    response: health.check.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/health/system',
    contract: health.system,
    status: 200,
    response: health.system.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'post',
    path: '/api/v1/tenants/register',
    contract: tenants.register,
    status: 201,
    body: tenants.register.input.strict(),
    response: tenants.register.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/tenants/me',
    contract: tenants.me,
    status: 200,
    response: tenants.me.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/tenants/by-slug/{slug}',
    contract: tenants.bySlug,
    status: 200,
    params: tenants.bySlug.input,
    response: tenants.bySlug.output,
    input: ({ params }) => params,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/tenants/check-slug/{slug}',
    contract: tenants.checkSlug,
    status: 200,
    params: tenants.checkSlug.input,
    response: tenants.checkSlug.output,
    input: ({ params }) => params,
    output: same,
  }),
];

export const healthShape = z.object({});
