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
const searchQuery = registry.search.input.extend({ limit: queryNumber(registry.search.input.shape.limit) });
const listQuery = registry.list.input.extend(pageAndLimit(registry.list.input.shape));
const timelineQuery = registry.timeline.input.omit({ canonicalId: true }).extend(pageAndLimit(registry.timeline.input.shape));

export const entityRegistryRoutes = [
  json({ method: 'get', path: `${BASE}/search`, status: 200, query: searchQuery, ...asIs(registry.search), ...fromQuery }),
  json({ method: 'get', path: `${BASE}/list`, status: 200, query: listQuery, ...asIs(registry.list), ...fromQuery }),
  json({
    method: 'get',
    path: `${BASE}/by-entity/{app}/{entityType}/{entityId}`,
    status: 200,
    params: registry.byEntity.input,
    ...asIs(registry.byEntity),
    ...fromParams,
  }),
  json({ method: 'get', path: `${BASE}/{canonicalId}`, status: 200, params: byCanonical, ...asIs(registry.get), ...fromParams }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}/genealogy`,
    status: 200,
    params: byCanonical,
    ...asIs(registry.genealogy),
    ...fromParams,
  }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}/timeline`,
    status: 200,
    params: byCanonical,
    query: timelineQuery,
    ...asIs(registry.timeline),
    ...fromParamsAndQuery,
  }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}/profile`,
    status: 200,
    params: byCanonical,
    ...asIs(registry.profile),
    ...fromParams,
  }),
  json({ method: 'post', path: `${BASE}/register`, status: 201, body: registry.register.input, ...asIs(registry.register), ...fromBody }),
  json({ method: 'post', path: `${BASE}/link`, status: 201, body: registry.link.input, ...asIs(registry.link), ...fromBody }),
  json({ method: 'post', path: `${BASE}/merge`, status: 200, body: registry.merge.input, ...asIs(registry.merge), ...fromBody }),
  json({
    method: 'post',
    path: `${BASE}/auto-link`,
    status: 200,
    summary: `${registry.autoLink.summary} Answers 200 either way; \`created\` says whether the entity is new.`,
    body: registry.autoLink.input,
    ...asIs(registry.autoLink),
    ...fromBody,
  }),
  json({
    method: 'delete',
    path: `${BASE}/links/{linkId}`,
    status: 200,
    params: z.object({ linkId: registry.unlink.input.shape.linkId }),
    ...asIs(registry.unlink),
    ...fromParams,
  }),
];
