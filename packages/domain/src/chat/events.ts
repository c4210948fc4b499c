import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';

// Chat (document 001): one stream per channel, `chat-channel/<id>`. Membership is fixed when the
// channel opens (the document has no add or remove), so every later event of the stream is read
// against the members named here. Messages carry their place in the channel (`seq`, from 1): it
// orders them, pages them, and marks how far each member has read.

export const CHANNEL_KINDS = ['direct', 'group'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

const userId = z.number().int().positive();

/** A channel opened: a direct one between two users (keyed by the pair), or a named group. */
export const ChatChannelOpened = z.object({
  channel_id: z.string().uuid(),
  kind: z.enum(CHANNEL_KINDS),
  name: z.string().nullable(),
  created_by: userId,
  member_ids: z.array(userId).min(2),
  /** `<smaller id>:<larger id>` for a direct channel (one per pair, ever), null for a group. */
  direct_key: z.string().nullable(),
});

/** A member posted a message. */
export const ChatMessagePosted = z.object({
  message_id: z.string().uuid(),
  seq: z.number().int().positive(),
  author_id: userId,
  content: z.string(),
});

/** A member has read the channel up to and including this message. */
export const ChatChannelRead = z.object({
  user_id: userId,
  message_id: z.string().uuid(),
  seq: z.number().int().positive(),
});

export const {
  schemas: chatEventSchemas,
  types: ChatEvent,
  event: chatEvent,
  is: isChatEvent,
} = defineEvents({ ChatChannelOpened, ChatMessagePosted, ChatChannelRead });

export type ChatEvent = NewEventOf<typeof chatEventSchemas>;
export type StoredChatEvent = StoredEventOf<typeof chatEventSchemas>;

export const chatChannelStream = (channelId: string) => ({ type: 'chat-channel', id: channelId });

/** The key that makes a direct channel one per pair of users, whichever of them opens it. */
export const directKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);
