import { contracts } from '@crm/api';
import { apiV1Face } from '../shared/face.ts';
import { asIs, fromNothing } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/me (document 001): the caller's action items and unread counts.

const { me } = contracts.me;
const { json } = routesOf(apiV1Face);

export const meRoutes = [
  json('get', '/api/v1/me/action-items', { ...asIs(me.actionItems), ...fromNothing }),
  json('get', '/api/v1/me/unread-counts', { ...asIs(me.unreadCounts), ...fromNothing }),
];
