import { chat as domain } from '@crm/domain';
import { z } from 'zod';
import { userName } from './answers.ts';
import { contract, noInput, requiredText, text, timestamp, userId, uuid } from './shared.ts';

// Document 001's chat: direct messages (one channel per pair of users) and named groups. Every
// use case acts as the caller, within the channels they are a member of.

const CHAT = { permission: 'chat.use' } as const;
const { messageLength, groupNameLength, groupMembers } = domain.CHAT_LIMITS;

export const ChatUser = z.object({
  id: z.number().int(),
  ...userName,
  name: z.string(),
  email: z.string(),
  role: z.string(),
});

export const ChannelMember = z.object({
  id: z.number().int(),
  ...userName,
  name: z.string(),
  active: z.boolean().describe('false once the user is deactivated; their messages stay'),
});

export const Message = z.object({
  id: uuid,
  channelId: uuid,
  authorId: z.number().int(),
  content: z.string(),
  createdAt: timestamp,
});

export const Channel = z.object({
  id: uuid,
  type: z.enum(domain.CHANNEL_KINDS),
  name: z.string().describe('a group’s name; for a direct channel, the other member’s name'),
  members: z.array(ChannelMember),
  createdBy: z.number().int(),
  createdAt: timestamp,
  lastActivityAt: timestamp.describe('the newest message, or the opening while there is none'),
  lastMessage: Message.nullable(),
  unreadCount: z.number().int().describe('messages of others after your read position'),
});

const byChannel = { channelId: uuid };
const limit = z.number().int().min(1).max(200).default(50);

export const chat = {
  users: contract('chat.users', {
    summary: 'The tenant’s active users other than you, by name: who you can message.',
    access: CHAT,
    input: noInput,
    output: z.array(ChatUser),
  }),
  channels: contract('chat.channels', {
    summary: 'Your channels, newest activity first, each with its last message and your unread count.',
    access: CHAT,
    input: noInput,
    output: z.array(Channel),
  }),
  direct: contract('chat.direct', {
    summary: 'Start or resume the direct channel with another active user of your tenant: one channel per pair, ever.',
    access: CHAT,
    input: z.object({ userId }).strict(),
    output: Channel.extend({ created: z.boolean().describe('true when the channel was opened now, false when resumed') }),
  }),
  group: contract('chat.group', {
    summary: `A group channel of you and the members named (duplicates ignored; at most ${groupMembers} members, you included).`,
    access: CHAT,
    input: z
      .object({
        name: requiredText(groupNameLength),
        memberIds: z
          .array(userId)
          .min(1)
          .max(groupMembers * 2),
      })
      .strict(),
    output: Channel,
  }),
  messages: contract('chat.messages', {
    summary: 'Messages of a channel of yours, newest first; pass nextCursor back as cursor for older ones.',
    access: CHAT,
    input: z.object({ ...byChannel, cursor: text(200).optional(), limit }),
    output: z.object({
      messages: z.array(Message),
      nextCursor: z.string().nullable().describe('null when there are no older messages'),
    }),
  }),
  send: contract('chat.send', {
    summary: `Post a message (trimmed, 1 to ${messageLength} characters) in a channel of yours.`,
    access: CHAT,
    input: z.object({ ...byChannel, content: requiredText(messageLength) }),
    output: Message,
  }),
  read: contract('chat.read', {
    summary: 'Mark a channel of yours as read up to its latest message.',
    access: CHAT,
    input: z.object(byChannel),
    output: z.object({
      channelId: uuid,
      lastReadMessageId: uuid.nullable(),
      readAt: timestamp.nullable(),
      unreadCount: z.number().int(),
    }),
  }),
  unreadCount: contract('chat.unreadCount', {
    summary: 'Your unread messages across all your channels (your own never count).',
    access: CHAT,
    input: noInput,
    output: z.object({ count: z.number().int() }),
  }),
  live: contract('chat.live', {
    summary: 'New messages in your channels as they commit, from the event log; resume with lastEventId and miss nothing.',
    access: CHAT,
    input: z.object({ lastEventId: text(50).nullish() }).optional(),
    output: Message,
  }),
};
