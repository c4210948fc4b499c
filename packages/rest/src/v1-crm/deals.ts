import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { queryNumber } from '../shared/fields.ts';
import {
  fromSnakeBody,
  fromSnakeParams,
  fromSnakeParamsAndBody,
  fromVersionedParams,
  fromVersionedParamsAndBody,
  inSnakeCase,
} from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /v1/crm/deals, /v1/crm/contacts and /v1/crm/leaderboard (document 000: snake_case, bare
// resources, ETag/If-Match carrying the version).

const { deals, contacts, activities, leaderboard } = contracts.pipeline;
const { json, stream } = routesOf(v1Face);

const dealId = snakeInput({ dealId: deals.get.input.shape.dealId });
const contactId = snakeInput({ contactId: contacts.update.input.shape.contactId });

const updateBody = snakeInput(deals.update.input.omit({ dealId: true, expectedVersion: true }).shape);
const moveBody = snakeInput(deals.move.input.pick({ stageId: true }).shape);
const attachBody = snakeInput(contacts.attach.input.omit({ dealId: true }).shape);
const contactBody = snakeInput(contacts.update.input.omit({ contactId: true }).shape);
const activityBody = snakeInput(activities.log.input.omit({ dealId: true }).shape);

const listFilters = deals.list.input.unwrap().shape;
const listQuery = z.object({
  stage_id: listFilters.stageId,
  owner_user_id: queryNumber(listFilters.ownerUserId),
  min_value: queryNumber(listFilters.minValue),
  q: listFilters.q,
  page: queryNumber(listFilters.page),
  // No default on the face: the contract's applies when neither is sent, so `limit` alone is heard.
  page_size: queryNumber(listFilters.pageSize.unwrap().optional()),
  limit: queryNumber(listFilters.pageSize.unwrap().optional()).describe('the same as page_size'),
});
const boardFilters = deals.kanban.input.unwrap().shape;
const kanbanQuery = z.object({
  per_stage: queryNumber(boardFilters.perStage),
  stage_id: boardFilters.stageId,
  cursor: boardFilters.cursor,
  owner_user_id: queryNumber(boardFilters.ownerUserId),
  min_value: queryNumber(boardFilters.minValue),
});
const leaderboardQuery = z.object({ days: queryNumber(leaderboard.input.unwrap().shape.days) });

const dealDetail = snakeFace(deals.get.output);

export const dealRoutes = [
  json('post', '/v1/crm/deals', { status: 201, ...fromSnakeBody(snakeInput(deals.create.input.shape)), ...inSnakeCase(deals.create) }),
  json('get', '/v1/crm/deals', {
    query: listQuery,
    input: ({ query: q }) => ({
      stageId: q.stage_id,
      ownerUserId: q.owner_user_id,
      minValue: q.min_value,
      q: q.q,
      page: q.page,
      pageSize: q.page_size ?? q.limit,
    }),
    ...inSnakeCase(deals.list),
  }),
  json('get', '/v1/crm/deals/kanban', {
    query: kanbanQuery,
    input: ({ query: q }) => ({
      perStage: q.per_stage,
      stageId: q.stage_id,
      cursor: q.cursor,
      ownerUserId: q.owner_user_id,
      minValue: q.min_value,
    }),
    ...inSnakeCase(deals.kanban),
    reuseAnswer: true,
  }),
  stream('get', '/v1/crm/deals/export', {
    contract: deals.export,
    contentType: 'text/csv; charset=utf-8',
    headersOut: { 'content-disposition': 'attachment; filename="deals.csv"', 'cache-control': 'no-store' },
    input: () => undefined,
    chunk: (text) => text,
  }),
  json('get', '/v1/crm/deals/{deal_id}', {
    contract: deals.get,
    summary: 'One deal with its contacts and activities; its ETag is its version.',
    ...fromSnakeParams(dealId),
    response: dealDetail.schema,
    output: (deal, reply) => {
      reply.header('ETag', `"${deal.version}"`);
      return dealDetail.map(deal);
    },
  }),
  json('patch', '/v1/crm/deals/{deal_id}', { ...fromVersionedParamsAndBody(dealId, updateBody), ...inSnakeCase(deals.update) }),
  json('patch', '/v1/crm/deals/{deal_id}/move', { ...fromVersionedParamsAndBody(dealId, moveBody), ...inSnakeCase(deals.move) }),
  json('delete', '/v1/crm/deals/{deal_id}', { ...fromVersionedParams(dealId), ...inSnakeCase(deals.delete) }),
  json('get', '/v1/crm/deals/{deal_id}/timeline', { ...fromSnakeParams(dealId), ...inSnakeCase(deals.timeline) }),
  json('get', '/v1/crm/deals/{deal_id}/contacts', { ...fromSnakeParams(dealId), ...inSnakeCase(contacts.list) }),
  json('post', '/v1/crm/deals/{deal_id}/contacts', {
    status: 201,
    ...fromSnakeParamsAndBody(dealId, attachBody),
    ...inSnakeCase(contacts.attach),
  }),
  json('get', '/v1/crm/deals/{deal_id}/activities', { ...fromSnakeParams(dealId), ...inSnakeCase(activities.list) }),
  json('post', '/v1/crm/deals/{deal_id}/activities', {
    status: 201,
    ...fromSnakeParamsAndBody(dealId, activityBody),
    ...inSnakeCase(activities.log),
  }),
  json('patch', '/v1/crm/contacts/{contact_id}', { ...fromSnakeParamsAndBody(contactId, contactBody), ...inSnakeCase(contacts.update) }),
  json('delete', '/v1/crm/contacts/{contact_id}', { ...fromSnakeParams(contactId), ...inSnakeCase(contacts.delete) }),
  json('get', '/v1/crm/leaderboard', { query: leaderboardQuery, input: ({ query: q }) => ({ days: q.days }), ...inSnakeCase(leaderboard) }),
];
