import { contracts } from '@crm/api';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/auth, /api/v1/users/me and /api/v1/api-keys (document 001, {success, data}).

const { auth, apiKeys } = contracts.identity;
const { json } = routesOf(apiV1Face);
const same = <T>(x: T) => x;

export const authRoutes = [
  json({
    method: 'post',
    path: '/api/v1/auth/login',
    contract: auth.login,
    status: 200,
    body: auth.login.input.strict(),
    response: auth.login.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'post',
    path: '/api/v1/auth/refresh',
    contract: auth.refresh,
    status: 200,
    body: auth.refresh.input.strict(),
    response: auth.refresh.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'post',
    path: '/api/v1/auth/logout',
    contract: auth.logout,
    status: 200,
    body: auth.logout.input.unwrap().strict().optional(),
    response: auth.logout.output,
    input: ({ body }) => body ?? {},
    output: same,
  }),
  json({
    method: 'post',
    path: '/api/v1/auth/logout-all',
    contract: auth.logoutAll,
    status: 200,
    response: auth.logoutAll.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/auth/me',
    contract: auth.me,
    status: 200,
    response: auth.me.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/users/me',
    contract: auth.me,
    status: 200,
    response: auth.me.output,
    input: () => undefined,
    output: same,
  }),
  // Not in the documents: the way to get the `cdb_` keys that document 000 authenticates with.
  json({
    method: 'post',
    path: '/api/v1/api-keys',
    contract: apiKeys.create,
    status: 201,
    body: apiKeys.create.input.unwrap().strict().optional(),
    response: apiKeys.create.output,
    input: ({ body }) => body ?? {},
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/api-keys',
    contract: apiKeys.list,
    status: 200,
    response: apiKeys.list.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'delete',
    path: '/api/v1/api-keys/{id}',
    contract: apiKeys.revoke,
    status: 200,
    params: apiKeys.revoke.input,
    response: apiKeys.revoke.output,
    input: ({ params }) => params,
    output: same,
  }),
];
