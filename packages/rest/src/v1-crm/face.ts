import type { Face } from '../shared/handler.ts';

/** Document 000: bare resources, snake_case, errors as {code, message}. */
export const v1Face: Face = {
  name: 'v1',
  ok: (data) => data,
  error: ({ code, message, details, requestId }) => ({
    code,
    message,
    ...(details ? { details } : {}),
    request_id: requestId,
  }),
};
