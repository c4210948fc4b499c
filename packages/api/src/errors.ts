import { PG_UNIQUE_VIOLATION, pgErrorCode } from '@crm/db';
import { DomainError, type ErrorKind } from '@crm/domain';
import { ConcurrencyError } from '@crm/eventstore';
import { TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { ZodError } from 'zod';

/** How every face describes a failure: HTTP status, stable machine code, message, details. */
export interface ErrorDescription {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

const KIND: Record<ErrorKind, { status: number; trpc: TRPC_ERROR_CODE_KEY }> = {
  invalid: { status: 400, trpc: 'BAD_REQUEST' },
  unauthorized: { status: 401, trpc: 'UNAUTHORIZED' },
  payment_required: { status: 402, trpc: 'PAYMENT_REQUIRED' },
  forbidden: { status: 403, trpc: 'FORBIDDEN' },
  not_found: { status: 404, trpc: 'NOT_FOUND' },
  // tRPC has no 410; its clients see NOT_FOUND, REST answers 410 from the kind.
  gone: { status: 410, trpc: 'NOT_FOUND' },
  conflict: { status: 409, trpc: 'CONFLICT' },
  precondition_failed: { status: 412, trpc: 'PRECONDITION_FAILED' },
  unprocessable: { status: 422, trpc: 'UNPROCESSABLE_CONTENT' },
  rate_limited: { status: 429, trpc: 'TOO_MANY_REQUESTS' },
  payload_too_large: { status: 413, trpc: 'PAYLOAD_TOO_LARGE' },
  unsupported_media_type: { status: 415, trpc: 'UNSUPPORTED_MEDIA_TYPE' },
  bad_gateway: { status: 502, trpc: 'BAD_GATEWAY' },
  unavailable: { status: 503, trpc: 'SERVICE_UNAVAILABLE' },
};

const STATUS_OF_TRPC: Partial<Record<TRPC_ERROR_CODE_KEY, number>> = {
  PARSE_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE_CONTENT: 422,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  NOT_IMPLEMENTED: 501,
};

function describeCause(error: unknown): ErrorDescription | null {
  if (error instanceof DomainError) {
    return {
      status: KIND[error.kind].status,
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    };
  }
  if (error instanceof ConcurrencyError) return { status: 409, code: error.code, message: error.message };
  // Zod's own error, or the Standard Schema error tRPC raises for an input that fails its parser.
  const issues = error instanceof ZodError ? error.issues : (error as { issues?: unknown } | null)?.issues;
  if (Array.isArray(issues)) {
    const path = (i: { path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }) =>
      (i.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
    return {
      status: 400,
      code: 'validation_error',
      message: issues.map((i) => `${path(i) || 'body'}: ${i.message}`).join('; '),
      details: issues.map((i) => ({ path: path(i), message: i.message })),
    };
  }
  // Text PostgreSQL cannot store (a NUL byte, an invalid sequence): the client's input, never a 500.
  // Schemas refuse it first; this is the wall behind them.
  if (pgErrorCode(error) === '22021' || pgErrorCode(error) === '22P05') {
    return { status: 400, code: 'invalid_text', message: 'text must not contain NUL bytes or unpaired surrogates' };
  }
  if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) {
    return { status: 409, code: 'already_exists', message: 'a record with the same unique value already exists' };
  }
  return null;
}

/** Never leaks internals: anything not described is a 500 with a generic message. */
export function describeError(error: unknown): ErrorDescription {
  const direct = describeCause(error);
  if (direct) return direct;
  if (error instanceof TRPCError) {
    const inner = describeCause(error.cause);
    if (inner) return inner;
    const status = STATUS_OF_TRPC[error.code] ?? 500;
    if (status >= 500)
      return {
        status,
        code: status === 501 ? 'not_implemented' : 'internal_error',
        message: status === 501 ? error.message : 'internal error',
      };
    return { status, code: error.code.toLowerCase(), message: error.message };
  }
  return { status: 500, code: 'internal_error', message: 'internal error' };
}

/** Turns a domain failure into the TRPCError the router throws, keeping the cause for the formatter. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  const d = describeCause(error);
  if (!d) return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'internal error', cause: error });
  const trpc = error instanceof DomainError ? KIND[error.kind].trpc : d.status === 409 ? 'CONFLICT' : 'BAD_REQUEST';
  return new TRPCError({ code: trpc, message: d.message, cause: error });
}
