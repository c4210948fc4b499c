import { contracts } from '@crm/api';
import { queryNumber } from '../shared/fields.ts';
import { apiV1Face } from '../shared/face.ts';
import { asIs, fromBody, fromNothing, fromParams, fromParamsAndBody, fromParamsAndQuery } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/chat (document 001, {success, data}, camelCase, integer user ids). The document's `:id`
// of a channel is `{channelId}` here, the contracts' name. A channel the caller is not a member of
// answers 404, as an unknown one does.

const { chat } = contracts.chat;
const { json } = routesOf(apiV1Face);
const BASE = '/api/v1/chat';

const byChannel = chat.read.input;
const messagesQuery = chat.messages.input.omit({ channelId: true }).extend({ limit: queryNumber(chat.messages.input.shape.limit) });
const sendBody = chat.send.input.omit({ channelId: true });

export const chatRoutes = [
  json('get', `${BASE}/users`, { ...asIs(chat.users), ...fromNothing }),
  json('get', `${BASE}/channels`, { ...asIs(chat.channels), ...fromNothing }),
  json('post', `${BASE}/channels/direct`, {
    summary: `${chat.direct.summary} 201 when the channel is opened now, 200 when the pair's channel is resumed (\`created\` says which).`,
    status: 201,
    otherStatus: { status: 200, when: (r) => !r.created },
    ...asIs(chat.direct),
    ...fromBody(chat.direct.input),
  }),
  json('post', `${BASE}/channels/group`, { status: 201, ...asIs(chat.group), ...fromBody(chat.group.input) }),
  json('get', `${BASE}/channels/{channelId}/messages`, { ...asIs(chat.messages), ...fromParamsAndQuery(byChannel, messagesQuery) }),
  json('post', `${BASE}/channels/{channelId}/messages`, { status: 201, ...asIs(chat.send), ...fromParamsAndBody(byChannel, sendBody) }),
  json('post', `${BASE}/channels/{channelId}/read`, { ...asIs(chat.read), ...fromParams(byChannel) }),
  json('get', `${BASE}/unread-count`, { ...asIs(chat.unreadCount), ...fromNothing }),
];
