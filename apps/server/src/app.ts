import { randomUUID } from 'node:crypto';
import { appRouter, createContext, type Services } from '@crm/api';
import { buildOpenApi, restFaces, type RestEnv } from '@crm/rest';
import { Scalar } from '@scalar/hono-api-reference';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { Hono } from 'hono';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The whole HTTP surface: tRPC at /trpc for internal clients, the documented REST faces, and JSON
 * errors everywhere (no HTML, no stack traces).
 */
export function createApp(services: Services): Hono<RestEnv> {
  const app = new Hono<RestEnv>();

  app.use('*', async (c, next) => {
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    c.set('requestId', requestId);
    c.set('services', services);
    const started = performance.now();
    await next();
    c.header('x-request-id', requestId);
    services.log.info('request', {
      requestId, method: c.req.method, path: c.req.path, status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  app.all('/trpc/*', (c) =>
    fetchRequestHandler({
      endpoint: '/trpc',
      req: c.req.raw,
      router: appRouter,
      createContext: () =>
        createContext(services, { authorization: c.req.header('authorization'), requestId: c.var.requestId, source: 'trpc' }),
      onError: ({ error }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          services.log.error('trpc failed', { requestId: c.var.requestId, error: String(error.cause?.stack ?? error.stack) });
        }
      },
    }),
  );

  const faces = restFaces();
  app.route('/', faces);

  // The description is read off the routes and the router once; /docs renders it.
  const spec = buildOpenApi(faces, { version: services.version });
  app.get('/openapi.json', (c) => c.json(spec));
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'CRM platform API' }));

  app.notFound((c) =>
    c.json({ code: 'route_not_found', message: `no route for ${c.req.method} ${c.req.path}`, request_id: c.var.requestId }, 404),
  );
  app.onError((error, c) => {
    services.log.error('unhandled', { requestId: c.var.requestId, path: c.req.path, error: String(error.stack ?? error) });
    return c.json({ code: 'internal_error', message: 'internal error', request_id: c.var.requestId }, 500);
  });
  return app;
}
