import { contracts } from '@crm/api';
import { z } from 'zod';
import { queryNumber } from '../shared/fields.ts';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/users (document 001, {success, data}, camelCase, integer ids). GET /api/v1/users/me is
// declared with the session routes (auth.ts), before these, so `me` never reaches `{id}`.

const { users } = contracts.users;
const { json } = routesOf(apiV1Face);
const same = <T>(x: T) => x;

const byId = z.object({ id: queryNumber(users.get.input.shape.id) });
const listQuery = z.object({
  page: queryNumber(users.list.input.shape.page),
  limit: queryNumber(users.list.input.shape.limit),
  search: users.list.input.shape.search,
  status: users.list.input.shape.status,
});
const changes = users.update.input.omit({ id: true }).strict();

const update = (method: 'patch' | 'put') =>
  json(method, '/api/v1/users/{id}', {
    contract: users.update,
    ...(method === 'put' ? { summary: `${users.update.summary} (PUT is accepted as PATCH: the document gives no method.)` } : {}),
    params: byId,
    body: changes,
    response: users.update.output,
    input: ({ params, body }) => ({ ...body, id: params.id }),
    output: same,
  });

export const userRoutes = [
  json('post', '/api/v1/users', {
    contract: users.create,
    status: 201,
    body: users.create.input.strict(),
    response: users.create.output,
    input: ({ body }) => body,
    output: same,
  }),
  json('get', '/api/v1/users', {
    contract: users.list,
    query: listQuery,
    response: users.list.output,
    input: ({ query }) => query,
    output: same,
  }),
  json('post', '/api/v1/users/accept-invitation', {
    contract: users.acceptInvitation,
    body: users.acceptInvitation.input.strict(),
    response: users.acceptInvitation.output,
    input: ({ body }) => body,
    output: same,
  }),
  json('get', '/api/v1/users/{id}', {
    contract: users.get,
    params: byId,
    response: users.get.output,
    input: ({ params }) => params,
    output: same,
  }),
  update('patch'),
  update('put'),
  json('delete', '/api/v1/users/{id}', {
    contract: users.deactivate,
    params: byId,
    response: users.deactivate.output,
    input: ({ params }) => params,
    output: same,
  }),
  json('post', '/api/v1/users/{id}/activate', {
    contract: users.activate,
    params: byId,
    response: users.activate.output,
    input: ({ params }) => params,
    output: same,
  }),
  json('post', '/api/v1/users/{id}/resend-invitation', {
    contract: users.resendInvitation,
    params: byId,
    response: users.resendInvitation.output,
    input: ({ params }) => params,
    output: same,
  }),
  json('delete', '/api/v1/users/{id}/permanent', {
    contract: users.erase,
    params: byId,
    response: users.erase.output,
    input: ({ params }) => params,
    output: same,
  }),
];
