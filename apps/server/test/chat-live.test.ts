import { describe, expect, it } from 'vitest';
import { testApp } from './app-fixture.ts';

// chat.live over a real WebSocket: new messages of the caller's channels only, read from the event
// log, resumable from the last id seen, and the credential judged again before each message.

const t = await testApp();
const acme = await t.registerTenant('chat-live');

const C = '/api/v1/chat';
const send = (token: string, channelId: string, content: string) =>
  t.request('POST', `${C}/channels/${channelId}/messages`, { token, body: { content } });
const until = async (done: () => boolean) => {
  // Up to 30 s: on pg any open transaction in the cluster holds the log's readers back.
  for (let i = 0; i < 600 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
};

describe('chat.live', () => {
  it('delivers the caller’s new messages once each, none of other channels, and resumes from lastEventId', async () => {
    const bea = await t.createUser(acme, 'user', 'Bea');
    const cal = await t.createUser(acme, 'user', 'Cal');
    const ours = (await t.request('POST', `${C}/channels/direct`, { token: acme.token, body: { userId: bea.userId } })).body.data.id;
    const notOurs = (await t.request('POST', `${C}/channels/direct`, { token: acme.token, body: { userId: cal.userId } })).body.data.id;
    const server = await t.listen();
    const { createLiveClient } = await import('@crm/client');
    const received: Array<{ id: string; eventId: string; content: string; channelId: string; authorId: number }> = [];
    const subscribe = (lastEventId?: string) => {
      const { client, close } = createLiveClient({ url: server.url, token: bea.token });
      const sub = client.chat.live.subscribe(lastEventId ? { lastEventId } : undefined, {
        onData: (msg: any) => received.push({ ...msg.data, eventId: msg.id }),
      });
      return () => {
        sub.unsubscribe();
        close();
      };
    };
    try {
      let stop = subscribe();
      await new Promise((r) => setTimeout(r, 300));
      await send(acme.token, notOurs, 'for Cal only');
      await send(acme.token, ours, 'one');
      await send(bea.token, ours, 'two');
      await until(() => received.length >= 2);
      stop();
      expect(received.map((r) => [r.content, r.channelId, r.authorId])).toEqual([
        ['one', ours, acme.userId],
        ['two', ours, bea.userId],
      ]);
      const resumeFrom = received[1]!.eventId;
      // Messages while nobody listens...
      await send(acme.token, ours, 'three');
      await send(acme.token, notOurs, 'Cal again');
      await send(acme.token, ours, 'four');
      // ...arrive after reconnecting from the last id seen, once each.
      stop = subscribe(resumeFrom);
      await until(() => received.length >= 4);
      await new Promise((r) => setTimeout(r, 300));
      stop();
      expect(received.map((r) => r.content)).toEqual(['one', 'two', 'three', 'four']);
      expect(new Set(received.map((r) => r.eventId)).size).toBe(4);
      expect(new Set(received.map((r) => r.id)).size).toBe(4);
    } finally {
      await server.close();
    }
  });

  it('ends with UNAUTHORIZED at the next message once the listener is deactivated, sending nothing after', async () => {
    const wes = await t.createUser(acme, 'user', 'Wes');
    const ch = (await t.request('POST', `${C}/channels/direct`, { token: acme.token, body: { userId: wes.userId } })).body.data.id;
    const server = await t.listen();
    const { createLiveClient } = await import('@crm/client');
    const { client, close } = createLiveClient({ url: server.url, token: wes.token });
    const received: string[] = [];
    let failure = null as { data?: { code?: string } } | null;
    const sub = client.chat.live.subscribe(undefined, {
      onData: (msg: any) => received.push(msg.data.content),
      onError: (error: any) => {
        failure = error;
      },
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      await send(acme.token, ch, 'hello Wes');
      await until(() => received.length === 1);
      expect(received).toEqual(['hello Wes']);
      expect((await t.request('DELETE', `/api/v1/users/${wes.userId}`, { token: acme.token })).status).toBe(200);
      await send(acme.token, ch, 'are you there?');
      await until(() => failure !== null);
      expect(failure?.data?.code).toBe('UNAUTHORIZED');
      expect(received).toEqual(['hello Wes']);
    } finally {
      sub.unsubscribe();
      close();
      await server.close();
    }
  });

  it('refuses a lastEventId this server never issued', async () => {
    const server = await t.listen();
    const { createLiveClient } = await import('@crm/client');
    const { client, close } = createLiveClient({ url: server.url, token: acme.token });
    let failure = null as { data?: { code?: string; appCode?: string } } | null;
    const sub = client.chat.live.subscribe({ lastEventId: 'nonsense' }, { onData: () => {}, onError: (e: any) => (failure = e) });
    try {
      await until(() => failure !== null);
      expect([failure?.data?.code, failure?.data?.appCode]).toEqual(['BAD_REQUEST', 'invalid_last_event_id']);
    } finally {
      sub.unsubscribe();
      close();
      await server.close();
    }
  });
});
