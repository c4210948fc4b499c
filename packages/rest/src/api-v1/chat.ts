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
  json({ method: 'get', path: `${BASE}/users`, status: 200, ...asIs(chat.users), ...fromNothing }),
  json({ method: 'get', path: `${BASE}/channels`, status: 200, ...asIs(chat.channels), ...fromNothing }),
  json({
    method: 'post',
    path: `${BASE}/channels/direct`,
    summary: `${chat.direct.summary} 201 when the channel is opened now, 200 when the pair's channel is resumed (\`created\` says which).`,
    status: 201,
    otherStatus: { status: 200, when: (r) => !r.created },
    body: chat.direct.input,
    ...asIs(chat.direct),
    ...fromBody,
  }),
  json({ method: 'post', path: `${BASE}/channels/group`, status: 201, body: chat.group.input, ...asIs(chat.group), ...fromBody }),
  json({
    method: 'get',
    path: `${BASE}/channels/{channelId}/messages`,
    status: 200,
    params: byChannel,
    query: messagesQuery,
    ...asIs(chat.messages),
    ...fromParamsAndQuery,
  }),
  json({
    method: 'post',
    path: `${BASE}/channels/{channelId}/messages`,
    status: 201,
    params: byChannel,
    body: sendBody,
    ...asIs(chat.send),
    ...fromParamsAndBody,
  }),
  json({ method: 'post', path: `${BASE}/channels/{channelId}/read`, status: 200, params: byChannel, ...asIs(chat.read), ...fromParams }),
  json({ method: 'get', path: `${BASE}/unread-count`, status: 200, ...asIs(chat.unreadCount), ...fromNothing }),
];
