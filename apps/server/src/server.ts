import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { appRouter, createContext, NOTIFICATIONS_WS_PATH, notificationSockets, type Services } from '@crm/api';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { createApp } from './app.ts';

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  /** Stop accepting, let in-flight requests finish, close sockets. Does not close the database. */
  close(): Promise<void>;
}

/**
 * HTTP (Hono) and WebSocket on one port. tRPC subscriptions use /trpc-ws; the token comes in the
 * connection params (browsers cannot set headers on a WebSocket) or an Authorization header.
 */
export function startServer(services: Services, opts: { port: number; host?: string }): Promise<RunningServer> {
  const app = createApp(services);
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host ?? '0.0.0.0' }, (info: AddressInfo) => {
      const wss = new WebSocketServer({ noServer: true });
      const handler = applyWSSHandler({
        wss,
        router: appRouter,
        keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
        createContext: ({ req, info: conn }) => {
          const token = (conn.connectionParams as { token?: string } | null)?.token;
          return createContext(services, {
            authorization: token ? `Bearer ${token}` : req.headers.authorization,
            source: 'trpc',
            clientIp: req.socket.remoteAddress ?? null,
          });
        },
      });
      const notificationWs = notificationSockets(services);
      server.on('upgrade', (req, socket, head) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        if (path === NOTIFICATIONS_WS_PATH) return notificationWs.handleUpgrade(req, socket, head);
        if (path !== '/trpc-ws') {
          socket.end('HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\r\n{"code":"route_not_found"}');
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      });
      resolve({
        server: server as Server,
        port: info.port,
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            handler.broadcastReconnectNotification();
            for (const client of wss.clients) client.terminate();
            wss.close();
            notificationWs.close();
            server.close(() => done());
            (server as Server).closeIdleConnections?.();
          }),
      });
    }) as Server;
  });
}
