import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { ifMatchHeaders, queryNumber } from '../shared/fields.ts';
import { routesOf } from '../shared/route.ts';

// /v1/crm/deals, /v1/crm/contacts and /v1/crm/leaderboard (document 000: snake_case, bare
// resources, ETag/If-Match carrying the version).

const { deals, contacts, activities, leaderboard } = contracts.pipeline;
const { json, stream } = routesOf(v1Face);

const dealShape = snakeFace(contracts.pipeline.Deal);
const dealDetail = snakeFace(deals.get.output);
const dealPage = snakeFace(deals.list.output);
const board = snakeFace(deals.kanban.output);
const timeline = snakeFace(deals.timeline.output);
const contactShape = snakeFace(contracts.pipeline.DealContact);
const contactList = snakeFace(contacts.list.output);
const activityShape = snakeFace(contracts.pipeline.Activity);
const activityList = snakeFace(activities.list.output);
const ranking = snakeFace(leaderboard.output);
const deletedShape = snakeFace(deals.delete.output);

const dealId = z.object({ deal_id: deals.get.input.shape.dealId });
const contactId = z.object({ contact_id: contacts.update.input.shape.contactId });

const createBody = snakeInput(deals.create.input.shape);
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

export const dealRoutes = [
  json({
    method: 'post',
    path: '/v1/crm/deals',
    contract: deals.create,
    status: 201,
    body: createBody.schema,
    response: dealShape.schema,
    input: ({ body }) => createBody.toContract(body),
    output: dealShape.map,
  }),
  json({
    method: 'get',
    path: '/v1/crm/deals',
    contract: deals.list,
    status: 200,
    query: listQuery,
    response: dealPage.schema,
    input: ({ query: q }) => ({
      stageId: q.stage_id,
      ownerUserId: q.owner_user_id,
      minValue: q.min_value,
      q: q.q,
      page: q.page,
      pageSize: q.page_size ?? q.limit,
    }),
    output: dealPage.map,
  }),
  json({
    method: 'get',
    path: '/v1/crm/deals/kanban',
    contract: deals.kanban,
    status: 200,
    query: kanbanQuery,
    response: board.schema,
    input: ({ query: q }) => ({
      perStage: q.per_stage,
      stageId: q.stage_id,
      cursor: q.cursor,
      ownerUserId: q.owner_user_id,
      minValue: q.min_value,
    }),
    output: board.map,
    reuseAnswer: true,
  }),
  stream({
    method: 'get',
    path: '/v1/crm/deals/export',
    contract: deals.export,
    status: 200,
    contentType: 'text/csv; charset=utf-8',
    headersOut: { 'content-disposition': 'attachment; filename="deals.csv"', 'cache-control': 'no-store' },
    input: () => undefined,
    chunk: (text) => text,
  }),
  json({
    method: 'get',
    path: '/v1/crm/deals/{deal_id}',
    contract: deals.get,
    status: 200,
    summary: 'One deal with its contacts and activities; its ETag is its version.',
    params: dealId,
    response: dealDetail.schema,
    input: ({ params }) => ({ dealId: params.deal_id }),
    output: (deal, reply) => {
      reply.header('ETag', `"${deal.version}"`);
      return dealDetail.map(deal);
    },
  }),
  json({
    method: 'patch',
    path: '/v1/crm/deals/{deal_id}',
    contract: deals.update,
    status: 200,
    params: dealId,
    headers: ifMatchHeaders,
    body: updateBody.schema,
    response: dealShape.schema,
    input: ({ params, headers, body }) => ({
      ...updateBody.toContract(body),
      dealId: params.deal_id,
      expectedVersion: headers['if-match'],
    }),
    output: dealShape.map,
  }),
  json({
    method: 'patch',
    path: '/v1/crm/deals/{deal_id}/move',
    contract: deals.move,
    status: 200,
    params: dealId,
    headers: ifMatchHeaders,
    body: moveBody.schema,
    response: dealShape.schema,
    input: ({ params, headers, body }) => ({ ...moveBody.toContract(body), dealId: params.deal_id, expectedVersion: headers['if-match'] }),
    output: dealShape.map,
  }),
  json({
    method: 'delete',
    path: '/v1/crm/deals/{deal_id}',
    contract: deals.delete,
    status: 200,
    params: dealId,
    headers: ifMatchHeaders,
    response: deletedShape.schema,
    input: ({ params, headers }) => ({ dealId: params.deal_id, expectedVersion: headers['if-match'] }),
    output: deletedShape.map,
  }),
  json({
    method: 'get',
    path: '/v1/crm/deals/{deal_id}/timeline',
    contract: deals.timeline,
    status: 200,
    params: dealId,
    response: timeline.schema,
    input: ({ params }) => ({ dealId: params.deal_id }),
    output: timeline.map,
  }),
  json({
    method: 'get',
    path: '/v1/crm/deals/{deal_id}/contacts',
    contract: contacts.list,
    status: 200,
    params: dealId,
    response: contactList.schema,
    input: ({ params }) => ({ dealId: params.deal_id }),
    output: contactList.map,
  }),
  json({
    method: 'post',
    path: '/v1/crm/deals/{deal_id}/contacts',
    contract: contacts.attach,
    status: 201,
    params: dealId,
    body: attachBody.schema,
    response: contactShape.schema,
    input: ({ params, body }) => ({ ...attachBody.toContract(body), dealId: params.deal_id }),
    output: contactShape.map,
  }),
  json({
    method: 'get',
    path: '/v1/crm/deals/{deal_id}/activities',
    contract: activities.list,
    status: 200,
    params: dealId,
    response: activityList.schema,
    input: ({ params }) => ({ dealId: params.deal_id }),
    output: activityList.map,
  }),
  json({
    method: 'post',
    path: '/v1/crm/deals/{deal_id}/activities',
    contract: activities.log,
    status: 201,
    params: dealId,
    body: activityBody.schema,
    response: activityShape.schema,
    input: ({ params, body }) => ({ ...activityBody.toContract(body), dealId: params.deal_id }),
    output: activityShape.map,
  }),
  json({
    method: 'patch',
    path: '/v1/crm/contacts/{contact_id}',
    contract: contacts.update,
    status: 200,
    params: contactId,
    body: contactBody.schema,
    response: contactShape.schema,
    input: ({ params, body }) => ({ ...contactBody.toContract(body), contactId: params.contact_id }),
    output: contactShape.map,
  }),
  json({
    method: 'delete',
    path: '/v1/crm/contacts/{contact_id}',
    contract: contacts.delete,
    status: 200,
    params: contactId,
    response: snakeFace(contacts.delete.output).schema,
    input: ({ params }) => ({ contactId: params.contact_id }),
    output: snakeFace(contacts.delete.output).map,
  }),
  json({
    method: 'get',
    path: '/v1/crm/leaderboard',
    contract: leaderboard,
    status: 200,
    query: leaderboardQuery,
    response: ranking.schema,
    input: ({ query: q }) => ({ days: q.days }),
    output: ranking.map,
  }),
];
