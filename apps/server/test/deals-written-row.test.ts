import { describe, expect, it } from 'vitest';
import { testApp } from './app-fixture.ts';

// Deal commands answer with the row their projection wrote instead of reading it back (issue 10).
// That row must be exactly what a later read returns: the same fields, formats and versions.

const t = await testApp();

describe('a deal command answers with the row as stored', () => {
  it('after create, update, move and a no-op update, on every value a later GET sees', async () => {
    const a = await t.registerTenant();
    const stages = (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages as Array<{ id: string }>;
    const read = async (id: string) => {
      const { contacts: _c, activities: _a, ...deal } = (await t.request('GET', `/v1/crm/deals/${id}`, { token: a.token })).body;
      return deal;
    };
    // Values a database would normalise if the answer were not what it stores: cents, case, nulls.
    const created = await t.request('POST', '/v1/crm/deals', {
      token: a.token,
      body: { name: ' Édition «Ω» ', domain: 'Example.COM', value_usd: 1234.505, stage_id: stages[1]!.id },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(await read(created.body.id));

    const id = created.body.id as string;
    const updated = await t.request('PATCH', `/v1/crm/deals/${id}`, {
      token: a.token,
      body: { value_usd: 0.1 + 0.2, domain: null, owner_user_id: null },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, owner_user_id: null });
    expect(updated.body).toEqual(await read(id));

    const unchanged = await t.request('PATCH', `/v1/crm/deals/${id}`, { token: a.token, body: { value_usd: 0.3 } });
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toEqual(await read(id));

    const moved = await t.request('PATCH', `/v1/crm/deals/${id}/move`, { token: a.token, body: { stage_id: stages[2]!.id } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ stage_id: stages[2]!.id, version: 3 });
    expect(moved.body).toEqual(await read(id));
  });
});
