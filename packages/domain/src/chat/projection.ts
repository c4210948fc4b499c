import { pick, rowCreated, rowStamp, typedRowProjection } from '../shared/events.ts';
import { ChatEvent, chatEventSchemas } from './events.ts';
import './tables.ts';

// Chat's read models, each folded by one evolve, inline (a POST then a GET sees it) and in rebuilds.

export const memberKey = (channelId: string, userId: number) => `${channelId}:${userId}`;

/** The channel: its kind and name, its newest message (for the list) and the stream's version. */
export const chatChannelsProjection = typedRowProjection(chatEventSchemas, {
  name: 'chat.channels',
  table: 'chat_channels',
  columns: [
    'tenant_id',
    'id',
    'kind',
    'name',
    'direct_key',
    'created_by',
    'last_seq',
    'last_message_id',
    'last_message_author_id',
    'last_message_content',
    'last_message_at',
    'last_activity_at',
    'version',
    'created_at',
    'updated_at',
  ],
  creates: [ChatEvent.ChatChannelOpened],
  evolve(row, e) {
    switch (e.type) {
      case ChatEvent.ChatChannelOpened: {
        const d = e.data;
        return {
          ...rowCreated(e, e.streamId),
          ...pick(d, 'kind', 'name', 'direct_key', 'created_by'),
          last_seq: 0,
          last_message_id: null,
          last_message_author_id: null,
          last_message_content: null,
          last_message_at: null,
          last_activity_at: e.occurredAt,
        };
      }
      case ChatEvent.ChatMessagePosted: {
        const d = e.data;
        return (
          row && {
            ...row,
            ...rowStamp(e),
            last_seq: d.seq,
            last_message_id: d.message_id,
            last_message_author_id: d.author_id,
            last_message_content: d.content,
            last_message_at: e.occurredAt,
            last_activity_at: e.occurredAt,
          }
        );
      }
      // A read changes nothing shown here, but it is an event of the stream: the version follows it.
      case ChatEvent.ChatChannelRead:
        return row && { ...row, ...rowStamp(e) };
    }
  },
});

/** One row per member: opened with the channel, moved on by their reads. */
export const chatMembersProjection = typedRowProjection(chatEventSchemas, {
  name: 'chat.members',
  table: 'chat_members',
  columns: ['tenant_id', 'id', 'channel_id', 'user_id', 'read_seq', 'read_message_id', 'read_at', 'joined_at'],
  handles: [ChatEvent.ChatChannelOpened, ChatEvent.ChatChannelRead],
  creates: [ChatEvent.ChatChannelOpened],
  keysOf: (e) =>
    e.type === ChatEvent.ChatChannelOpened
      ? e.data.member_ids.map((u) => memberKey(e.streamId, u))
      : [memberKey(e.streamId, e.data.user_id)],
  evolve(row, e, key) {
    if (e.type === ChatEvent.ChatChannelRead)
      return row && { ...row, read_seq: e.data.seq, read_message_id: e.data.message_id, read_at: e.occurredAt };
    return {
      tenant_id: e.tenantId,
      id: key,
      channel_id: e.streamId,
      user_id: Number(key.slice(key.lastIndexOf(':') + 1)),
      read_seq: 0,
      read_message_id: null,
      read_at: null,
      joined_at: e.occurredAt,
    };
  },
});

/** Every message, in its channel's order. */
export const chatMessagesProjection = typedRowProjection(chatEventSchemas, {
  name: 'chat.messages',
  table: 'chat_messages',
  columns: ['tenant_id', 'id', 'channel_id', 'seq', 'author_id', 'content', 'created_at'],
  handles: [ChatEvent.ChatMessagePosted],
  creates: [ChatEvent.ChatMessagePosted],
  keysOf: (e) => [e.data.message_id],
  evolve: (_row, e) => ({
    tenant_id: e.tenantId,
    id: e.data.message_id,
    channel_id: e.streamId,
    seq: e.data.seq,
    author_id: e.data.author_id,
    content: e.data.content,
    created_at: e.occurredAt,
  }),
});

export const chatProjections = [chatChannelsProjection, chatMembersProjection, chatMessagesProjection];
