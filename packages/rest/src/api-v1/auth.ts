import { contracts } from '@crm/api';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';
import { asIs, fromBodyOrEmpty, fromBody, fromNothing, fromParams } from '../shared/parts.ts';

// /api/v1/auth, /api/v1/users/me and /api/v1/api-keys (document 001, {success, data}).

const { auth, apiKeys } = contracts.identity;
const { json } = routesOf(apiV1Face);

export const authRoutes = [
  json({ method: 'post', path: '/api/v1/auth/login', status: 200, body: auth.login.input.strict(), ...asIs(auth.login), ...fromBody }),
  json({
    method: 'post',
    path: '/api/v1/auth/refresh',
    status: 200,
    body: auth.refresh.input.strict(),
    ...asIs(auth.refresh),
    ...fromBody,
  }),
  json({
    method: 'post',
    path: '/api/v1/auth/logout',
    status: 200,
    body: auth.logout.input.unwrap().strict().optional(),
    ...asIs(auth.logout),
    ...fromBodyOrEmpty,
  }),
  json({ method: 'post', path: '/api/v1/auth/logout-all', status: 200, ...asIs(auth.logoutAll), ...fromNothing }),
  json({ method: 'get', path: '/api/v1/auth/me', status: 200, ...asIs(auth.me), ...fromNothing }),
  json({ method: 'get', path: '/api/v1/users/me', status: 200, ...asIs(auth.me), ...fromNothing }),
  // Not in the documents: the way to get the `cdb_` keys that document 000 authenticates with.
  json({
    method: 'post',
    path: '/api/v1/api-keys',
    status: 201,
    body: apiKeys.create.input.unwrap().strict().optional(),
    ...asIs(apiKeys.create),
    ...fromBodyOrEmpty,
  }),
  json({ method: 'get', path: '/api/v1/api-keys', status: 200, ...asIs(apiKeys.list), ...fromNothing }),
  json({
    method: 'delete',
    path: '/api/v1/api-keys/{id}',
    status: 200,
    params: apiKeys.revoke.input,
    ...asIs(apiKeys.revoke),
    ...fromParams,
  }),
];
