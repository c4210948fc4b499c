import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { notifications as domain } from '@crm/domain';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Context, createContext } from '../context.ts';
import { notifications as contracts } from '../contracts/notifications.ts';
import { describeError } from '../errors.ts';
import { notificationDto } from '../routers/notifications.ts';
import type { Services } from '../services.ts';
import { type AuthedContext, checkAccess } from '../trpc.ts';
import { runQuery } from '../unit-of-work.ts';
import { onNotificationsWritten } from './runner.ts';

// Document 000's WebSocket, /v1/ws/notifications: each new notification row of the caller, as it
// is written, as JSON in snake_case:
//   {"type":"ready","cursor":"41"}                       once, where the feed starts
//   {"type":"notification","cursor":"42","notification":{...}}
// The credential is `Authorization: Bearer` or `?token=` (browsers cannot set headers); refused,
// the upgrade is answered 401 (or 403). `?after=<cursor>` resumes after the last cursor seen, so
// a client that reconnects misses nothing. The credential is judged again before every push: once
// it no longer holds, the socket is closed with 4401 or 4403 and the error's code as the reason.
// The engine's commits in this process wake the feed; polling every `pollMs` is the truth.

export const NOTIFICATIONS_WS_PATH = '/v1/ws/notifications';
const BATCH = 100;
const snake = (k: string) => k.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);

/** The 000 face's notification: the contract's, with snake_case keys (variables are kept as they are). */
export const snakeNotification = (n: domain.Notification) =>
  Object.fromEntries(Object.entries(notificationDto(n)).map(([k, v]) => [snake(k), v]));

function refuse(socket: Duplex, status: number, body: object): void {
  const json = JSON.stringify(body);
  const reason = status === 400 ? 'Bad Request' : status === 403 ? 'Forbidden' : 'Unauthorized';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
}

function feed(ws: WebSocket, ctx: AuthedContext, startAfter: string, pollMs: number): void {
  const { tenantId, userId } = ctx.principal;
  let cursor = startAfter;
  let running = false;
  let again = false;
  let closed = false;

  const stop = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    ws.close(code, reason.slice(0, 120));
  };
  const pump = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const rows = await runQuery(ctx, (tx) => domain.notificationsAfter(tx, tenantId, userId, cursor, BATCH));
        for (const row of rows) {
          if (closed) return;
          try {
            await checkAccess(await ctx.reauthorize!(), contracts.list.access);
          } catch (error) {
            const d = describeError(error);
            return stop(d.status === 403 ? 4403 : 4401, d.code);
          }
          ws.send(JSON.stringify({ type: 'notification', cursor: String(row.seq), notification: snakeNotification(row) }));
          cursor = String(row.seq);
        }
        if (rows.length === BATCH) again = true;
      } while (again && !closed);
    } catch (error) {
      ctx.services.log.error('notification feed failed', { error: String(error) });
      stop(1011, 'internal_error');
    } finally {
      running = false;
    }
  };

  const unsubscribe = onNotificationsWritten(ctx.services, tenantId, userId, () => void pump());
  const timer = setInterval(() => void pump(), pollMs);
  ws.on('close', () => {
    closed = true;
    unsubscribe();
    clearInterval(timer);
  });
  ws.send(JSON.stringify({ type: 'ready', cursor }));
  void pump();
}

export interface NotificationSockets {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

export function notificationSockets(services: Services, options: { pollMs?: number } = {}): NotificationSockets {
  const wss = new WebSocketServer({ noServer: true });
  const pollMs = options.pollMs ?? 2000;
  return {
    handleUpgrade(req, socket, head) {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const token = url.searchParams.get('token');
        const after = url.searchParams.get('after');
        if (after !== null && !/^\d{1,19}$/.test(after)) {
          return refuse(socket, 400, { code: 'invalid_cursor', message: 'after must be a cursor the feed sent' });
        }
        const ctx: Context = await createContext(services, {
          authorization: token ? `Bearer ${token}` : req.headers.authorization,
          source: 'rest',
          clientIp: req.socket.remoteAddress ?? null,
        });
        try {
          await checkAccess(ctx, contracts.list.access);
        } catch (error) {
          const d = describeError(error);
          return refuse(socket, d.status === 403 ? 403 : 401, { code: d.code, message: d.message });
        }
        const authed = ctx as AuthedContext;
        const start = after ?? (await runQuery(authed, (tx) => domain.lastSeq(tx, authed.principal.tenantId, authed.principal.userId)));
        wss.handleUpgrade(req, socket, head, (ws) => feed(ws, authed, start, pollMs));
      })().catch((error) => {
        services.log.error('notification socket upgrade failed', { error: String(error) });
        socket.destroy();
      });
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
