import { appRouter } from '@crm/api';
import type { Hono } from 'hono';
import { z } from 'zod';
import type { DocumentedHandler, RouteDoc } from '../shared/handler.ts';

type JsonSchema = { type?: string; properties?: Record<string, unknown>; required?: string[]; [k: string]: unknown };

const FACES: Record<string, { tag: string; ok: (data: JsonSchema) => JsonSchema; error: JsonSchema }> = {
  'api-v1': {
    tag: 'Core platform (document 001)',
    ok: (data) => ({ type: 'object', properties: { success: { const: true }, data }, required: ['success', 'data'] }),
    error: {
      type: 'object',
      properties: {
        success: { const: false }, code: { type: 'string' }, message: { type: 'string' },
        error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } },
        requestId: { type: 'string' },
      },
      required: ['success', 'code', 'message'],
    },
  },
  v1: {
    tag: 'Pipeline CRM (document 000)',
    ok: (data) => data,
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {}, request_id: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
};

/** The router procedure's input, as JSON Schema: the one definition of what a route accepts. */
function inputSchema(procedure: string | undefined): JsonSchema | undefined {
  if (!procedure) return undefined;
  const proc = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { inputs: z.ZodType[] } }> } })._def.procedures[procedure];
  const parser = proc?._def.inputs[0];
  if (!parser) return undefined;
  const { $schema: _, ...schema } = z.toJSONSchema(parser, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return schema;
}

function operation(method: string, path: string, doc: RouteDoc) {
  const face = FACES[doc.face ?? 'v1']!;
  const pathParams = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const schema = inputSchema(doc.procedure);
  const props: Record<string, unknown> = { ...(schema?.properties ?? {}) };
  const required = new Set(schema?.required ?? []);
  const parameters: unknown[] = pathParams.map((name) => ({ name, in: 'path', required: true, schema: props[name] ?? { type: 'string' } }));
  for (const name of pathParams) delete props[name];
  // The version a write was decided against travels as If-Match on REST.
  if ('expected_version' in props) {
    delete props.expected_version;
    parameters.push({ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'The version you read (ETag); a stale one is refused with 409 version_conflict.' });
  }
  const op: Record<string, unknown> = {
    tags: [face.tag],
    summary: doc.summary,
    ...(doc.procedure ? { operationId: `${method} ${path.replace(/:(\w+)/g, '{$1}')}`, 'x-trpc-procedure': doc.procedure } : {}),
    ...(doc.public ? { security: [] } : {}),
  };
  const hasFields = Object.keys(props).length > 0;
  if (method === 'get' || method === 'delete') {
    for (const [name, s] of Object.entries(props)) parameters.push({ name, in: 'query', required: required.has(name), schema: s });
  } else if (hasFields) {
    const bodyRequired = [...required].filter((n) => n in props);
    op.requestBody = {
      required: bodyRequired.length > 0,
      content: { 'application/json': { schema: { type: 'object', properties: props, ...(bodyRequired.length ? { required: bodyRequired } : {}) } } },
    };
  }
  if (parameters.length > 0) op.parameters = parameters;
  const errors = { description: 'Refused: the body says why, with a machine-readable code.', content: { 'application/json': { schema: face.error } } };
  op.responses = {
    [String(doc.status ?? 200)]: {
      description: 'OK',
      content: doc.produces ? { [doc.produces]: { schema: { type: 'string' } } } : { 'application/json': { schema: face.ok({}) } },
    },
    '4XX': errors,
  };
  return op;
}

/**
 * OpenAPI 3.1 for every documented REST route, read off the app itself: Hono's route list gives
 * paths and methods, each handler's doc its procedure, and the procedure's zod input the schema.
 * Nothing here restates what the router already says.
 */
export function buildOpenApi(app: Hono<any>, info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of app.routes) {
    const doc = (route.handler as DocumentedHandler).doc;
    if (!doc || route.method === 'ALL') continue;
    const method = route.method.toLowerCase();
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[method] = operation(method, route.path, doc);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'CRM platform',
      version: info.version,
      description:
        'Every documented REST face of the platform. Each route calls the same tRPC procedure internal clients use ' +
        '(x-trpc-procedure). Errors are JSON with a stable `code`; unknown paths answer 404 `route_not_found`.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An access token from POST /api/v1/auth/login, or a cdb_ API key.' },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
