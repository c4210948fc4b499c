import { checkAccess, createContext, describeError } from '@crm/api';
import type { Context as HonoContext, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { RestEnv } from './env.ts';
import type { Face } from './face.ts';
import { parseRequest } from './request.ts';
import type { DeclaredRoute } from './route.ts';

/** An error in the face's own shape. Internals never leak: anything undescribed is a plain 500. */
export function errorResponse(c: HonoContext<RestEnv>, face: Face, error: unknown): Response {
  const d = describeError(error);
  if (d.status >= 500) {
    c.var.services.log.error('request failed', {
      requestId: c.var.requestId,
      path: c.req.path,
      error: String((error as Error)?.stack ?? error),
    });
  }
  const retryAfter = d.details && !Array.isArray(d.details) ? (d.details as { retryAfterSeconds?: unknown }).retryAfterSeconds : undefined;
  if (d.status === 429 && typeof retryAfter === 'number') c.header('Retry-After', String(Math.ceil(retryAfter)));
  return c.json(
    face.error({ code: d.code, message: d.message, details: d.details, requestId: c.var.requestId }) as object,
    d.status as ContentfulStatusCode,
  );
}

/** Streams text (or byte) chunks as the body, pulling one chunk per read, so a large export holds one page. */
function streamText(chunks: AsyncIterable<string | Uint8Array>, headers: Record<string, string>): Response {
  const it = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : value);
      },
      async cancel() {
        await it.return?.();
      },
    }),
    { headers },
  );
}

/**
 * The order every route answers in: who is calling and may they (401/403/402, before anything about
 * the request is looked at), then the request's shape (400/415), then the use case itself.
 */
function handler(route: DeclaredRoute) {
  return async (c: HonoContext<RestEnv>): Promise<Response> => {
    try {
      const ctx = await createContext(c.var.services, {
        authorization: c.req.header('authorization'),
        requestId: c.var.requestId,
        source: 'rest',
        clientIp: c.var.clientIp,
      });
      await checkAccess(ctx, route.contract.access);
      const req = await parseRequest(c, route);
      const out = await route.run(ctx, req, { header: (name, value) => c.header(name, value), url: c.req.url });
      if (out.kind === 'stream') return streamText(out.chunks, { 'content-type': out.contentType, ...out.headers });
      if (out.kind === 'bytes') return c.body(out.bytes, out.status, { 'content-type': 'application/json' });
      if (out.status === 204) return c.body(null, 204);
      return c.json(out.body as object, out.status);
    } catch (error) {
      return errorResponse(c, route.face, error);
    }
  };
}

const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/**
 * Fixed segments win over parameters wherever routes overlap (`/deals/kanban` before
 * `/deals/{deal_id}`), whatever order the declarations are listed in.
 */
function specificity(path: string): string {
  return path
    .split('/')
    .map((seg) => (seg.startsWith('{') ? '1' : '0'))
    .join('');
}

export function mount(app: Hono<RestEnv>, routes: readonly DeclaredRoute[]): void {
  const seen = new Set<string>();
  const ordered = [...routes].sort((a, b) => specificity(a.path).localeCompare(specificity(b.path)));
  for (const route of ordered) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`route declared twice: ${key}`);
    seen.add(key);
    app.on(route.method.toUpperCase(), honoPath(route.path), handler(route));
  }
}
