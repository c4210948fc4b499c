import type { AppRouter } from '@crm/api';
import { LIMITS } from '@crm/api/limits';
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink, type TRPCLink } from '@trpc/client';
import superjson from 'superjson';
import WebSocketImpl from 'ws';

export type { AppRouter };

export interface ClientOptions {
  /** Base URL of the server, e.g. http://localhost:3000 */
  url: string;
  /** Access token or cdb_ API key; a function is asked before every request (token refresh). */
  token?: string | (() => string | undefined);
  fetch?: typeof fetch;
}

function httpLink(options: ClientOptions, token: () => string | undefined) {
  return httpBatchLink({
    url: `${options.url.replace(/\/$/, '')}/trpc`,
    transformer: superjson,
    // The server refuses larger batches; the link splits them instead.
    maxItems: LIMITS.trpcBatch,
    headers: () => {
      const t = token();
      return t ? { authorization: `Bearer ${t}` } : {};
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

const tokenOf = (options: ClientOptions) => () => (typeof options.token === 'function' ? options.token() : options.token);

/** The typed client internal frontends use for queries and mutations (batched HTTP). */
export function createClient(options: Omit<ClientOptions, 'websocket'>) {
  return createTRPCClient<AppRouter>({ links: [httpLink(options, tokenOf(options))] });
}

/**
 * The same client plus subscriptions over one WebSocket (/trpc-ws). Returned beside the client,
 * not on it: every property of a tRPC client is a procedure path.
 */
export function createLiveClient(options: Omit<ClientOptions, 'websocket'>) {
  const token = tokenOf(options);
  const ws = createWSClient({
    url: `${options.url.replace(/\/$/, '').replace(/^http/, 'ws')}/trpc-ws`,
    // Node 20 has no global WebSocket; browsers and Node 22+ do.
    WebSocket: (globalThis.WebSocket ?? WebSocketImpl) as unknown as typeof WebSocket,
    connectionParams: () => {
      const t = token();
      return t ? { token: t } : {};
    },
  });
  const link: TRPCLink<AppRouter> = splitLink({
    condition: (op) => op.type === 'subscription',
    true: wsLink({ client: ws, transformer: superjson }),
    false: httpLink(options, token),
  });
  return { client: createTRPCClient<AppRouter>({ links: [link] }), close: () => ws.close() };
}
