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
  json({
    method,
    path: `${BASE}/{id}/read`,
    status: 200,
    ...(method === 'put' ? { summary: `${n.markRead.summary} (PUT is accepted as PATCH: the document gives no method.)` } : {}),
    params: byId,
    ...asIs(n.markRead),
    ...fromParams,
  });

export const notificationRoutes = [
  json({ method: 'get', path: BASE, status: 200, query: inboxQuery, ...asIs(n.list), ...fromQuery }),
  json({ method: 'get', path: `${BASE}/unread-count`, status: 200, ...asIs(n.unreadCount), ...fromNothing }),
  json({ method: 'post', path: `${BASE}/mark-all-read`, status: 200, ...asIs(n.markAllRead), ...fromNothing }),
  json({ method: 'get', path: `${BASE}/preferences/catalog`, status: 200, ...asIs(p.catalog), ...fromNothing }),
  json({ method: 'get', path: `${BASE}/preferences`, status: 200, ...asIs(p.get), ...fromNothing }),
  json({ method: 'put', path: `${BASE}/preferences`, status: 200, body: p.set.input.strict(), ...asIs(p.set), ...fromBody }),
  json({ method: 'get', path: `${BASE}/preferences/dnd`, status: 200, ...asIs(p.getDnd), ...fromNothing }),
  json({ method: 'put', path: `${BASE}/preferences/dnd`, status: 200, body: p.setDnd.input.strict(), ...asIs(p.setDnd), ...fromBody }),
  markRead('patch'),
  markRead('put'),
  json({ method: 'delete', path: `${BASE}/{id}`, status: 200, params: byId, ...asIs(n.dismiss), ...fromParams }),
];
