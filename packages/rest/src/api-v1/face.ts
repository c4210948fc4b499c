import type { Face } from '../shared/handler.ts';

/** Document 001: `{success, data}` envelopes, camelCase. */
export const apiV1Face: Face = {
  name: 'api-v1',
  ok: (data) => ({ success: true, data }),
  error: ({ code, message, details, requestId }) => ({
    success: false,
    code,
    message,
    error: { code, message, ...(details ? { details } : {}) },
    requestId,
  }),
};
