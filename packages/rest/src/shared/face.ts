import { z } from 'zod';

/**
 * How one documented surface shapes its answers: the envelope around a result and the shape of an
 * error. Faces differ in envelopes and casing, never in behaviour: every route calls the router.
 */
export interface Face {
  name: string;
  /** The OpenAPI tag its routes are listed under. */
  tag: string;
  /** The success body around a result. */
  ok(data: unknown): unknown;
  /** The schema of that body, given the result's. */
  okSchema(data: z.ZodType): z.ZodType;
  error(e: ErrorBody): unknown;
  errorSchema: z.ZodType;
}

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
  requestId: string;
}

/** Document 001: `{success, data}` envelopes, camelCase. */
export const apiV1Face: Face = {
  name: 'api-v1',
  tag: 'Core platform (document 001)',
  ok: (data) => ({ success: true, data }),
  okSchema: (data) => z.object({ success: z.literal(true), data }),
  error: ({ code, message, details, requestId }) => ({
    success: false,
    code,
    message,
    error: { code, message, ...(details ? { details } : {}) },
    requestId,
  }),
  errorSchema: z.object({
    success: z.literal(false),
    code: z.string().describe('machine-readable, stable'),
    message: z.string(),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
    requestId: z.string(),
  }),
};

/**
 * A face that answers bare resources (no envelope) and errors with a snake_case `request_id`; the
 * documents differ only in where the message goes (`message`, or Django REST Framework's `detail`).
 */
function bareFace(name: string, tag: string, messageKey: 'message' | 'detail'): Face {
  return {
    name,
    tag,
    ok: (data) => data,
    okSchema: (data) => data,
    error: ({ code, message, details, requestId }) => ({
      [messageKey]: message,
      code,
      ...(details ? { details } : {}),
      request_id: requestId,
    }),
    errorSchema: z.object({
      [messageKey]: z.string(),
      code: z.string().describe('machine-readable, stable'),
      details: z.unknown().optional(),
      request_id: z.string(),
    }),
  };
}

/** Document 000: bare resources, snake_case, errors as {code, message}. */
export const v1Face: Face = bareFace('v1', 'Pipeline CRM (document 000)', 'message');

/**
 * Document 003 (persons and organizations, a Django REST Framework service): bare resources,
 * snake_case, `{count, next, previous, results}` pages, errors with DRF's `detail` plus our `code`.
 */
export const crmFace: Face = bareFace('crm', 'CRM persons and organizations (document 003)', 'detail');

/** Document 002 (accounts): camelCase resources, errors as {code, message} like document 000's. */
export const accountsFace: Face = { ...v1Face, name: 'accounts', tag: 'Accounts (document 002)' };

/** The face a path belongs to, for answers given before a route is known (413, 404). */
export function faceOfPath(path: string): Face {
  if (path.startsWith('/api/v1/')) return apiV1Face;
  if (path.startsWith('/api/crm/') || path.startsWith('/persons/') || path.startsWith('/organizations/')) return crmFace;
  return v1Face;
}
