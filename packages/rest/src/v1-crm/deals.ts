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
  .post('/', handle(face, async (api, c) => api.pipeline.deals.create((await jsonBody(c)) as never), 201))
  .get('/', handle(face, (api, c) =>
    api.pipeline.deals.list({
      stage_id: c.req.query('stage_id'),
      owner_user_id: num(c.req.query('owner_user_id')),
      min_value: num(c.req.query('min_value')),
      q: c.req.query('q'),
      page: num(c.req.query('page')) ?? 1,
      page_size: num(c.req.query('page_size') ?? c.req.query('limit')) ?? 50,
    } as never),
  ))
  // Fixed segments before /:deal_id, so "kanban" and "export" are never taken for ids.
  .get('/kanban', handle(face, (api, c) =>
    api.pipeline.deals.kanban({
      per_stage: num(c.req.query('per_stage')) ?? 25,
      stage_id: c.req.query('stage_id'),
      cursor: c.req.query('cursor'),
      owner_user_id: num(c.req.query('owner_user_id')),
      min_value: num(c.req.query('min_value')),
    } as never),
  ))
  .get('/export', handle(face, async (api) => {
    const chunks = await api.pipeline.deals.export();
    return streamText(chunks as AsyncIterable<string>, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="deals.csv"',
      'cache-control': 'no-store',
    });
  }))
  .get('/:deal_id', handle(face, async (api, c) => {
    const deal = await api.pipeline.deals.get({ deal_id: param(c, 'deal_id') });
    c.header('ETag', `"${deal.version}"`);
    return deal;
  }))
  .patch('/:deal_id', handle(face, async (api, c) =>
    api.pipeline.deals.update({ ...(await jsonBody(c)), deal_id: param(c, 'deal_id'), expected_version: ifMatch(c) } as never),
  ))
  .patch('/:deal_id/move', handle(face, async (api, c) =>
    api.pipeline.deals.move({ ...(await jsonBody(c)), deal_id: param(c, 'deal_id'), expected_version: ifMatch(c) } as never),
  ))
  .delete('/:deal_id', handle(face, (api, c) =>
    api.pipeline.deals.delete({ deal_id: param(c, 'deal_id'), expected_version: ifMatch(c) }),
  ))
  .get('/:deal_id/timeline', handle(face, (api, c) => api.pipeline.deals.timeline({ deal_id: param(c, 'deal_id') })))
  .get('/:deal_id/contacts', handle(face, (api, c) => api.pipeline.contacts.list({ deal_id: param(c, 'deal_id') })))
  .post('/:deal_id/contacts', handle(face, async (api, c) =>
    api.pipeline.contacts.attach({ ...(await jsonBody(c)), deal_id: param(c, 'deal_id') } as never), 201,
  ))
  .get('/:deal_id/activities', handle(face, (api, c) => api.pipeline.activities.list({ deal_id: param(c, 'deal_id') })))
  .post('/:deal_id/activities', handle(face, async (api, c) =>
    api.pipeline.activities.log({ ...(await jsonBody(c)), deal_id: param(c, 'deal_id') } as never), 201,
  ));

/** /v1/crm/contacts/{contact_id}: a contact is addressed on its own once attached. */
export const contacts = new Hono<RestEnv>()
  .patch('/:contact_id', handle(face, async (api, c) =>
    api.pipeline.contacts.update({ ...(await jsonBody(c)), contact_id: param(c, 'contact_id') } as never),
  ))
  .delete('/:contact_id', handle(face, (api, c) => api.pipeline.contacts.delete({ contact_id: param(c, 'contact_id') })));

/** /v1/crm/leaderboard?days=30 */
export const leaderboard = new Hono<RestEnv>().get('/', handle(face, (api, c) =>
  api.pipeline.leaderboard({ days: num(c.req.query('days')) ?? 30 } as never),
));
