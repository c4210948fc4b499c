/**
 * A refusal a client can act on. `code` is the machine-readable reason (snake_case, stable);
 * `kind` decides the HTTP status and tRPC code, so every face answers the same way.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'payment_required'
  | 'not_found'
  /** It existed and is over for good (an expired invitation link): HTTP 410. */
  | 'gone'
  | 'conflict'
  | 'precondition_failed'
  /** Well-formed and allowed, but the resource's state refuses it (HTTP 422). */
  | 'unprocessable'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  /** A service the use case needs answered wrongly or not at all (HTTP 502): Stripe, say. */
  | 'bad_gateway'
  /** The use case cannot run in this server's configuration (HTTP 503): billing without a Stripe key, say. */
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown> | readonly Record<string, unknown>[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string | number) =>
  new DomainError('not_found', `${what}_not_found`, `${what.replace(/_/g, ' ')} ${id} not found`);
