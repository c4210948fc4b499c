import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { notifications as domain, snakeCase } from '@crm/domain';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Context, createContext } from '../context.ts';
import { notifications as contracts } from '../contracts/notifications.ts';
import { describeError } from '../errors.ts';
import { notificationDto } from '../routers/notifications.ts';
import type { Services } from '../services.ts';
import { type AuthedContext, checkAccess } from '../trpc.ts';
import { runQuery } from '../unit-of-work.ts';
import { type FeedRow, type FeedSubscription, NotificationFeed } from './feed.ts';

// Document 000's WebSocket, /v1/ws/notifications: each new notification row of the caller, as it
// is written, as JSON in snake_case:
//   {"type":"ready","cursor":"41"}                       once, where the feed starts
//   {"type":"notification","cursor":"42","notification":{...}}
// The credential is `Authorization: Bearer` or `?token=` (browsers cannot set headers); refused,
// the upgrade is answered 401 (or 403). `?after=<cursor>` resumes after the last cursor seen, so
// a client that reconnects misses nothing. The credential is judged again before every push: once
// it no longer holds, the socket is closed with 4401 or 4403 and the error's code as the reason.
// The engine's commits in this process wake the feed; polling every `pollMs` is the truth.
//
// Every socket of the process listens to one shared feed (feed.ts): an idle socket costs no query.
// A socket joins the feed where it stands (`joinedAt`); one that resumes from an older cursor first
// reads its own backlog, its rows up to `joinedAt`, once, while what the feed tells it waits in its
// queue; the queue follows, so nothing is missed or sent twice, and every push is in seq order.

export const NOTIFICATIONS_WS_PATH = '/v1/ws/notifications';
const BATCH = 100;
/**
 * Rows a socket may have waiting (a client that does not keep up, a backlog still being read).
 * Past it the queue is dropped and the socket reads its backlog again from its cursor: the
 * database holds the rows, so memory per socket stays bounded and nothing is lost.
 */
const MAX_QUEUED = 1000;
/** The largest cursor PostgreSQL's bigint holds; a larger `after` is a bad request, not a 500. */
const MAX_CURSOR = 9223372036854775807n;

/** The 000 face's notification: the contract's, with snake_case keys (variables are kept as they are). */
export const snakeNotification = (n: domain.Notification) =>
  Object.fromEntries(Object.entries(notificationDto(n)).map(([k, v]) => [snakeCase(k), v]));

const notificationMessage = (n: domain.Notification) =>
  JSON.stringify({ type: 'notification', cursor: String(n.seq), notification: snakeNotification(n) });

function refuse(socket: Duplex, status: number, body: object): void {
  const json = JSON.stringify(body);
  const reason = status === 400 ? 'Bad Request' : status === 403 ? 'Forbidden' : 'Unauthorized';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
}

/** One socket's side of the feed: its cursor, what waits to be sent, and the backlog it still owes. */
class SocketFeed {
  private cursor: bigint;
  private queue: FeedRow[] = [];
  /** Rows of the user up to this seq are to be read from the database first (null: none owed). */
  private backlogTo: bigint | null = null;
  private draining = false;
  private closed = false;
  private subscription: FeedSubscription | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly ctx: AuthedContext,
    private readonly after: bigint | null,
  ) {
    this.cursor = after ?? 0n;
    ws.on('close', () => {
      this.closed = true;
      this.queue = [];
      this.subscription?.unsubscribe();
    });
  }

  async start(feed: NotificationFeed): Promise<void> {
    const { tenantId, userId } = this.ctx.principal;
    const subscription = await feed.subscribe(tenantId, userId, (row) => this.told(row));
    this.subscription = subscription;
    if (this.closed) return subscription.unsubscribe();
    // A new socket starts where the feed stands; a resuming one owes itself the rows in between.
    if (this.after === null) this.cursor = subscription.joinedAt;
    else if (this.after < subscription.joinedAt) this.backlogTo = subscription.joinedAt;
    this.ws.send(JSON.stringify({ type: 'ready', cursor: String(this.cursor) }));
    void this.drain();
  }

  private told(row: FeedRow): void {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUED) {
      // Everything up to this row is in the database: read it from there when the socket is ready.
      this.queue = [];
      this.backlogTo = row.seq;
      return;
    }
    if (this.backlogTo !== null && row.seq <= this.backlogTo) return;
    this.queue.push(row);
    void this.drain();
  }

  private stop(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.subscription?.unsubscribe();
    this.ws.close(code, reason.slice(0, 120));
  }

  /** Judges the credential again, then sends; false when the socket was closed instead. */
  private async push(seq: bigint, message: string): Promise<boolean> {
    try {
      await checkAccess(await this.ctx.reauthorize!(), contracts.list.access);
    } catch (error) {
      const d = describeError(error);
      this.stop(d.status === 403 ? 4403 : 4401, d.code);
      return false;
    }
    if (this.closed) return false;
    this.ws.send(message);
    this.cursor = seq;
    return true;
  }

  private async drain(): Promise<void> {
    if (this.draining || this.subscription === undefined) return;
    this.draining = true;
    try {
      while (!this.closed) {
        if (this.backlogTo !== null) {
          if (!(await this.readBacklog(this.backlogTo))) return;
          continue;
        }
        const row = this.queue.shift();
        if (!row) break;
        if (row.seq <= this.cursor) continue; // a resumed cursor ahead of the feed: already seen
        if (!(await this.push(row.seq, row.message))) return;
      }
    } catch (error) {
      this.ctx.services.log.error('notification socket failed', { error: String(error) });
      this.stop(1011, 'internal_error');
    } finally {
      this.draining = false;
    }
  }

  /** The user's own rows after the cursor up to `to`, in pages, from the database; false when the socket closed. */
  private async readBacklog(to: bigint): Promise<boolean> {
    const { tenantId, userId } = this.ctx.principal;
    for (;;) {
      const rows = await runQuery(this.ctx, (tx) =>
        domain.notificationsAfter(tx, tenantId, userId, String(this.cursor), String(to), BATCH),
      );
      for (const row of rows) if (!(await this.push(BigInt(row.seq), notificationMessage(row)))) return false;
      if (this.closed) return false;
      if (rows.length < BATCH) break;
    }
    // Done, unless the queue overflowed meanwhile and moved the debt further.
    if (this.backlogTo === to) this.backlogTo = null;
    else this.queue = this.queue.filter((r) => r.seq > this.backlogTo!);
    this.cursor = this.cursor > to ? this.cursor : to;
    return true;
  }
}

export interface NotificationSockets {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

export function notificationSockets(services: Services, options: { pollMs?: number } = {}): NotificationSockets {
  const wss = new WebSocketServer({ noServer: true });
  const feed = new NotificationFeed(services, notificationMessage, options.pollMs ?? 2000);
  return {
    handleUpgrade(req, socket, head) {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const token = url.searchParams.get('token');
        const after = url.searchParams.get('after');
        if (after !== null && (!/^\d{1,19}$/.test(after) || BigInt(after) > MAX_CURSOR)) {
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
        wss.handleUpgrade(req, socket, head, (ws) => {
          const client = new SocketFeed(ws, ctx as AuthedContext, after === null ? null : BigInt(after));
          client.start(feed).catch((error) => {
            services.log.error('notification socket failed to join the feed', { error: String(error) });
            ws.close(1011, 'internal_error');
          });
        });
      })().catch((error) => {
        services.log.error('notification socket upgrade failed', { error: String(error) });
        socket.destroy();
      });
    },
    close() {
      feed.close();
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
