import { describe, expect, it } from 'vitest';
import { refusalKind } from '../shared/refusal.ts';
import { CHAT_LIMITS, type ChannelState, markRead, openDirect, openGroup, postMessage } from './decide.ts';

// Given the channel (or the users) as the read models know them, when a command is decided, then
// these events (or this refusal).

const [c1, m1, m2] = [
  '00000000-0000-4000-8000-0000000000c1',
  '00000000-0000-4000-8000-0000000000d1',
  '00000000-0000-4000-8000-0000000000d2',
];
const channel = (extra: Partial<ChannelState> = {}): ChannelState => ({
  id: c1,
  kind: 'group',
  memberIds: [1, 2, 3],
  lastSeq: 0,
  lastMessageId: null,
  ...extra,
});

describe('direct channels', () => {
  it('opens one for a pair, keyed the same whoever opens it', () => {
    expect(openDirect({ channelId: c1, callerId: 7, otherId: 3 }, 'active', null)).toEqual([
      {
        type: 'ChatChannelOpened',
        data: { channel_id: c1, kind: 'direct', name: null, created_by: 7, member_ids: [7, 3], direct_key: '3:7' },
      },
    ]);
  });

  it('resumes the existing channel of the pair: nothing to record', () => {
    expect(openDirect({ channelId: c1, callerId: 3, otherId: 7 }, 'active', channel({ kind: 'direct', memberIds: [3, 7] }))).toEqual([]);
  });

  it('refuses oneself, an unknown user and one who is not active', () => {
    expect(refusalKind(() => openDirect({ channelId: c1, callerId: 3, otherId: 3 }, 'active', null))).toBe('invalid:cannot_message_self');
    expect(refusalKind(() => openDirect({ channelId: c1, callerId: 3, otherId: 9 }, undefined, null))).toBe('not_found:user_not_found');
    expect(refusalKind(() => openDirect({ channelId: c1, callerId: 3, otherId: 9 }, 'deactivated', null))).toBe(
      'unprocessable:user_inactive',
    );
    // Even a channel the pair already has is not resumed with a deactivated user.
    expect(refusalKind(() => openDirect({ channelId: c1, callerId: 3, otherId: 9 }, 'deactivated', channel()))).toBe(
      'unprocessable:user_inactive',
    );
  });
});

describe('group channels', () => {
  const active = new Map([
    [1, 'active'],
    [2, 'active'],
    [5, 'active'],
    [6, 'deactivated'],
  ]);

  it('opens with the creator first and the members deduplicated', () => {
    expect(openGroup({ channelId: c1, callerId: 1, name: '  Project Alpha ', memberIds: [2, 5, 2, 1] }, active)).toEqual([
      {
        type: 'ChatChannelOpened',
        data: { channel_id: c1, kind: 'group', name: 'Project Alpha', created_by: 1, member_ids: [1, 2, 5], direct_key: null },
      },
    ]);
  });

  it('refuses unknown and inactive members by id, no one but the creator, too many members and a bad name', () => {
    expect(refusalKind(() => openGroup({ channelId: c1, callerId: 1, name: 'G', memberIds: [2, 8, 9] }, active))).toBe(
      'invalid:unknown_members',
    );
    try {
      openGroup({ channelId: c1, callerId: 1, name: 'G', memberIds: [2, 8, 9] }, active);
    } catch (e) {
      expect((e as { details: unknown }).details).toEqual({ userIds: [8, 9] });
    }
    expect(refusalKind(() => openGroup({ channelId: c1, callerId: 1, name: 'G', memberIds: [6] }, active))).toBe(
      'invalid:inactive_members',
    );
    expect(refusalKind(() => openGroup({ channelId: c1, callerId: 1, name: 'G', memberIds: [1, 1] }, active))).toBe(
      'invalid:no_other_members',
    );
    const many = Array.from({ length: CHAT_LIMITS.groupMembers }, (_, i) => 100 + i);
    const all = new Map(many.map((id) => [id, 'active']));
    expect(refusalKind(() => openGroup({ channelId: c1, callerId: 1, name: 'G', memberIds: many }, all))).toBe('invalid:too_many_members');
    expect(openGroup({ channelId: c1, callerId: 1, name: 'G', memberIds: many.slice(1) }, all)).toHaveLength(1);
    expect(refusalKind(() => openGroup({ channelId: c1, callerId: 1, name: '   ', memberIds: [2] }, active))).toBe(
      'invalid:invalid_group_name',
    );
  });
});

describe('messages and reads', () => {
  it('a member posts the next message, trimmed', () => {
    expect(postMessage(channel({ lastSeq: 4, lastMessageId: m1 }), { messageId: m2, authorId: 2, content: '  Hello team!\n' })).toEqual([
      { type: 'ChatMessagePosted', data: { message_id: m2, seq: 5, author_id: 2, content: 'Hello team!' } },
    ]);
  });

  it('refuses a non-member (as not found), an empty and an over-long message', () => {
    expect(refusalKind(() => postMessage(channel(), { messageId: m2, authorId: 9, content: 'hi' }))).toBe('not_found:channel_not_found');
    expect(refusalKind(() => postMessage(channel(), { messageId: m2, authorId: 1, content: ' \n ' }))).toBe('invalid:message_empty');
    const long = 'x'.repeat(CHAT_LIMITS.messageLength + 1);
    expect(refusalKind(() => postMessage(channel(), { messageId: m2, authorId: 1, content: long }))).toBe('invalid:message_too_long');
    expect(postMessage(channel(), { messageId: m2, authorId: 1, content: long.slice(1) })).toHaveLength(1);
  });

  it('marks read up to the newest message, once', () => {
    const given = channel({ lastSeq: 3, lastMessageId: m1 });
    expect(markRead(given, 2, 1)).toEqual([{ type: 'ChatChannelRead', data: { user_id: 2, message_id: m1, seq: 3 } }]);
    expect(markRead(given, 2, 3)).toEqual([]);
    expect(markRead(channel(), 2, 0)).toEqual([]);
    expect(refusalKind(() => markRead(given, 9, 0))).toBe('not_found:channel_not_found');
  });
});
