import { createCaller, createContext, describeError } from '@crm/api';
import type { Context as HonoContext } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { RestEnv } from './env.ts';

type Caller = ReturnType<typeof createCaller>;

/**
 * How one documented surface shapes its answers. Faces differ in envelopes and casing, never in
 * behaviour: every handler goes through the same router.
 */
export interface Face {
  /** Names the face in the OpenAPI description. */
  name: string;
  ok(data: unknown): unknown;
  error(e: { code: string; message: string; details?: unknown; requestId: string }): unknown;
}

/** A handler returns data (sent with `status`) or a finished Response (CSV, 204 ...). */
export type Handler = (caller: Caller, c: HonoContext<RestEnv>) => Promise<unknown>;

export function errorResponse(c: HonoContext<RestEnv>, face: Face, error: unknown): Response {
  const d = describeError(error);
  if (d.status >= 500) {
    c.var.services.log.error('request failed', { requestId: c.var.requestId, path: c.req.path, error: String((error as Error)?.stack ?? error) });
  }
  return c.json(
    face.error({ code: d.code, message: d.message, details: d.details, requestId: c.var.requestId }) as object,
    d.status as ContentfulStatusCode,
  );
}

/** What /openapi.json says of a route: the router procedure it calls (for its input schema) and a line. */
export interface RouteDoc {
  procedure?: string;
  summary: string;
  /** Needs no credentials. */
  public?: boolean;
  /** Set by handle(). */
  status?: number;
  face?: string;
  /** The response is not JSON (the CSV export). */
  produces?: string;
}

export type DocumentedHandler = ((c: HonoContext<RestEnv>) => Promise<Response>) & { doc?: RouteDoc };

export function handle(face: Face, fn: Handler, status: ContentfulStatusCode = 200, doc?: RouteDoc): DocumentedHandler {
  const handler = async (c: HonoContext<RestEnv>): Promise<Response> => {
    try {
      const ctx = await createContext(c.var.services, {
        authorization: c.req.header('authorization'),
        requestId: c.var.requestId,
        source: 'rest',
      });
      const out = await fn(createCaller(ctx), c);
      if (out instanceof Response) return out;
      return c.json(face.ok(out) as object, status);
    } catch (error) {
      return errorResponse(c, face, error);
    }
  };
  return doc ? Object.assign(handler, { doc: { ...doc, status, face: face.name } }) : handler;
}
