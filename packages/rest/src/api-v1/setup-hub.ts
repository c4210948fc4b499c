import { contracts } from '@crm/api';
import { apiV1Face } from '../shared/face.ts';
import { asIs, fromNothing, fromParamsAndBody } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/setup-hub (document 001, {success, data}, camelCase).

const { setupHub } = contracts.setup;
const { json } = routesOf(apiV1Face);
const BASE = '/api/v1/setup-hub';

const taskParams = setupHub.updateTask.input.pick({ taskCode: true });
const taskBody = setupHub.updateTask.input.omit({ taskCode: true });

/** The document gives no method for the task update: PATCH and PUT alike. */
const updateTask = (method: 'patch' | 'put') =>
  json(method, `${BASE}/tasks/{taskCode}`, {
    ...asIs(setupHub.updateTask),
    ...(method === 'put' ? { summary: `${setupHub.updateTask.summary} (PUT is accepted as PATCH: the document gives no method.)` } : {}),
    ...fromParamsAndBody(taskParams, taskBody),
  });

export const setupHubRoutes = [
  json('get', BASE, { ...asIs(setupHub.get), ...fromNothing }),
  updateTask('patch'),
  updateTask('put'),
  json('post', `${BASE}/auto-check`, { ...asIs(setupHub.autoCheck), ...fromNothing }),
  json('post', `${BASE}/complete`, { ...asIs(setupHub.complete), ...fromNothing }),
];
