import type { Tx } from '@crm/db';
import type { StoredEvent } from '@crm/eventstore';
import type { NotificationSource } from '../notifications/source.ts';
import { tenantRows } from '../shared/rows.ts';
import { ChatEvent, isChatEvent } from './events.ts';
import './tables.ts';

// What chat tells people: a message arrived in one of their channels. In-app only by default
// (a chat is read in the app; mail for every message would be noise), and never to its author.

const PREVIEW = 140;
const preview = (content: string) => (content.length > PREVIEW ? `${content.slice(0, PREVIEW - 1)}…` : content);

async function messageReceived(tx: Tx, e: StoredEvent) {
  if (!isChatEvent(e, ChatEvent.ChatMessagePosted)) return [];
  const author = e.data.author_id;
  const [channel, sender, members] = await Promise.all([
    tenantRows(tx, e.tenantId, 'chat_channels').select(['kind', 'name']).where('id', '=', e.streamId).executeTakeFirst(),
    tenantRows(tx, e.tenantId, 'users').select(['first_name', 'last_name']).where('id', '=', author).executeTakeFirst(),
    tenantRows(tx, e.tenantId, 'chat_members')
      .select('user_id')
      .where('channel_id', '=', e.streamId)
      .where('user_id', '<>', author)
      .execute(),
  ]);
  const senderName = sender ? `${sender.first_name} ${sender.last_name}`.trim() : `User ${author}`;
  const variables = {
    senderName,
    channelName: channel?.kind === 'group' && channel.name ? channel.name : 'a direct message',
    messagePreview: preview(e.data.content),
  };
  return members.map((m) => ({ userId: m.user_id, variables, link: `/chat/${e.streamId}` }));
}

export const chatNotificationSources: readonly NotificationSource[] = [
  {
    key: 'chat.message_received',
    module: 'chat',
    label: 'New chat message',
    description: 'Someone posted a message in a direct or group channel you are a member of.',
    eventTypes: [ChatEvent.ChatMessagePosted],
    defaultChannels: { in_app: true, email: false },
    variables: { senderName: 'Jane Doe', channelName: 'Project Alpha', messagePreview: 'Hello team!' },
    template: {
      title: 'New message from {{senderName}}',
      body: '{{senderName}} in {{channelName}}: {{messagePreview}}',
      emailSubject: 'New message from {{senderName}} in {{channelName}}',
      emailBody: '{{senderName}} wrote in {{channelName}}:\n\n{{messagePreview}}',
    },
    fire: messageReceived,
  },
];
