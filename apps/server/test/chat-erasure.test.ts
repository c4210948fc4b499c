import { NotificationRunner } from '@crm/api';
import { inSystem } from '@crm/db';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { expectRebuildEqualsLive, rebuildTestApp } from './rebuild-fixture.ts';

// A chat message is its author's personal data: sealed under the author's key in the log, so the
// permanent erasure of the author erases their messages everywhere (log, read models, rebuilds,
// and the notifications their messages fired), while the other members' messages stay.

const t = await rebuildTestApp();
const C = '/api/v1/chat/channels';
const SECRET = 'my secret plan 4711';

describe('chat messages and the erasure of their author', () => {
  it('are sealed from the start and read as [erased] once the author is erased for good', async () => {
    const a = await t.registerTenant('chat-erase');
    const gus = await t.createUser(a, 'user', 'Gus');
    const bea = await t.createUser(a, 'user', 'Bea');
    const dm = (await t.request('POST', `${C}/direct`, { token: bea.token, body: { userId: gus.userId } })).body.data.id as string;
    const say = async (token: string, content: string) =>
      expect((await t.request('POST', `${C}/${dm}/messages`, { token, body: { content } })).status).toBe(201);
    await say(bea.token, 'hello Gus');
    await say(gus.token, SECRET);
    // The notification engine tells Bea of Gus's message, preview and name included.
    const runner = new NotificationRunner(t.services);
    while ((await runner.runOnce()) > 0);

    const raw = async () =>
      (
        await inSystem(t.handle.db, (tx) =>
          sql<{ data: string }>`select data::text as data from es_events where tenant_id = ${a.tenantId} and stream_id = ${dm}`.execute(tx),
        )
      ).rows.map((r) => r.data);
    // Sealed before anything is erased: the log never held the words in clear.
    expect((await raw()).join()).not.toContain(SECRET);
    expect((await raw()).join()).toContain('$sealed');
    const told = async () =>
      (
        await inSystem(t.handle.db, (tx) =>
          sql<{
            t: string;
          }>`select concat_ws(' ', title, body, variables::text) as t from notifications where tenant_id = ${a.tenantId} and user_id = ${bea.userId}`.execute(
            tx,
          ),
        )
      ).rows.map((r) => r.t);
    expect((await told()).join()).toContain(SECRET.slice(0, 10));

    const erased = await t.request('DELETE', `/api/v1/users/${gus.userId}/permanent`, { token: a.token });
    expect(erased.status, erased.text).toBe(200);

    const messages = (await t.request('GET', `${C}/${dm}/messages`, { token: bea.token })).body.data.messages as { content: string }[];
    expect(messages.map((m) => m.content).sort()).toEqual(['[erased]', 'hello Gus']);
    const channels = (await t.request('GET', C, { token: bea.token })).body.data;
    expect(JSON.stringify(channels)).not.toContain(SECRET);
    expect((await told()).join()).not.toContain(SECRET.slice(0, 10));
    expect((await told()).join()).not.toContain('Gus');
    expect((await raw()).join()).not.toContain(SECRET);

    // A rebuild reads the log through the codec: the same placeholder, equal to the live rows.
    await expectRebuildEqualsLive(t, ['chat_channels', 'chat_members', 'chat_messages']);
  });
});
