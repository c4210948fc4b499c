import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import {
  fromNothing,
  fromSnakeBody,
  fromSnakeParams,
  fromVersionedParams,
  fromVersionedParamsAndBody,
  inSnakeCase,
} from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /v1/crm/stages: the pipeline's columns (document 000: snake_case, bare resources).

const c = contracts.pipeline.stages;
const { json } = routesOf(v1Face);

const stageList = snakeFace(c.list.output);
const stageId = snakeInput({ stageId: c.get.input.shape.stageId });
const changes = snakeInput(c.update.input.omit({ stageId: true, expectedVersion: true }).shape);
/** Document 000 lists the columns under a key: `{"stages": [...]}`. */
const listed = {
  response: z.object({ stages: stageList.schema }),
  output: (rows: z.output<typeof c.list.output>) => ({ stages: stageList.map(rows) }),
};

export const stageRoutes = [
  json('get', '/v1/crm/stages', { contract: c.list, ...fromNothing, ...listed }),
  json('post', '/v1/crm/stages', { status: 201, ...fromSnakeBody(snakeInput(c.create.input.shape)), ...inSnakeCase(c.create) }),
  json('post', '/v1/crm/stages/reorder', { contract: c.reorder, ...fromSnakeBody(snakeInput(c.reorder.input.shape)), ...listed }),
  json('get', '/v1/crm/stages/{stage_id}', { ...fromSnakeParams(stageId), ...inSnakeCase(c.get) }),
  json('patch', '/v1/crm/stages/{stage_id}', { ...fromVersionedParamsAndBody(stageId, changes), ...inSnakeCase(c.update) }),
  json('delete', '/v1/crm/stages/{stage_id}', { ...fromVersionedParams(stageId), ...inSnakeCase(c.delete) }),
];
