import { z } from 'zod';
import type { Face } from '../shared/face.ts';
import type { DeclaredRoute } from '../shared/route.ts';

type JsonSchema = Record<string, unknown>;

/** zod's own JSON Schema (draft 2020-12, which OpenAPI 3.1 uses), without the $schema line. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

function parameters(where: 'path' | 'query' | 'header', schema: z.ZodObject | undefined) {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const s = jsonSchema(field as z.ZodType, 'input');
    const { description, ...rest } = s;
    return {
      name: where === 'header' ? name.replace(/(^|-)\w/g, (m) => m.toUpperCase()) : name,
      in: where,
      required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      schema: rest,
      ...(typeof description === 'string' ? { description } : {}),
    };
  });
}

function errorResponses(route: DeclaredRoute) {
  const content = { 'application/json': { schema: jsonSchema(route.face.errorSchema, 'output') } };
  const r = (description: string) => ({ description, content });
  const access = route.contract.access;
  return {
    '400': r('The request is malformed; `code` says how (validation_error, invalid_json, invalid_text, json_too_deep).'),
    ...(access.public ? {} : { '401': r('No valid credentials.'), '403': r(`The credentials lack ${access.permission}.`) }),
    ...(!access.public && access.plan ? { '402': r(`The tenant's plan is below ${access.plan}.`) } : {}),
    ...(route.params ? { '404': r('No such record in your tenant.') } : {}),
    '413': r('The body is larger than the limit (payload_too_large).'),
    ...(route.body ? { '415': r('The body is not sent as application/json.') } : {}),
    '4XX': r('Refused: the body says why, with a machine-readable code.'),
  };
}

function operation(route: DeclaredRoute) {
  const access = route.contract.access;
  const success =
    route.status === 204
      ? { description: 'No content' }
      : 'json' in route.response
        ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(route.face.okSchema(route.response.json), 'output') } } }
        : { description: 'OK', content: { [route.response.contentType.split(';')[0]!]: { schema: { type: 'string' } } } };
  const params = [...parameters('path', route.params), ...parameters('query', route.query), ...parameters('header', route.headers)];
  return {
    tags: [route.face.tag],
    summary: route.summary,
    operationId: `${route.method}${route.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(\w)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    'x-trpc-procedure': route.contract.path,
    ...(access.public ? { security: [] } : { 'x-permission': access.permission, ...(access.plan ? { 'x-plan': access.plan } : {}) }),
    ...(params.length ? { parameters: params } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: !route.body.safeParse(undefined).success,
            content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [String(route.status)]: success,
      ...(route.otherStatus ? { [String(route.otherStatus)]: success } : {}),
      ...errorResponses(route),
    },
  };
}

/**
 * OpenAPI 3.1 for every declared REST route: parameters, bodies and answers are the routes' own
 * zod schemas, so the description cannot drift from what is validated and sent.
 */
export function buildOpenApi(routes: readonly DeclaredRoute[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  const faces = new Map<string, Face>(routes.map((r) => [r.face.name, r.face]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'CRM platform',
      version: info.version,
      description:
        'Every documented REST face of the platform. Each route calls the tRPC procedure internal clients use ' +
        '(x-trpc-procedure) and is allowed by the permission (x-permission) and plan (x-plan) it names. Errors are JSON ' +
        'with a stable `code`; unknown paths answer 404 `route_not_found`.',
    },
    tags: [...faces.values()].map((f) => ({ name: f.tag })),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An access token from POST /api/v1/auth/login, or a cdb_ API key.' },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
