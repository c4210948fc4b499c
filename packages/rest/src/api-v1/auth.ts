import { contracts } from '@crm/api';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';
import { asIs, fromBodyOrEmpty, fromBody, fromNothing, fromParams } from '../shared/parts.ts';

// /api/v1/auth, /api/v1/users/me and /api/v1/api-keys (document 001, {success, data}).

const { auth, apiKeys } = contracts.identity;
const { json } = routesOf(apiV1Face);

export const authRoutes = [
  json('post', '/api/v1/auth/login', { ...asIs(auth.login), ...fromBody(auth.login.input.strict()) }),
  json('post', '/api/v1/auth/refresh', { ...asIs(auth.refresh), ...fromBody(auth.refresh.input.strict()) }),
  json('post', '/api/v1/auth/logout', { ...asIs(auth.logout), ...fromBodyOrEmpty(auth.logout.input.unwrap().strict().optional()) }),
  json('post', '/api/v1/auth/logout-all', { ...asIs(auth.logoutAll), ...fromNothing }),
  json('get', '/api/v1/auth/me', { ...asIs(auth.me), ...fromNothing }),
  json('get', '/api/v1/users/me', { ...asIs(auth.me), ...fromNothing }),
  // Not in the documents: the way to get the `cdb_` keys that document 000 authenticates with.
  json('post', '/api/v1/api-keys', {
    status: 201,
    ...asIs(apiKeys.create),
    ...fromBodyOrEmpty(apiKeys.create.input.unwrap().strict().optional()),
  }),
  json('get', '/api/v1/api-keys', { ...asIs(apiKeys.list), ...fromNothing }),
  json('delete', '/api/v1/api-keys/{id}', { ...asIs(apiKeys.revoke), ...fromParams(apiKeys.revoke.input) }),
];
