import { randomUUID } from 'node:crypto';
import { lockKey } from '../shared/command.ts';
import { appendDecided, type CommandContext } from '../shared/command.ts';
import { DomainError } from '../shared/errors.ts';
import { channelNotFound, markRead, openDirect, openGroup, postMessage } from './decide.ts';
import { chatChannelStream, directKey } from './events.ts';
import { type ChannelRecord, findChannel, findDirectChannel, findMessage, readSeqOf, userStatuses } from './queries.ts';
import type { ChatMessagesTable } from './tables.ts';

// Chat's commands: load what decide needs, decide, append. A channel's row is locked while a
// command decides on it, so posts and reads of one channel queue rather than collide.

/** Chat speaks as a user: every credential here has one (an API key acts as the user who made it). */
function callerOf(ctx: CommandContext): number {
  if (ctx.userId === null) throw new DomainError('forbidden', 'user_required', 'chat needs a user; this credential has none');
  return ctx.userId;
}

async function loadChannel(ctx: CommandContext, channelId: string): Promise<ChannelRecord> {
  const channel = await findChannel(ctx.tx, ctx.tenantId, channelId, true);
  if (!channel) throw channelNotFound(channelId);
  return channel;
}

/**
 * Start or resume the direct channel of the caller and another user. The pair's key is locked
 * first, so two people opening their channel at once get the same one.
 */
export async function startDirectChannel(ctx: CommandContext, otherId: number): Promise<{ channelId: string; created: boolean }> {
  const callerId = callerOf(ctx);
  await lockKey(ctx, 'chat.direct', directKey(callerId, otherId));
  const existing = await findDirectChannel(ctx.tx, ctx.tenantId, directKey(callerId, otherId));
  const statuses = await userStatuses(ctx.tx, ctx.tenantId, [otherId]);
  const channelId = existing?.id ?? randomUUID();
  const events = openDirect({ channelId, callerId, otherId }, statuses.get(otherId), existing);
  await appendDecided(ctx, chatChannelStream(channelId), 0, events);
  return { channelId, created: events.length > 0 };
}

/** A new group of the caller and the members named. */
export async function createGroupChannel(ctx: CommandContext, input: { name: string; memberIds: readonly number[] }): Promise<string> {
  const callerId = callerOf(ctx);
  const channelId = randomUUID();
  const statuses = await userStatuses(ctx.tx, ctx.tenantId, input.memberIds);
  await appendDecided(ctx, chatChannelStream(channelId), 0, openGroup({ channelId, callerId, ...input }, statuses));
  return channelId;
}

/** The caller posts to a channel of theirs; answers the message as stored. */
export async function postChatMessage(ctx: CommandContext, channelId: string, content: string): Promise<ChatMessagesTable> {
  const authorId = callerOf(ctx);
  const channel = await loadChannel(ctx, channelId);
  const messageId = randomUUID();
  await appendDecided(ctx, chatChannelStream(channelId), channel.row.version, postMessage(channel, { messageId, authorId, content }));
  return (await findMessage(ctx.tx, ctx.tenantId, messageId))!;
}

/** The caller has read the channel up to its newest message. */
export async function readChannel(ctx: CommandContext, channelId: string): Promise<void> {
  const userId = callerOf(ctx);
  const channel = await loadChannel(ctx, channelId);
  const readSeq = (await readSeqOf(ctx.tx, ctx.tenantId, channelId, userId)) ?? 0;
  await appendDecided(ctx, chatChannelStream(channelId), channel.row.version, markRead(channel, userId, readSeq));
}
