/** One chat channel (migration 0024): its kind, its newest message for the channel list, its version for appends. */
export interface ChatChannelsTable {
  tenant_id: string;
  id: string;
  kind: string;
  name: string | null;
  /** `<smaller user id>:<larger user id>` of a direct channel, unique per tenant; null for a group. */
  direct_key: string | null;
  created_by: number;
  last_seq: number;
  last_message_id: string | null;
  last_message_author_id: number | null;
  last_message_content: string | null;
  last_message_at: Date | null;
  /** The channel list's order: the newest message, or the opening while there is none. */
  last_activity_at: Date;
  version: string;
  created_at: Date;
  updated_at: Date;
}

/** A member of a channel and how far they have read; `id` is `<channel id>:<user id>`. */
export interface ChatMembersTable {
  tenant_id: string;
  id: string;
  channel_id: string;
  user_id: number;
  read_seq: number;
  read_message_id: string | null;
  read_at: Date | null;
  joined_at: Date;
}

export interface ChatMessagesTable {
  tenant_id: string;
  id: string;
  channel_id: string;
  seq: number;
  author_id: number;
  content: string;
  created_at: Date;
}

declare module '@crm/db' {
  interface Database {
    chat_channels: ChatChannelsTable;
    chat_members: ChatMembersTable;
    chat_messages: ChatMessagesTable;
  }
}
