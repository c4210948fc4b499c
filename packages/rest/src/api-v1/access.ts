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
const profileChanges = profiles.update.input.omit({ id: true }).strict();
const settingChanges = orgSettings.update.input.omit({ key: true }).strict();

export const accessRoutes = [
  json('get', '/api/v1/profiles', { ...asIs(profiles.list), ...fromNothing }),
  json('get', '/api/v1/profiles/permissions', { ...asIs(profiles.permissions), ...fromNothing }),
  json('get', '/api/v1/users/profiles', { ...asIs(profiles.available), ...fromNothing }),
  json('get', '/api/v1/profiles/{id}', { ...asIs(profiles.get), ...fromParams(byId) }),
  json('post', '/api/v1/profiles', { status: 201, ...asIs(profiles.create), ...fromBody(profiles.create.input) }),
  json('patch', '/api/v1/profiles/{id}', { ...asIs(profiles.update), ...fromParamsAndBody(byId, profileChanges) }),
  json('delete', '/api/v1/profiles/{id}', { ...asIs(profiles.deactivate), ...fromParams(byId) }),
  json('post', '/api/v1/profiles/{id}/activate', { ...asIs(profiles.activate), ...fromParams(byId) }),
  json('get', '/api/v1/permissions/me', { ...asIs(permissionsMe), ...fromNothing }),
  json('get', '/api/v1/org-settings', { ...asIs(orgSettings.list), ...fromNothing }),
  json('get', '/api/v1/org-settings/by-category/{category}', {
    ...asIs(orgSettings.byCategory),
    ...fromParams(orgSettings.byCategory.input),
  }),
  json('get', '/api/v1/org-settings/{key}', { ...asIs(orgSettings.get), ...fromParams(byKey) }),
  json('patch', '/api/v1/org-settings/{key}', { ...asIs(orgSettings.update), ...fromParamsAndBody(byKey, settingChanges) }),
];
