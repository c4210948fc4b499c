import { Hono } from 'hono';
import type { RestEnv } from '../shared/env.ts';
import { handle } from '../shared/handler.ts';
import { ifMatch, jsonBody, num, param } from '../shared/input.ts';
import { v1Face as face } from './face.ts';

/** Streams an async iterable of text chunks as the response body, pulling one chunk per read. */
function streamText(chunks: AsyncIterable<string>, headers: Record<string, string>): Response {
  const it = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      },
      async cancel() {
        await it.return?.();
      },
    }),
    { headers },
  );
}

/** /v1/crm/deals: deals, the kanban board, the CSV export, and a deal's contacts and activities. */
export const deals = new Hono<RestEnv>()
  .post('/', handle(face, async (api, c) => api.pipeline.deals.create((await jsonBody(c)) as never), 201, {
    procedure: 'pipeline.deals.create', summary: 'Create a deal. Body: {name, domain, value_usd, stage_id, owner_user_id}.',
  }))
  .get('/', handle(face, (api, c) =>
    api.pipeline.deals.list({
      stage_id: c.req.query('stage_id'),
      owner_user_id: num(c.req.query('owner_user_id')),
      min_value: num(c.req.query('min_value')),
      q: c.req.query('q'),
      page: num(c.req.query('page')) ?? 1,
      page_size: num(c.req.query('page_size') ?? c.req.query('limit')) ?? 50,
    } as never), 200, { procedure: 'pipeline.deals.list', summary: 'List deals; filters stage_id, owner_user_id, min_value, q; page, page_size.' },
  ))
  // Fixed segments before /:deal_id, so "kanban" and "export" are never taken for ids.
  .get('/kanban', handle(face, (api, c) =>
    api.pipeline.deals.kanban({
      per_stage: num(c.req.query('per_stage')) ?? 25,
      stage_id: c.req.query('stage_id'),
      cursor: c.req.query('cursor'),
      owner_user_id: num(c.req.query('owner_user_id')),
      min_value: num(c.req.query('min_value')),
    } as never), 200, { procedure: 'pipeline.deals.kanban', summary: 'Kanban view: stages with counts, sums and a page of deals; stage_id + cursor pages one column.' },
  ))
  .get('/export', handle(face, async (api) => {
    const chunks = await api.pipeline.deals.export();
    return streamText(chunks as AsyncIterable<string>, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="deals.csv"',
      'cache-control': 'no-store',
    });
  }, 200, { procedure: 'pipeline.deals.export', summary: 'CSV export of all deals with current stages (RFC 4180, formulas neutralised).', produces: 'text/csv' }))
  .get('/:deal_id', handle(face, async (api, c) => {
    const deal = await api.pipeline.deals.get({ deal_id: param(c, 'deal_id') });
    c.header('ETag', `"${deal.version}"`);
    return deal;
  }, 200, { procedure: 'pipeline.deals.get', summary: 'One deal with contacts and activities; ETag is its version.' }))
  .patch('/:deal_id', handle(face, async (api, c) =>
    api.pipeline.deals.update({ ...(await jsonBody(c)), deal_id: param(c, 'deal_id'), expected_version: ifMatch(c) } as never), 200, {
    procedure: 'pipeline.deals.update', summary: 'Update fields. If-Match pins the version.',
  }))
  .patch('/:deal_id/move', handle(face, async (api, c) =>
    api.pipeline.deals.move({ ...(await jsonBody(c)), deal_id: param(c, 'deal_id'), expected_version: ifMatch(c) } as never), 200, {
    procedure: 'pipeline.deals.move', summary: 'Move to a different stage. Body: {stage_id}. Stamps a stage_changed activity.',
  }))
  .delete('/:deal_id', handle(face, (api, c) =>
    api.pipeline.deals.delete({ deal_id: param(c, 'deal_id'), expected_version: ifMatch(c) }), 200, {
    procedure: 'pipeline.deals.delete', summary: 'Delete. The timeline keeps its history.',
  }))
  .get('/:deal_id/timeline', handle(face, (api, c) => api.pipeline.deals.timeline({ deal_id: param(c, 'deal_id') }), 200, {
    procedure: 'pipeline.deals.timeline', summary: 'Who changed what on a deal, when, before and after (kept after delete).',
  }))
  .get('/:deal_id/contacts', handle(face, (api, c) => api.pipeline.contacts.list({ deal_id: param(c, 'deal_id') }), 200, {
    procedure: 'pipeline.contacts.list', summary: 'List contacts attached to a deal.',
  }))
  .post('/:deal_id/contacts', handle(face, async (api, c) =>
    api.pipeline.contacts.attach({ ...(await jsonBody(c)), deal_id: param(c, 'deal_id') } as never), 201, {
    procedure: 'pipeline.contacts.attach', summary: 'Attach a contact: a person, linked by person_id or email, or created.',
  }))
  .get('/:deal_id/activities', handle(face, (api, c) => api.pipeline.activities.list({ deal_id: param(c, 'deal_id') }), 200, {
    procedure: 'pipeline.activities.list', summary: 'Activity timeline: calls, emails, notes, meetings, tasks, stage changes.',
  }))
  .post('/:deal_id/activities', handle(face, async (api, c) =>
    api.pipeline.activities.log({ ...(await jsonBody(c)), deal_id: param(c, 'deal_id') } as never), 201, {
    procedure: 'pipeline.activities.log', summary: 'Log an activity. Body: {type, body, scheduled_for}.',
  }));

/** /v1/crm/contacts/{contact_id}: a contact is addressed on its own once attached. */
export const contacts = new Hono<RestEnv>()
  .patch('/:contact_id', handle(face, async (api, c) =>
    api.pipeline.contacts.update({ ...(await jsonBody(c)), contact_id: param(c, 'contact_id') } as never), 200, {
    procedure: 'pipeline.contacts.update', summary: 'Update a contact (person fields for all their deals; role for this deal).',
  }))
  .delete('/:contact_id', handle(face, (api, c) => api.pipeline.contacts.delete({ contact_id: param(c, 'contact_id') }), 200, {
    procedure: 'pipeline.contacts.delete', summary: 'Detach a contact from its deal (the person stays).',
  }));

/** /v1/crm/leaderboard?days=30 */
export const leaderboard = new Hono<RestEnv>().get('/', handle(face, (api, c) =>
  api.pipeline.leaderboard({ days: num(c.req.query('days')) ?? 30 } as never), 200, {
  procedure: 'pipeline.leaderboard', summary: 'Closed-won deal value per owner over the look-back (days, default 30).',
}));
