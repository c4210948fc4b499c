import { Hono } from 'hono';
import type { RestEnv } from '../shared/env.ts';
import { handle } from '../shared/handler.ts';
import { ifMatch, jsonBody, param } from '../shared/input.ts';
import { v1Face as face } from './face.ts';

/** /v1/crm/stages: the pipeline's columns, in order. */
export const stages = new Hono<RestEnv>()
  .get('/', handle(face, async (api) => ({ stages: await api.pipeline.stages.list() })))
  .post('/', handle(face, async (api, c) => api.pipeline.stages.create((await jsonBody(c)) as never), 201))
  // Registered before /:stage_id so "reorder" is never taken for an id.
  .post('/reorder', handle(face, async (api, c) => ({ stages: await api.pipeline.stages.reorder((await jsonBody(c)) as never) })))
  .get('/:stage_id', handle(face, (api, c) => api.pipeline.stages.get({ stage_id: param(c, 'stage_id') })))
  .patch('/:stage_id', handle(face, async (api, c) =>
    api.pipeline.stages.update({ ...(await jsonBody(c)), stage_id: param(c, 'stage_id'), expected_version: ifMatch(c) } as never),
  ))
  .delete('/:stage_id', handle(face, (api, c) =>
    api.pipeline.stages.delete({ stage_id: param(c, 'stage_id'), expected_version: ifMatch(c) }),
  ));
