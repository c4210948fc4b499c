import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import { countRows } from '../shared/paging.ts';
import { tenantRows } from '../shared/rows.ts';
import type { ChannelState } from './decide.ts';
import type { ChannelKind } from './events.ts';
import type { ChatChannelsTable, ChatMessagesTable } from './tables.ts';
import './tables.ts';

// Chat's reads. Every one is narrowed to the tenant, and every read of a channel to its members:
// the caller's channel list, unread counts and pages go through their chat_members rows.

export interface ChannelRecord extends ChannelState {
  row: ChatChannelsTable;
}

function recordOf(row: ChatChannelsTable, memberIds: number[]): ChannelRecord {
  return {
    id: row.id,
    kind: row.kind as ChannelKind,
    memberIds,
    lastSeq: row.last_seq,
    lastMessageId: row.last_message_id,
    row,
  };
}

/**
 * A channel with its members; `lock` holds its row for the command's transaction, so posts to one
 * channel take their places one after the other instead of failing on the stream's version.
 */
export async function findChannel(tx: Tx, tenantId: string, id: string, lock = false): Promise<ChannelRecord | null> {
  let q = tenantRows(tx, tenantId, 'chat_channels').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) return null;
  const members = await tenantRows(tx, tenantId, 'chat_members')
    .select('user_id')
    .where('channel_id', '=', id)
    .orderBy('user_id')
    .execute();
  return recordOf(
    row,
    members.map((m) => m.user_id),
  );
}

export async function findDirectChannel(tx: Tx, tenantId: string, key: string): Promise<ChannelRecord | null> {
  const row = await tenantRows(tx, tenantId, 'chat_channels').select('id').where('direct_key', '=', key).executeTakeFirst();
  return row ? findChannel(tx, tenantId, row.id) : null;
}

/** The status of each of these ids that is a user of the tenant; another tenant's users are not found. */
export async function userStatuses(tx: Tx, tenantId: string, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tenantRows(tx, tenantId, 'users')
    .select(['id', 'status'])
    .where('id', '=', sql<number>`any(${[...ids]}::int[])`)
    .execute();
  return new Map(rows.map((r) => [r.id, r.status]));
}

export interface ChatUser {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  role: string;
}

/** The tenant's active users, by name: who can be messaged. */
export async function activeUsers(tx: Tx, tenantId: string): Promise<ChatUser[]> {
  return tenantRows(tx, tenantId, 'users')
    .select(['id', 'first_name', 'last_name', 'email', 'role'])
    .where('status', '=', 'active')
    .orderBy('first_name')
    .orderBy('last_name')
    .orderBy('id')
    .execute();
}

export interface MemberRow {
  channel_id: string;
  user_id: number;
  first_name: string;
  last_name: string;
  status: string;
}

/** Which of these channels the user is a member of. */
export async function memberChannelIds(tx: Tx, tenantId: string, userId: number, channelIds: readonly string[]): Promise<Set<string>> {
  if (channelIds.length === 0) return new Set();
  const rows = await tenantRows(tx, tenantId, 'chat_members')
    .select('channel_id')
    .where('user_id', '=', userId)
    .where('channel_id', '=', sql<string>`any(${[...new Set(channelIds)]}::uuid[])`)
    .execute();
  return new Set(rows.map((r) => r.channel_id));
}

/** The members of these channels, with their names (one query for a whole list). */
export async function membersOf(tx: Tx, tenantId: string, channelIds: readonly string[]): Promise<MemberRow[]> {
  if (channelIds.length === 0) return [];
  return tenantRows(tx, tenantId, 'chat_members')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'chat_members.user_id').onRef('users.tenant_id', '=', 'chat_members.tenant_id'))
    .select(['chat_members.channel_id', 'chat_members.user_id', 'users.first_name', 'users.last_name', 'users.status'])
    .where('chat_members.channel_id', '=', sql<string>`any(${[...channelIds]}::uuid[])`)
    .orderBy('chat_members.user_id')
    .execute();
}

export interface ChannelListRow extends ChatChannelsTable {
  read_seq: number;
  read_message_id: string | null;
  read_at: Date | null;
  unread: string;
}

/** Messages after a member's read position that others wrote: the expression both unread counts share. */
const unreadOf = (userId: number) =>
  sql<string>`(select count(*) from chat_messages msg
    where msg.channel_id = chat_members.channel_id and msg.seq > chat_members.read_seq and msg.author_id <> ${userId})`;

/** The caller's memberships joined to their channels, each with the caller's unread count. */
const memberChannels = (tx: Tx, tenantId: string, userId: number) =>
  tenantRows(tx, tenantId, 'chat_members')
    .innerJoin('chat_channels', 'chat_channels.id', 'chat_members.channel_id')
    .selectAll('chat_channels')
    .select(['chat_members.read_seq', 'chat_members.read_message_id', 'chat_members.read_at', unreadOf(userId).as('unread')])
    .where('chat_members.user_id', '=', userId);

/** The caller's channels, newest activity first. */
export async function channelsOf(tx: Tx, tenantId: string, userId: number): Promise<ChannelListRow[]> {
  return memberChannels(tx, tenantId, userId)
    .orderBy('chat_channels.last_activity_at', 'desc')
    .orderBy('chat_channels.id', 'desc')
    .execute();
}

/** One channel of the caller's, as the list shows it; null when the caller is not a member. */
export async function channelOf(tx: Tx, tenantId: string, userId: number, channelId: string): Promise<ChannelListRow | null> {
  return (await memberChannels(tx, tenantId, userId).where('chat_members.channel_id', '=', channelId).executeTakeFirst()) ?? null;
}

/** The caller's unread messages across every channel: one query over their memberships. */
export async function unreadTotal(tx: Tx, tenantId: string, userId: number): Promise<number> {
  return countRows(
    tenantRows(tx, tenantId, 'chat_members')
      .innerJoin('chat_messages', (j) =>
        j.onRef('chat_messages.channel_id', '=', 'chat_members.channel_id').onRef('chat_messages.seq', '>', 'chat_members.read_seq'),
      )
      .where('chat_members.user_id', '=', userId)
      .where('chat_messages.author_id', '<>', userId),
  );
}

/** The member's read position, or null when they are not a member. */
export async function readSeqOf(tx: Tx, tenantId: string, channelId: string, userId: number): Promise<number | null> {
  const row = await tenantRows(tx, tenantId, 'chat_members')
    .select('read_seq')
    .where('channel_id', '=', channelId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? row.read_seq : null;
}

/** Up to `limit` messages before `beforeSeq` (or the newest), newest first, and whether older ones remain. */
export async function messagesBefore(
  tx: Tx,
  tenantId: string,
  channelId: string,
  beforeSeq: number | null,
  limit: number,
): Promise<{ messages: ChatMessagesTable[]; more: boolean }> {
  let q = tenantRows(tx, tenantId, 'chat_messages').selectAll().where('channel_id', '=', channelId);
  if (beforeSeq !== null) q = q.where('seq', '<', beforeSeq);
  const rows = await q
    .orderBy('seq', 'desc')
    .limit(limit + 1)
    .execute();
  return { messages: rows.slice(0, limit), more: rows.length > limit };
}

export async function findMessage(tx: Tx, tenantId: string, messageId: string): Promise<ChatMessagesTable | null> {
  return (await tenantRows(tx, tenantId, 'chat_messages').selectAll().where('id', '=', messageId).executeTakeFirst()) ?? null;
}
