import { contracts } from '@crm/api';
import { z } from 'zod';
import { queryNumber } from '../shared/fields.ts';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';
import { asIs, fromBody, fromBodyOrEmpty, fromNothing, fromQuery } from '../shared/parts.ts';

// /api/v1/settings/email/* (document 001, {success, data}, camelCase). The document names the
// paths and no methods for updates: PUT and PATCH are accepted alike, both as a partial update
// (a field left out keeps its value). The outbox listing is ours: where mail waits when no SMTP
// is configured, and where a failed message can be read.

const c = contracts.emailSettings;
const { json } = routesOf(apiV1Face);
const BASE = '/api/v1/settings/email';
const UPDATE_NOTE = ' (PUT and PATCH alike: the document gives no method; fields left out keep their value.)';

/** A section's read and its update; SMTP's update is its save (the password makes it more than an update). */
type Section =
  | (typeof c)['sender' | 'tracking' | 'compliance' | 'footer' | 'deliverability']
  | { get: typeof c.smtp.get; update: typeof c.smtp.save };

function sectionRoutes(name: string, s: Section) {
  return [
    json('get', `${BASE}/${name}`, { ...asIs(s.get), ...fromNothing }),
    ...(['put', 'patch'] as const).map((method) =>
      json(method, `${BASE}/${name}`, { summary: `${s.update.summary}${UPDATE_NOTE}`, ...asIs(s.update), ...fromBody(s.update.input) }),
    ),
  ];
}

const outboxQuery = z.object({
  status: c.outbox.list.input.shape.status,
  page: queryNumber(c.outbox.list.input.shape.page),
  limit: queryNumber(c.outbox.list.input.shape.limit),
});

export const emailSettingsRoutes = [
  ...sectionRoutes('smtp', { get: c.smtp.get, update: c.smtp.save }),
  json('post', `${BASE}/smtp/test`, { ...asIs(c.smtp.test), ...fromBodyOrEmpty(c.smtp.test.input.optional()) }),
  ...sectionRoutes('sender', c.sender),
  ...sectionRoutes('tracking', c.tracking),
  ...sectionRoutes('compliance', c.compliance),
  ...sectionRoutes('footer', c.footer),
  ...sectionRoutes('deliverability', c.deliverability),
  json('get', `${BASE}/status`, { ...asIs(c.status), ...fromNothing }),
  json('get', `${BASE}/outbox`, { ...asIs(c.outbox.list), ...fromQuery(outboxQuery) }),
];
