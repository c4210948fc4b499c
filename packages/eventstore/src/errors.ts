import type { ExpectedVersion, StreamRef } from './types.ts';

/** The stream was not at the version the command was decided against. HTTP 409, tRPC CONFLICT. */
export class ConcurrencyError extends Error {
  readonly code = 'version_conflict';
  constructor(
    readonly stream: StreamRef,
    readonly expected: ExpectedVersion,
  ) {
    super(`${stream.type} ${stream.id} was changed by someone else (expected version ${expected}); reload and retry`);
    this.name = 'ConcurrencyError';
  }
}
