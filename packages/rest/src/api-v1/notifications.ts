import { contracts } from '@crm/api';
import { z } from 'zod';
import { pageAndLimit } from '../shared/fields.ts';
import { apiV1Face } from '../shared/face.ts';
import { asIs, fromBody, fromNothing, fromParams, fromQuery } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/notifications (document 001, {success, data}, camelCase): the caller's inbox, its read
// state, their preferences and Do Not Disturb. The document gives no methods: the update of one
// notification's read state is accepted as PATCH and PUT alike.

const { notifications: n, preferences: p } = contracts.notifications;
const { json } = routesOf(apiV1Face);
const BASE = '/api/v1/notifications';

/** A query-string flag: true/false or 1/0; absent stays absent. */
const queryFlag = z.preprocess(
  (v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v === '' ? undefined : v),
  z.boolean().optional(),
);

/** The inbox's query (document 000's inbox takes the same). */
export const inboxQuery = z.object({ ...pageAndLimit(n.list.input.shape), unread: queryFlag.describe('only unread ones') });
const byId = n.markRead.input;

const markRead = (method: 'patch' | 'put') =>
  json(method, `${BASE}/{id}/read`, {
    ...(method === 'put' ? { summary: `${n.markRead.summary} (PUT is accepted as PATCH: the document gives no method.)` } : {}),
    ...asIs(n.markRead),
    ...fromParams(byId),
  });

export const notificationRoutes = [
  json('get', BASE, { ...asIs(n.list), ...fromQuery(inboxQuery) }),
  json('get', `${BASE}/unread-count`, { ...asIs(n.unreadCount), ...fromNothing }),
  json('post', `${BASE}/mark-all-read`, { ...asIs(n.markAllRead), ...fromNothing }),
  json('get', `${BASE}/preferences/catalog`, { ...asIs(p.catalog), ...fromNothing }),
  json('get', `${BASE}/preferences`, { ...asIs(p.get), ...fromNothing }),
  json('put', `${BASE}/preferences`, { ...asIs(p.set), ...fromBody(p.set.input.strict()) }),
  json('get', `${BASE}/preferences/dnd`, { ...asIs(p.getDnd), ...fromNothing }),
  json('put', `${BASE}/preferences/dnd`, { ...asIs(p.setDnd), ...fromBody(p.setDnd.input.strict()) }),
  markRead('patch'),
  markRead('put'),
  json('delete', `${BASE}/{id}`, { ...asIs(n.dismiss), ...fromParams(byId) }),
];
