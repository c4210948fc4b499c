import { contracts } from '@crm/api';
import { z } from 'zod';
import { queryNumber } from '../shared/fields.ts';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/settings/email/* (document 001, {success, data}, camelCase). The document names the
// paths and no methods for updates: PUT and PATCH are accepted alike, both as a partial update
// (a field left out keeps its value). The outbox listing is ours: where mail waits when no SMTP
// is configured, and where a failed message can be read.

const c = contracts.emailSettings;
const { json } = routesOf(apiV1Face);
const same = <T>(x: T) => x;
const BASE = '/api/v1/settings/email';
const UPDATE_NOTE = ' (PUT and PATCH alike: the document gives no method; fields left out keep their value.)';

type Section = (typeof c)['sender' | 'tracking' | 'compliance' | 'footer' | 'deliverability'];

function sectionRoutes(name: string, s: Section) {
  return [
    json({
      method: 'get',
      path: `${BASE}/${name}`,
      contract: s.get,
      status: 200,
      response: s.get.output,
      input: () => undefined,
      output: same,
    }),
    ...(['put', 'patch'] as const).map((method) =>
      json({
        method,
        path: `${BASE}/${name}`,
        contract: s.update,
        status: 200,
        summary: `${s.update.summary}${UPDATE_NOTE}`,
        body: s.update.input,
        response: s.update.output,
        input: ({ body }) => body,
        output: same,
      }),
    ),
  ];
}

const outboxQuery = z.object({
  status: c.outbox.list.input.shape.status,
  page: queryNumber(c.outbox.list.input.shape.page),
  limit: queryNumber(c.outbox.list.input.shape.limit),
});

export const emailSettingsRoutes = [
  json({
    method: 'get',
    path: `${BASE}/smtp`,
    contract: c.smtp.get,
    status: 200,
    response: c.smtp.get.output,
    input: () => undefined,
    output: same,
  }),
  ...(['put', 'patch'] as const).map((method) =>
    json({
      method,
      path: `${BASE}/smtp`,
      contract: c.smtp.save,
      status: 200,
      summary: `${c.smtp.save.summary}${UPDATE_NOTE}`,
      body: c.smtp.save.input,
      response: c.smtp.save.output,
      input: ({ body }) => body,
      output: same,
    }),
  ),
  json({
    method: 'post',
    path: `${BASE}/smtp/test`,
    contract: c.smtp.test,
    status: 200,
    body: c.smtp.test.input.optional(),
    response: c.smtp.test.output,
    input: ({ body }) => body ?? {},
    output: same,
  }),
  ...sectionRoutes('sender', c.sender),
  ...sectionRoutes('tracking', c.tracking),
  ...sectionRoutes('compliance', c.compliance),
  ...sectionRoutes('footer', c.footer),
  ...sectionRoutes('deliverability', c.deliverability),
  json({
    method: 'get',
    path: `${BASE}/status`,
    contract: c.status,
    status: 200,
    response: c.status.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'get',
    path: `${BASE}/outbox`,
    contract: c.outbox.list,
    status: 200,
    query: outboxQuery,
    response: c.outbox.list.output,
    input: ({ query }) => query,
    output: same,
  }),
];
