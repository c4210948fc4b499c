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
  json('get', `${BASE}/rules`, { ...snaked(r.list), ...fromNothing }),
  json('put', `${BASE}/rules/{rule_type}/{rule_id}/toggle`, {
    params: ruleParams,
    ...snaked(r.toggle),
    input: ({ params }) => ({ ruleType: params.rule_type, ruleId: params.rule_id }),
  }),
  json('get', `${BASE}/channels`, { ...snaked(r.channels), ...fromNothing }),
  json('get', `${BASE}/history`, { ...snaked(n.history), ...fromQuery(z.object(pageAndLimit(n.history.input.shape))) }),
  json('get', `${BASE}/inbox`, {
    summary: 'The caller’s unread and recent notifications, newest first, paged (dismissed ones are left out).',
    ...snaked(n.list),
    ...fromQuery(inboxQuery),
  }),
  json('get', `${BASE}/unread-count`, { ...snaked(n.unreadCount), ...fromNothing }),
  json('put', `${BASE}/read/{notification_id}`, { params: byId, ...snaked(n.markRead), input: toId }),
  json('put', `${BASE}/read-all`, { ...snaked(n.markAllRead), ...fromNothing }),
  json('delete', `${BASE}/{notification_id}`, { contract: n.dismiss, params: byId, input: toId, ...noContent }),
];
