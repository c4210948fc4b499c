import { contracts } from '@crm/api';
import { z } from 'zod';
import { queryNumber } from '../shared/fields.ts';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/entity-registry (document 001, {success, data}, camelCase). Fixed segments (/search,
// /list, /register ...) are matched before `{canonicalId}` by the mount.

const { registry } = contracts.registry;
const { json } = routesOf(apiV1Face);
const same = <T>(x: T) => x;
const BASE = '/api/v1/entity-registry';

const byCanonical = registry.get.input;
const timelineQuery = registry.timeline.input.omit({ canonicalId: true }).extend({
  page: queryNumber(registry.timeline.input.shape.page),
  limit: queryNumber(registry.timeline.input.shape.limit),
});

export const entityRegistryRoutes = [
  json({
    method: 'get',
    path: `${BASE}/search`,
    contract: registry.search,
    status: 200,
    query: registry.search.input.extend({ limit: queryNumber(registry.search.input.shape.limit) }),
    response: registry.search.output,
    input: ({ query }) => query,
    output: same,
  }),
  json({
    method: 'get',
    path: `${BASE}/list`,
    contract: registry.list,
    status: 200,
    query: registry.list.input.extend({
      page: queryNumber(registry.list.input.shape.page),
      limit: queryNumber(registry.list.input.shape.limit),
    }),
    response: registry.list.output,
    input: ({ query }) => query,
    output: same,
  }),
  json({
    method: 'get',
    path: `${BASE}/by-entity/{app}/{entityType}/{entityId}`,
    contract: registry.byEntity,
    status: 200,
    params: registry.byEntity.input,
    response: registry.byEntity.output,
    input: ({ params }) => params,
    output: same,
  }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}`,
    contract: registry.get,
    status: 200,
    params: byCanonical,
    response: registry.get.output,
    input: ({ params }) => params,
    output: same,
  }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}/genealogy`,
    contract: registry.genealogy,
    status: 200,
    params: byCanonical,
    response: registry.genealogy.output,
    input: ({ params }) => params,
    output: same,
  }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}/timeline`,
    contract: registry.timeline,
    status: 200,
    params: byCanonical,
    query: timelineQuery,
    response: registry.timeline.output,
    input: ({ params, query }) => ({ ...query, canonicalId: params.canonicalId }),
    output: same,
  }),
  json({
    method: 'get',
    path: `${BASE}/{canonicalId}/profile`,
    contract: registry.profile,
    status: 200,
    params: byCanonical,
    response: registry.profile.output,
    input: ({ params }) => params,
    output: same,
  }),
  json({
    method: 'post',
    path: `${BASE}/register`,
    contract: registry.register,
    status: 201,
    body: registry.register.input,
    response: registry.register.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'post',
    path: `${BASE}/link`,
    contract: registry.link,
    status: 201,
    body: registry.link.input,
    response: registry.link.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'post',
    path: `${BASE}/merge`,
    contract: registry.merge,
    status: 200,
    body: registry.merge.input,
    response: registry.merge.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'post',
    path: `${BASE}/auto-link`,
    contract: registry.autoLink,
    status: 200,
    summary: `${registry.autoLink.summary} Answers 200 either way; \`created\` says whether the entity is new.`,
    body: registry.autoLink.input,
    response: registry.autoLink.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'delete',
    path: `${BASE}/links/{linkId}`,
    contract: registry.unlink,
    status: 200,
    params: z.object({ linkId: registry.unlink.input.shape.linkId }),
    response: registry.unlink.output,
    input: ({ params }) => params,
    output: same,
  }),
];
