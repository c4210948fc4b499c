import { appRouter, contracts } from '@crm/api';
import { buildOpenApi, type DeclaredRoute, restRoutes } from '@crm/rest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../src/testing.ts';
import { declarationProblems, undeclaredRoutes, undescribedAnswers } from './declarations.ts';
import { expectedAccess } from './matrix.ts';

// The rules the generated families rest on: every route is declared, every declaration says who
// may call it and what it answers, and every contract is the one its procedure runs.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('route declarations', () => {
  it('cover every route the server serves', () => {
    expect(undeclaredRoutes(t.app, restRoutes)).toEqual([]);
  });

  it('each state their access and their response', () => {
    expect(declarationProblems(restRoutes)).toEqual([]);
  });

  it('name contracts that are the very ones their procedures are built from', () => {
    const procedures = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { meta?: { contract?: unknown } } }> } })._def
      .procedures;
    for (const c of contracts.allContracts) expect(procedures[c.path]?._def.meta?.contract, c.path).toBe(c);
    expect(Object.keys(procedures).sort()).toEqual(contracts.allContracts.map((c) => c.path).sort());
    for (const r of restRoutes) expect(contracts.allContracts).toContain(r.contract);
  });

  it('give an OpenAPI 3.1 description a validator accepts, with a schema for every 2xx', async () => {
    const spec = (await t.request('GET', '/openapi.json')).body;
    const result = await new Validator().validate(spec);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(undescribedAnswers(spec)).toEqual([]);
    expect(Object.values(spec.paths).flatMap((ops) => Object.keys(ops as object))).toHaveLength(restRoutes.length);
  });
});

describe('a route added without its declaration, permission or response schema', () => {
  const deal = restRoutes.find((r) => r.path === '/v1/crm/deals/{deal_id}' && r.method === 'get')!;

  it('is caught when served without a declaration', () => {
    const app = t.app;
    const before = app.routes.length;
    const rogue = new (Object.getPrototypeOf(app).constructor)();
    rogue.route('/', app);
    rogue.get('/v1/crm/rogue', (c: any) => c.json({}));
    expect(undeclaredRoutes(rogue, restRoutes)).toEqual(['GET /v1/crm/rogue']);
    expect(app.routes.length).toBe(before);
  });

  it('is caught when it declares no permission', () => {
    const open: DeclaredRoute = { ...deal, contract: { ...deal.contract, access: {} as never } };
    expect(declarationProblems([open])).toEqual(['GET /v1/crm/deals/{deal_id}: declares neither public access nor a permission']);
    expect(() => expectedAccess(open, { name: 'viewer', token: 'x', kind: 'member', role: 'viewer' }, () => true)).toThrow(
      /declares no permission/,
    );
  });

  it('is caught when it declares no response schema', () => {
    const blind: DeclaredRoute = { ...deal, response: { json: undefined as never } };
    expect(declarationProblems([blind])).toEqual(['GET /v1/crm/deals/{deal_id}: declares no response schema']);
  });

  it('is caught by the OpenAPI check when its answer is undescribed', () => {
    const spec = buildOpenApi([deal], { version: 'x' });
    expect(undescribedAnswers(spec)).toEqual([]);
    (spec.paths['/v1/crm/deals/{deal_id}']!.get as any).responses['200'].content['application/json'].schema = {};
    expect(undescribedAnswers(spec)).toEqual(['GET /v1/crm/deals/{deal_id} 200: no response schema']);
  });
});
