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
  json({
    method,
    path: `${BASE}/tasks/{taskCode}`,
    status: 200,
    params: taskParams,
    body: taskBody,
    ...asIs(setupHub.updateTask),
    ...(method === 'put' ? { summary: `${setupHub.updateTask.summary} (PUT is accepted as PATCH: the document gives no method.)` } : {}),
    ...fromParamsAndBody,
  });

export const setupHubRoutes = [
  json({ method: 'get', path: BASE, status: 200, ...asIs(setupHub.get), ...fromNothing }),
  updateTask('patch'),
  updateTask('put'),
  json({ method: 'post', path: `${BASE}/auto-check`, status: 200, ...asIs(setupHub.autoCheck), ...fromNothing }),
  json({ method: 'post', path: `${BASE}/complete`, status: 200, ...asIs(setupHub.complete), ...fromNothing }),
];
