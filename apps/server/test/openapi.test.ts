import { restFaces } from '@crm/rest';
import { describe, expect, it } from 'vitest';
import { testApp } from './app-fixture.ts';

const t = await testApp();

describe('GET /openapi.json', () => {
  it('describes every REST route the server has, from the router’s own input schemas', async () => {
    const res = await t.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const spec = res.body;
    expect(spec.openapi).toBe('3.1.0');
    // Every route of every face is described: a new route without a doc fails here.
    const routes = restFaces()
      .routes.filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const described = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`));
    expect(described.sort()).toEqual([...new Set(routes)].sort());

    const move = spec.paths['/v1/crm/deals/{deal_id}/move'].patch;
    expect(move['x-trpc-procedure']).toBe('pipeline.deals.move');
    expect(move.requestBody.content['application/json'].schema).toMatchObject({
      required: ['stage_id'],
      properties: { stage_id: { format: 'uuid' } },
    });
    expect(move.parameters.map((p: any) => `${p.in}:${p.name}`)).toEqual(['path:deal_id', 'header:If-Match']);

    const list = spec.paths['/v1/crm/deals'].get;
    expect(list.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['stage_id', 'owner_user_id', 'min_value', 'q', 'page', 'page_size']),
    );

    expect(spec.paths['/api/v1/auth/login'].post.security).toEqual([]);
    expect(spec.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.required).toEqual([
      'email',
      'password',
      'tenantSlug',
    ]);
    expect(spec.paths['/v1/crm/stages'].get.security).toBeUndefined(); // the global bearer applies
    expect(Object.keys(spec.paths['/v1/crm/deals/export'].get.responses['200'].content)).toEqual(['text/csv']);
  });

  it('renders at /docs', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('/openapi.json');
  });
});
