import type { Tx } from '@crm/db';
import { DomainError, chat as domain, iso } from '@crm/domain';
import type { StoredEvent } from '@crm/eventstore';
import type { z } from 'zod';
import * as c from '../contracts/chat.ts';
import { type AuthedContext, mutation, query, router, subscription } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';
import { logFeed } from './log-feed.ts';

// Document 001's chat over the chat module: the caller is always the acting member.

type Channel = z.output<typeof c.Channel>;
type Message = z.output<typeof c.Message>;

const fullName = (u: { first_name: string; last_name: string }) => `${u.first_name} ${u.last_name}`.trim();

const messageDto = (m: domain.ChatMessagesTable): Message => ({
  id: m.id,
  channelId: m.channel_id,
  authorId: m.author_id,
  content: m.content,
  createdAt: iso(m.created_at),
});

const callerOf = (ctx: AuthedContext) => ctx.principal.userId;

/** Channels as the caller sees them: members by name, a direct channel named after the other member. */
async function channelDtos(tx: Tx, tenantId: string, callerId: number, rows: domain.ChannelListRow[]): Promise<Channel[]> {
  const members = await domain.membersOf(
    tx,
    tenantId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const mine = members
      .filter((m) => m.channel_id === r.id)
      .map((m) => ({ id: m.user_id, firstName: m.first_name, lastName: m.last_name, name: fullName(m), active: m.status === 'active' }));
    const other = mine.find((m) => m.id !== callerId);
    return {
      id: r.id,
      type: r.kind as domain.ChannelKind,
      name: r.kind === 'group' ? (r.name ?? '') : (other?.name ?? 'Direct message'),
      members: mine,
      createdBy: r.created_by,
      createdAt: iso(r.created_at),
      lastActivityAt: iso(r.last_activity_at),
      lastMessage:
        r.last_message_id === null
          ? null
          : {
              id: r.last_message_id,
              channelId: r.id,
              authorId: r.last_message_author_id!,
              content: r.last_message_content!,
              createdAt: iso(r.last_message_at!),
            },
      unreadCount: Number(r.unread),
    };
  });
}

/** One channel of the caller's; a channel they are not a member of is not found. */
async function channelFor(tx: Tx, tenantId: string, callerId: number, channelId: string): Promise<Channel> {
  const row = await domain.channelOf(tx, tenantId, callerId, channelId);
  if (!row) throw domain.channelNotFound(channelId);
  return (await channelDtos(tx, tenantId, callerId, [row]))[0]!;
}

/** Message cursors are opaque to clients: base64url of the last shown message's place in its channel. */
const encodeCursor = (seq: number) => Buffer.from(`chat:${seq}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const m = /^chat:([1-9]\d{0,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  // A seq is a PostgreSQL integer: no larger one is ever issued (nor would it fit the column).
  if (!m || Number(m[1]) > 2_147_483_647 || encodeCursor(Number(m[1])) !== cursor)
    throw new DomainError('invalid', 'invalid_cursor', 'cursor is not one this server issued');
  return Number(m[1]);
}

/** The caller's new messages, from the log: only of channels they are a member of, read with the page. */
async function messagesForCaller(tx: Tx, tenantId: string, userId: number, events: StoredEvent[]) {
  const mine = await domain.memberChannelIds(
    tx,
    tenantId,
    userId,
    events.map((e) => e.streamId),
  );
  return events.flatMap((e) =>
    domain.isChatEvent(e, domain.ChatEvent.ChatMessagePosted) && mine.has(e.streamId)
      ? [
          {
            event: e as StoredEvent,
            data: {
              id: e.data.message_id,
              channelId: e.streamId,
              authorId: e.data.author_id,
              content: e.data.content,
              createdAt: e.occurredAt.toISOString(),
            },
          },
        ]
      : [],
  );
}

export const chatRouter = router({
  users: query(c.chat.users, async ({ ctx }) => {
    const callerId = callerOf(ctx);
    const users = await runQuery(ctx, (tx) => domain.activeUsers(tx, ctx.principal.tenantId));
    return users
      .filter((u) => u.id !== callerId)
      .map((u) => ({ id: u.id, firstName: u.first_name, lastName: u.last_name, name: fullName(u), email: u.email, role: u.role }));
  }),
  channels: query(c.chat.channels, async ({ ctx }) => {
    const callerId = callerOf(ctx);
    const tenantId = ctx.principal.tenantId;
    return runQuery(ctx, async (tx) => channelDtos(tx, tenantId, callerId, await domain.channelsOf(tx, tenantId, callerId)));
  }),
  direct: mutation(c.chat.direct, async ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const { channelId, created } = await domain.startDirectChannel(cmd, input.userId);
      return { ...(await channelFor(cmd.tx, cmd.tenantId, callerOf(ctx), channelId)), created };
    }),
  ),
  group: mutation(c.chat.group, async ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => channelFor(cmd.tx, cmd.tenantId, callerOf(ctx), await domain.createGroupChannel(cmd, input))),
  ),
  messages: query(c.chat.messages, async ({ ctx, input }) => {
    const callerId = callerOf(ctx);
    const tenantId = ctx.principal.tenantId;
    const before = input.cursor === undefined || input.cursor === '' ? null : decodeCursor(input.cursor);
    return runQuery(ctx, async (tx) => {
      if ((await domain.readSeqOf(tx, tenantId, input.channelId, callerId)) === null) throw domain.channelNotFound(input.channelId);
      const page = await domain.messagesBefore(tx, tenantId, input.channelId, before, input.limit);
      const last = page.messages.at(-1);
      return { messages: page.messages.map(messageDto), nextCursor: page.more && last ? encodeCursor(last.seq) : null };
    });
  }),
  send: mutation(c.chat.send, async ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => messageDto(await domain.postChatMessage(cmd, input.channelId, input.content))),
  ),
  read: mutation(c.chat.read, async ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      await domain.readChannel(cmd, input.channelId);
      const row = (await domain.channelOf(cmd.tx, cmd.tenantId, callerOf(ctx), input.channelId))!;
      return {
        channelId: input.channelId,
        lastReadMessageId: row.read_message_id,
        readAt: row.read_at ? iso(row.read_at) : null,
        unreadCount: Number(row.unread),
      };
    }),
  ),
  unreadCount: query(c.chat.unreadCount, async ({ ctx }) => {
    const callerId = callerOf(ctx);
    return { count: await runQuery(ctx, (tx) => domain.unreadTotal(tx, ctx.principal.tenantId, callerId)) };
  }),
  live: subscription(c.chat.live, ({ ctx, input, signal }) => {
    const callerId = callerOf(ctx);
    return logFeed({
      ctx,
      lastEventId: input?.lastEventId,
      signal,
      types: [domain.ChatEvent.ChatMessagePosted],
      items: (tx, events) => messagesForCaller(tx, ctx.principal.tenantId, callerId, events),
    });
  }),
});
