import { DomainError } from '../shared/errors.ts';
import { type ChannelKind, type ChatEvent, chatEvent, directKey } from './events.ts';

// Chat's decisions, pure: the channel as its read model knows it (or the users a command names, as
// the users table knows them) and what the caller asks, to the events that record it or a refusal.

/** Limits, stated once: the contracts and the decisions read them from here. */
export const CHAT_LIMITS = {
  /** Characters of a message, after trimming. */
  messageLength: 4000,
  groupNameLength: 100,
  /** Members of a group, its creator included. */
  groupMembers: 50,
} as const;

export interface ChannelState {
  id: string;
  kind: ChannelKind;
  memberIds: readonly number[];
  /** The seq of the newest message, 0 while there is none. */
  lastSeq: number;
  lastMessageId: string | null;
}

/** A user as chat needs to know them: found in the caller's tenant, with their status. */
export type UserStatuses = ReadonlyMap<number, string>;

/** A channel the caller is not a member of does not exist for them: the same 404 as an unknown id. */
export const channelNotFound = (id: string) => new DomainError('not_found', 'channel_not_found', `channel ${id} not found`);

function mustBeMember(state: ChannelState, userId: number): void {
  if (!state.memberIds.includes(userId)) throw channelNotFound(state.id);
}

/**
 * Start or resume a direct channel: one per pair of users, ever. The existing channel of the pair
 * is resumed (no events); otherwise it is opened. Never with oneself, an unknown user (another
 * tenant's included: they are not in this tenant's users) or one who is not active.
 */
export function openDirect(
  input: { channelId: string; callerId: number; otherId: number },
  otherStatus: string | undefined,
  existing: ChannelState | null,
): ChatEvent[] {
  const { callerId, otherId } = input;
  if (callerId === otherId) throw new DomainError('invalid', 'cannot_message_self', 'a direct channel needs another user');
  if (otherStatus === undefined) throw new DomainError('not_found', 'user_not_found', `user ${otherId} not found`, { userId: otherId });
  if (otherStatus !== 'active') {
    throw new DomainError('unprocessable', 'user_inactive', `user ${otherId} is ${otherStatus}`, { userId: otherId, status: otherStatus });
  }
  if (existing) return [];
  return [
    chatEvent('ChatChannelOpened', {
      channel_id: input.channelId,
      kind: 'direct',
      name: null,
      created_by: callerId,
      member_ids: [callerId, otherId],
      direct_key: directKey(callerId, otherId),
    }),
  ];
}

/**
 * A named group of the creator and the members asked for (duplicates and the creator dropped).
 * Every member must be an active user of the tenant: the ids that are not are refused by name.
 */
export function openGroup(
  input: { channelId: string; callerId: number; name: string; memberIds: readonly number[] },
  statuses: UserStatuses,
): ChatEvent[] {
  const name = input.name.trim();
  if (name.length === 0 || name.length > CHAT_LIMITS.groupNameLength) {
    throw new DomainError('invalid', 'invalid_group_name', `a group name has 1 to ${CHAT_LIMITS.groupNameLength} characters`);
  }
  const others = [...new Set(input.memberIds)].filter((id) => id !== input.callerId);
  const unknown = others.filter((id) => !statuses.has(id));
  if (unknown.length > 0) {
    throw new DomainError('invalid', 'unknown_members', `no such users in this tenant: ${unknown.join(', ')}`, { userIds: unknown });
  }
  const inactive = others.filter((id) => statuses.get(id) !== 'active');
  if (inactive.length > 0) {
    throw new DomainError('invalid', 'inactive_members', `these users are not active: ${inactive.join(', ')}`, { userIds: inactive });
  }
  if (others.length === 0) throw new DomainError('invalid', 'no_other_members', 'a group needs at least one member besides you');
  if (others.length + 1 > CHAT_LIMITS.groupMembers) {
    throw new DomainError('invalid', 'too_many_members', `a group has at most ${CHAT_LIMITS.groupMembers} members, you included`, {
      max: CHAT_LIMITS.groupMembers,
    });
  }
  return [
    chatEvent('ChatChannelOpened', {
      channel_id: input.channelId,
      kind: 'group',
      name,
      created_by: input.callerId,
      member_ids: [input.callerId, ...others],
      direct_key: null,
    }),
  ];
}

/** A member posts: the message takes the next place in the channel. */
export function postMessage(state: ChannelState, input: { messageId: string; authorId: number; content: string }): ChatEvent[] {
  mustBeMember(state, input.authorId);
  const content = input.content.trim();
  if (content.length === 0) throw new DomainError('invalid', 'message_empty', 'a message needs some text');
  if (content.length > CHAT_LIMITS.messageLength) {
    throw new DomainError('invalid', 'message_too_long', `a message has at most ${CHAT_LIMITS.messageLength} characters`, {
      max: CHAT_LIMITS.messageLength,
    });
  }
  return [chatEvent('ChatMessagePosted', { message_id: input.messageId, seq: state.lastSeq + 1, author_id: input.authorId, content })];
}

/** A member has read up to the newest message; already there (or nothing to read), nothing is recorded. */
export function markRead(state: ChannelState, userId: number, readSeq: number): ChatEvent[] {
  mustBeMember(state, userId);
  if (state.lastMessageId === null || readSeq >= state.lastSeq) return [];
  return [chatEvent('ChatChannelRead', { user_id: userId, message_id: state.lastMessageId, seq: state.lastSeq })];
}
