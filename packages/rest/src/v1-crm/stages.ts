import { Hono } from 'hono';
import type { RestEnv } from '../shared/env.ts';
import { handle } from '../shared/handler.ts';
import { ifMatch, jsonBody, param } from '../shared/input.ts';
import { v1Face as face } from './face.ts';

/** /v1/crm/stages: the pipeline's columns, in order. */
export const stages = new Hono<RestEnv>()
  .get('/', handle(face, async (api) => ({ stages: await api.pipeline.stages.list() }), 200, {
    procedure: 'pipeline.stages.list', summary: 'List pipeline stages in order.',
  }))
  .post('/', handle(face, async (api, c) => api.pipeline.stages.create((await jsonBody(c)) as never), 201, {
    procedure: 'pipeline.stages.create', summary: 'Create a new stage. Body: {name, color, order}.',
  }))
  // Registered before /:stage_id so "reorder" is never taken for an id.
  .post('/reorder', handle(face, async (api, c) => ({ stages: await api.pipeline.stages.reorder((await jsonBody(c)) as never) }), 200, {
    procedure: 'pipeline.stages.reorder', summary: 'Bulk-reorder. Body: {stage_ids: [...]} in target order (every stage once).',
  }))
  .get('/:stage_id', handle(face, (api, c) => api.pipeline.stages.get({ stage_id: param(c, 'stage_id') }), 200, {
    procedure: 'pipeline.stages.get', summary: 'One stage.',
  }))
  .patch('/:stage_id', handle(face, async (api, c) =>
    api.pipeline.stages.update({ ...(await jsonBody(c)), stage_id: param(c, 'stage_id'), expected_version: ifMatch(c) } as never), 200, {
    procedure: 'pipeline.stages.update', summary: 'Rename / recolor / reorder one stage. If-Match pins the version.',
  }))
  .delete('/:stage_id', handle(face, (api, c) =>
    api.pipeline.stages.delete({ stage_id: param(c, 'stage_id'), expected_version: ifMatch(c) }), 200, {
    procedure: 'pipeline.stages.delete', summary: 'Delete. Deals in the stage move to the first remaining stage.',
  }));
