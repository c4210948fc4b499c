import { contracts } from '@crm/api';
import { z } from 'zod';
import { queryNumber } from '../shared/fields.ts';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/profiles, /api/v1/users/profiles, /api/v1/permissions/me and /api/v1/org-settings
// (document 001, {success, data}, camelCase, integer profile ids). Fixed segments
// (/profiles/permissions, /users/profiles) are matched before `{id}` by the mount.

const { profiles, permissionsMe, orgSettings } = contracts.access;
const { json } = routesOf(apiV1Face);
const same = <T>(x: T) => x;

const byId = z.object({ id: queryNumber(profiles.get.input.shape.id) });
const byKey = z.object({ key: orgSettings.get.input.shape.key });

export const accessRoutes = [
  json({
    method: 'get',
    path: '/api/v1/profiles',
    contract: profiles.list,
    status: 200,
    response: profiles.list.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/profiles/permissions',
    contract: profiles.permissions,
    status: 200,
    response: profiles.permissions.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/users/profiles',
    contract: profiles.available,
    status: 200,
    response: profiles.available.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/profiles/{id}',
    contract: profiles.get,
    status: 200,
    params: byId,
    response: profiles.get.output,
    input: ({ params }) => params,
    output: same,
  }),
  json({
    method: 'post',
    path: '/api/v1/profiles',
    contract: profiles.create,
    status: 201,
    body: profiles.create.input,
    response: profiles.create.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'patch',
    path: '/api/v1/profiles/{id}',
    contract: profiles.update,
    status: 200,
    params: byId,
    body: profiles.update.input.omit({ id: true }).strict(),
    response: profiles.update.output,
    input: ({ params, body }) => ({ ...body, id: params.id }),
    output: same,
  }),
  json({
    method: 'delete',
    path: '/api/v1/profiles/{id}',
    contract: profiles.deactivate,
    status: 200,
    params: byId,
    response: profiles.deactivate.output,
    input: ({ params }) => params,
    output: same,
  }),
  json({
    method: 'post',
    path: '/api/v1/profiles/{id}/activate',
    contract: profiles.activate,
    status: 200,
    params: byId,
    response: profiles.activate.output,
    input: ({ params }) => params,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/permissions/me',
    contract: permissionsMe,
    status: 200,
    response: permissionsMe.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/org-settings',
    contract: orgSettings.list,
    status: 200,
    response: orgSettings.list.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/org-settings/by-category/{category}',
    contract: orgSettings.byCategory,
    status: 200,
    params: orgSettings.byCategory.input,
    response: orgSettings.byCategory.output,
    input: ({ params }) => params,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/org-settings/{key}',
    contract: orgSettings.get,
    status: 200,
    params: byKey,
    response: orgSettings.get.output,
    input: ({ params }) => params,
    output: same,
  }),
  json({
    method: 'patch',
    path: '/api/v1/org-settings/{key}',
    contract: orgSettings.update,
    status: 200,
    params: byKey,
    body: orgSettings.update.input.omit({ key: true }).strict(),
    response: orgSettings.update.output,
    input: ({ params, body }) => ({ ...body, key: params.key }),
    output: same,
  }),
];
