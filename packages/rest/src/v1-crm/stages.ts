import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { ifMatchHeaders } from '../shared/fields.ts';
import { routesOf } from '../shared/route.ts';

// /v1/crm/stages: the pipeline's columns (document 000: snake_case, bare resources).

const c = contracts.pipeline.stages;
const { json } = routesOf(v1Face);

export const stageShape = snakeFace(contracts.pipeline.Stage);
const stageList = snakeFace(c.list.output);
const stageId = z.object({ stage_id: c.get.input.shape.stageId });
const fields = snakeInput(c.create.input.shape);
const changes = snakeInput(c.update.input.omit({ stageId: true, expectedVersion: true }).shape);
const deleted = snakeFace(c.delete.output);
const reorder = snakeInput(c.reorder.input.shape);

export const stageRoutes = [
  json({
    method: 'get',
    path: '/v1/crm/stages',
    contract: c.list,
    status: 200,
    response: z.object({ stages: stageList.schema }),
    input: () => undefined,
    output: (rows) => ({ stages: stageList.map(rows) }),
  }),
  json({
    method: 'post',
    path: '/v1/crm/stages',
    contract: c.create,
    status: 201,
    body: fields.schema,
    response: stageShape.schema,
    input: ({ body }) => fields.toContract(body),
    output: stageShape.map,
  }),
  json({
    method: 'post',
    path: '/v1/crm/stages/reorder',
    contract: c.reorder,
    status: 200,
    body: reorder.schema,
    response: z.object({ stages: stageList.schema }),
    input: ({ body }) => reorder.toContract(body),
    output: (rows) => ({ stages: stageList.map(rows) }),
  }),
  json({
    method: 'get',
    path: '/v1/crm/stages/{stage_id}',
    contract: c.get,
    status: 200,
    params: stageId,
    response: stageShape.schema,
    input: ({ params }) => ({ stageId: params.stage_id }),
    output: stageShape.map,
  }),
  json({
    method: 'patch',
    path: '/v1/crm/stages/{stage_id}',
    contract: c.update,
    status: 200,
    params: stageId,
    headers: ifMatchHeaders,
    body: changes.schema,
    response: stageShape.schema,
    input: ({ params, headers, body }) => ({ ...changes.toContract(body), stageId: params.stage_id, expectedVersion: headers['if-match'] }),
    output: stageShape.map,
  }),
  json({
    method: 'delete',
    path: '/v1/crm/stages/{stage_id}',
    contract: c.delete,
    status: 200,
    params: stageId,
    headers: ifMatchHeaders,
    response: deleted.schema,
    input: ({ params, headers }) => ({ stageId: params.stage_id, expectedVersion: headers['if-match'] }),
    output: deleted.map,
  }),
];
