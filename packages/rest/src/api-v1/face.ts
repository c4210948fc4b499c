import type { Face } from '../shared/handler.ts';

/** Document 001: `{success, data}` envelopes, camelCase. */
export const apiV1Face: Face = {
  ok: (data) => ({ success: true, data }),
  error: ({ code, message, details, requestId }) => ({
    success: false,
    code,
    message,
    error: { code, message, ...(details ? { details } : {}) },
    requestId,
  }),
};
