import { randomUUID } from 'node:crypto';
import { appRouter, createContext, LIMITS, NOTIFICATIONS_WS_PATH, type Services } from '@crm/api';
import { buildOpenApi, faceOfPath, restFaces, restRoutes, type RestEnv } from '@crm/rest';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context as HonoContext, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { mountDocs } from './docs.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The peer's address from the socket. X-Forwarded-For is not read: behind a proxy every client
 * would otherwise be able to pick the address its failed logins count against.
 */
function clientIp(c: HonoContext<RestEnv>): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // in-process requests (tests) have no socket
  }
}

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
    c.set('clientIp', clientIp(c));
    const started = performance.now();
    await next();
    // On the answer's own headers: Hono's c.header() on a finished answer rebuilds it around a
    // stream of its body (a full Fetch Response, then a ReadableStream piped out), which was the
    // largest single cost of a small or cached answer. Headers a Response was made with immutable
    // (none of ours) fall back to that path.
    try {
      c.res.headers.set('x-request-id', requestId);
    } catch {
      c.header('x-request-id', requestId);
    }
    services.log.info('request', {
      requestId,
      method: c.req.method,
      path: withoutSecrets(c.req.path),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  // One body limit for every route and /trpc, checked while the body streams in: an oversized
  // request is refused before it is buffered, however many arrive at once. GET and HEAD carry no
  // body the server reads (the node adapter gives them none), and the check would build the full
  // Fetch Request of every read just to find that out (undici's Request and its AbortSignal showed
  // in the board's profile; not measured apart from the header change below).
  const limitBody = bodyLimit({
    maxSize: LIMITS.bodyBytes,
    onError: (c) => {
      const body = faceOfPath(c.req.path).error({
        code: 'payload_too_large',
        message: `the request body is larger than ${LIMITS.bodyBytes} bytes`,
        requestId: c.var.requestId,
      });
      return c.json(body as object, 413);
    },
  });
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));

  app.all('/trpc/*', (c) =>
    fetchRequestHandler({
      endpoint: '/trpc',
      maxBatchSize: LIMITS.trpcBatch,
      req: c.req.raw,
      router: appRouter,
      createContext: () =>
        createContext(services, {
          authorization: c.req.header('authorization'),
          requestId: c.var.requestId,
          source: 'trpc',
          clientIp: c.var.clientIp,
        }),
      onError: ({ error }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          services.log.error('trpc failed', { requestId: c.var.requestId, error: String(error.cause?.stack ?? error.stack) });
        }
      },
    }),
  );

  const faces = restFaces();
  app.route('/', faces);

  // The description is read off the route declarations once; /docs renders it.
  const spec = buildOpenApi(restRoutes, { version: services.version });
  app.get('/openapi.json', (c) => c.json(spec));

  // The notification WebSocket is served by the HTTP server's upgrade handler (server.ts); a
  // request that does not ask for the upgrade is told so, rather than that the path is unknown.
  app.get(NOTIFICATIONS_WS_PATH, (c) => {
    c.header('Upgrade', 'websocket');
    const body = faceOfPath(c.req.path).error({
      code: 'upgrade_required',
      message: `${NOTIFICATIONS_WS_PATH} is a WebSocket: connect with Upgrade: websocket (token in Authorization or ?token=)`,
      requestId: c.var.requestId,
    });
    return c.json(body as object, 426);
  });
  mountDocs(app, { specUrl: '/openapi.json' });

  app.notFound((c) => {
    const body = faceOfPath(c.req.path).error({
      code: 'route_not_found',
      message: `no route for ${c.req.method} ${c.req.path}`,
      requestId: c.var.requestId,
    });
    return c.json(body as object, 404);
  });
  app.onError((error, c) => {
    services.log.error('unhandled', { requestId: c.var.requestId, path: withoutSecrets(c.req.path), error: String(error.stack ?? error) });
    return c.json({ code: 'internal_error', message: 'internal error', request_id: c.var.requestId }, 500);
  });
  return app;
}

/** A path as logged: a token carried in the path (GET /api/v1/auth/verify-email/{token}) is left out. */
export function withoutSecrets(path: string): string {
  return path.replace(/(\/verify-email\/)[^/]*/i, '$1[redacted]');
}
