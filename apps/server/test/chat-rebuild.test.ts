import { describe, expect, it } from 'vitest';
import { expectRebuildEqualsLive, rebuildTestApp } from './rebuild-fixture.ts';

// Chat's read models are folded from the log alone: rebuilt from position 0 they equal the live ones.

const t = await rebuildTestApp();

describe('chat read models rebuilt from the log', () => {
  it('equal the live rows after direct and group channels, messages and reads', async () => {
    const a = await t.registerTenant('chat-rebuild');
    const bea = await t.createUser(a, 'user', 'Bea');
    const cal = await t.createUser(a, 'user', 'Cal');
    const C = '/api/v1/chat/channels';
    const dm = (await t.request('POST', `${C}/direct`, { token: a.token, body: { userId: bea.userId } })).body.data.id;
    const team = (await t.request('POST', `${C}/group`, { token: bea.token, body: { name: 'Team', memberIds: [a.userId, cal.userId] } }))
      .body.data.id;
    for (const [token, ch, content] of [
      [a.token, dm, 'hello'],
      [bea.token, dm, 'hi back'],
      [cal.token, team, 'morning all'],
      [bea.token, team, 'morning'],
    ] as const)
      expect((await t.request('POST', `${C}/${ch}/messages`, { token, body: { content } })).status).toBe(201);
    expect((await t.request('POST', `${C}/${dm}/read`, { token: a.token })).status).toBe(200);
    expect((await t.request('POST', `${C}/${team}/read`, { token: cal.token })).status).toBe(200);
    expect(await t.eventCount(a.tenantId, ['ChatMessagePosted', 'ChatChannelRead'])).toBe(6);
    await expectRebuildEqualsLive(t, ['chat_channels', 'chat_members', 'chat_messages']);
  });
});
