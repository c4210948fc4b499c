import { contracts } from '@crm/api';
import { z } from 'zod';
import { queryNumber } from '../shared/fields.ts';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';
import { asIs, fromBody, fromNothing, fromParams, fromParamsAndBody } from '../shared/parts.ts';

// /api/v1/profiles, /api/v1/users/profiles, /api/v1/permissions/me and /api/v1/org-settings
// (document 001, {success, data}, camelCase, integer profile ids). Fixed segments
// (/profiles/permissions, /users/profiles) are matched before `{id}` by the mount.

const { profiles, permissionsMe, orgSettings } = contracts.access;
const { json } = routesOf(apiV1Face);

const byId = z.object({ id: queryNumber(profiles.get.input.shape.id) });
const byKey = z.object({ key: orgSettings.get.input.shape.key });

export const accessRoutes = [
  json({ method: 'get', path: '/api/v1/profiles', status: 200, ...asIs(profiles.list), ...fromNothing }),
  json({ method: 'get', path: '/api/v1/profiles/permissions', status: 200, ...asIs(profiles.permissions), ...fromNothing }),
  json({ method: 'get', path: '/api/v1/users/profiles', status: 200, ...asIs(profiles.available), ...fromNothing }),
  json({ method: 'get', path: '/api/v1/profiles/{id}', status: 200, params: byId, ...asIs(profiles.get), ...fromParams }),
  json({ method: 'post', path: '/api/v1/profiles', status: 201, body: profiles.create.input, ...asIs(profiles.create), ...fromBody }),
  json({
    method: 'patch',
    path: '/api/v1/profiles/{id}',
    status: 200,
    params: byId,
    body: profiles.update.input.omit({ id: true }).strict(),
    ...asIs(profiles.update),
    ...fromParamsAndBody,
  }),
  json({ method: 'delete', path: '/api/v1/profiles/{id}', status: 200, params: byId, ...asIs(profiles.deactivate), ...fromParams }),
  json({ method: 'post', path: '/api/v1/profiles/{id}/activate', status: 200, params: byId, ...asIs(profiles.activate), ...fromParams }),
  json({ method: 'get', path: '/api/v1/permissions/me', status: 200, ...asIs(permissionsMe), ...fromNothing }),
  json({ method: 'get', path: '/api/v1/org-settings', status: 200, ...asIs(orgSettings.list), ...fromNothing }),
  json({
    method: 'get',
    path: '/api/v1/org-settings/by-category/{category}',
    status: 200,
    params: orgSettings.byCategory.input,
    ...asIs(orgSettings.byCategory),
    ...fromParams,
  }),
  json({ method: 'get', path: '/api/v1/org-settings/{key}', status: 200, params: byKey, ...asIs(orgSettings.get), ...fromParams }),
  json({
    method: 'patch',
    path: '/api/v1/org-settings/{key}',
    status: 200,
    params: byKey,
    body: orgSettings.update.input.omit({ key: true }).strict(),
    ...asIs(orgSettings.update),
    ...fromParamsAndBody,
  }),
];
