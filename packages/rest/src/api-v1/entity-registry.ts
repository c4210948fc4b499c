import { contracts } from '@crm/api';
import { z } from 'zod';
import { pageAndLimit, queryNumber } from '../shared/fields.ts';
import { apiV1Face } from '../shared/face.ts';
import { asIs, fromBody, fromParams, fromParamsAndQuery, fromQuery } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/entity-registry (document 001, {success, data}, camelCase). Fixed segments (/search,
// /list, /register ...) are matched before `{canonicalId}` by the mount.

const { registry } = contracts.registry;
const { json } = routesOf(apiV1Face);
const BASE = '/api/v1/entity-registry';

const byCanonical = registry.get.input;
const byLink = z.object({ linkId: registry.unlink.input.shape.linkId });
const searchQuery = registry.search.input.extend({ limit: queryNumber(registry.search.input.shape.limit) });
const listQuery = registry.list.input.extend(pageAndLimit(registry.list.input.shape));
const timelineQuery = registry.timeline.input.omit({ canonicalId: true }).extend(pageAndLimit(registry.timeline.input.shape));

export const entityRegistryRoutes = [
  json('get', `${BASE}/search`, { ...asIs(registry.search), ...fromQuery(searchQuery) }),
  json('get', `${BASE}/list`, { ...asIs(registry.list), ...fromQuery(listQuery) }),
  json('get', `${BASE}/by-entity/{app}/{entityType}/{entityId}`, { ...asIs(registry.byEntity), ...fromParams(registry.byEntity.input) }),
  json('get', `${BASE}/{canonicalId}`, { ...asIs(registry.get), ...fromParams(byCanonical) }),
  json('get', `${BASE}/{canonicalId}/genealogy`, { ...asIs(registry.genealogy), ...fromParams(byCanonical) }),
  json('get', `${BASE}/{canonicalId}/timeline`, { ...asIs(registry.timeline), ...fromParamsAndQuery(byCanonical, timelineQuery) }),
  json('get', `${BASE}/{canonicalId}/profile`, { ...asIs(registry.profile), ...fromParams(byCanonical) }),
  json('post', `${BASE}/register`, { status: 201, ...asIs(registry.register), ...fromBody(registry.register.input) }),
  json('post', `${BASE}/link`, { status: 201, ...asIs(registry.link), ...fromBody(registry.link.input) }),
  json('post', `${BASE}/merge`, { ...asIs(registry.merge), ...fromBody(registry.merge.input) }),
  json('post', `${BASE}/auto-link`, {
    summary: `${registry.autoLink.summary} Answers 200 either way; \`created\` says whether the entity is new.`,
    ...asIs(registry.autoLink),
    ...fromBody(registry.autoLink.input),
  }),
  json('delete', `${BASE}/links/{linkId}`, { ...asIs(registry.unlink), ...fromParams(byLink) }),
];
