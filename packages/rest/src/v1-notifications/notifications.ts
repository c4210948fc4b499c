import { contracts } from '@crm/api';
import { z } from 'zod';
import { inboxQuery } from '../api-v1/notifications.ts';
import { snakeFace } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { pageAndLimit } from '../shared/fields.ts';
import { fromNothing, fromQuery, noContent, shownAs } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /v1/notifications (document 000: snake_case, bare resources): the rules (one per kind of
// notification, rule type `event`), the channels, the history, and the inbox with its read
// state: the same use cases as document 001's, in this face's casing.

const { notifications: n, rules: r } = contracts.notifications;
const { json } = routesOf(v1Face);
const BASE = '/v1/notifications';

/** The contract's result in snake_case. */
const snaked = <C extends { output: z.ZodType }>(c: C) => ({ contract: c, ...shownAs(snakeFace(c.output)) });

const byId = z.object({ notification_id: n.markRead.input.shape.id });
const toId = ({ params }: { params: z.output<typeof byId> }) => ({ id: params.notification_id });
const ruleParams = z.object({ rule_type: r.toggle.input.shape.ruleType, rule_id: r.toggle.input.shape.ruleId });

export const v1NotificationRoutes = [
  json({ method: 'get', path: `${BASE}/rules`, status: 200, ...snaked(r.list), ...fromNothing }),
  json({
    method: 'put',
    path: `${BASE}/rules/{rule_type}/{rule_id}/toggle`,
    status: 200,
    params: ruleParams,
    ...snaked(r.toggle),
    input: ({ params }) => ({ ruleType: params.rule_type, ruleId: params.rule_id }),
  }),
  json({ method: 'get', path: `${BASE}/channels`, status: 200, ...snaked(r.channels), ...fromNothing }),
  json({
    method: 'get',
    path: `${BASE}/history`,
    status: 200,
    query: z.object(pageAndLimit(n.history.input.shape)),
    ...snaked(n.history),
    ...fromQuery,
  }),
  json({
    method: 'get',
    path: `${BASE}/inbox`,
    status: 200,
    summary: 'The caller’s unread and recent notifications, newest first, paged (dismissed ones are left out).',
    query: inboxQuery,
    ...snaked(n.list),
    ...fromQuery,
  }),
  json({ method: 'get', path: `${BASE}/unread-count`, status: 200, ...snaked(n.unreadCount), ...fromNothing }),
  json({ method: 'put', path: `${BASE}/read/{notification_id}`, status: 200, params: byId, ...snaked(n.markRead), input: toId }),
  json({ method: 'put', path: `${BASE}/read-all`, status: 200, ...snaked(n.markAllRead), ...fromNothing }),
  json({ method: 'delete', path: `${BASE}/{notification_id}`, contract: n.dismiss, params: byId, input: toId, ...noContent }),
];
