import { contracts } from '@crm/api';
import { z } from 'zod';
import { apiV1Face } from '../shared/face.ts';
import { asIs, fromNothing } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/notifications/templates (document 001, {success, data}, camelCase). A template's id is
// its notification's key (`sales.lead_assigned`), the document's `:id`. The document gives no methods: customize is
// PUT (PATCH accepted alike), preview POST, and the override's reset DELETE.

const { templates } = contracts.notificationTemplates;
const { json } = routesOf(apiV1Face);
const BASE = '/api/v1/notifications/templates';

// The path names the template by its key (every tenant has each template: not a record of one).
const byKey = z.object({ key: templates.get.input.shape.id });
const fromKey = { input: ({ params }: { params: z.output<typeof byKey> }) => ({ id: params.key }) };
const customizeBody = templates.customize.input.omit({ id: true }).strict();
const previewBody = templates.preview.input.omit({ id: true }).strict();

export const notificationTemplateRoutes = [
  json('get', BASE, { ...asIs(templates.list), ...fromNothing }),
  json('get', `${BASE}/{key}`, { params: byKey, ...asIs(templates.get), ...fromKey }),
  ...(['put', 'patch'] as const).map((method) =>
    json(method, `${BASE}/{key}/customize`, {
      summary: `${templates.customize.summary} (PUT and PATCH alike: the document gives no method.)`,
      params: byKey,
      body: customizeBody,
      ...asIs(templates.customize),
      input: ({ params, body }) => ({ ...body, id: params.key }),
    }),
  ),
  json('post', `${BASE}/{key}/preview`, {
    params: byKey,
    body: previewBody.optional(),
    ...asIs(templates.preview),
    input: ({ params, body }) => ({ ...body, id: params.key }),
  }),
  json('delete', `${BASE}/{key}/override`, { params: byKey, ...asIs(templates.reset), ...fromKey }),
];
