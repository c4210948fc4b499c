import type { AppRouter } from '@crm/api';
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink, type TRPCLink } from '@trpc/client';
import superjson from 'superjson';
import WebSocketImpl from 'ws';

export type { AppRouter };

export interface ClientOptions {
  /** Base URL of the server, e.g. http://localhost:3000 */
  url: string;
  /** Access token or cdb_ API key; a function is asked before every request (token refresh). */
  token?: string | (() => string | undefined);
  /** Subscriptions over WebSocket at /trpc-ws; omit for queries and mutations only. */
  websocket?: boolean;
  fetch?: typeof fetch;
}

/** The typed client internal frontends use: batched HTTP for calls, WebSocket for subscriptions. */
export function createClient(options: ClientOptions) {
  const token = () => (typeof options.token === 'function' ? options.token() : options.token);
  const base = options.url.replace(/\/$/, '');
  const http = httpBatchLink({
    url: `${base}/trpc`,
    transformer: superjson,
    headers: () => {
      const t = token();
      return t ? { authorization: `Bearer ${t}` } : {};
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  let link: TRPCLink<AppRouter> = http;
  let close = () => {};
  if (options.websocket) {
    const ws = createWSClient({
      url: `${base.replace(/^http/, 'ws')}/trpc-ws`,
      // Node 20 has no global WebSocket; browsers and Node 22+ do.
      WebSocket: (globalThis.WebSocket ?? WebSocketImpl) as unknown as typeof WebSocket,
      connectionParams: () => {
        const t = token();
        return t ? { token: t } : {};
      },
    });
    close = () => ws.close();
    link = splitLink({ condition: (op) => op.type === 'subscription', true: wsLink({ client: ws, transformer: superjson }), false: http });
  }
  const client = createTRPCClient<AppRouter>({ links: [link] });
  return Object.assign(client, { close });
}
