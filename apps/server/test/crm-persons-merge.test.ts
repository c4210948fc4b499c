import { inSystem } from '@crm/db';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { documentedStatuses, expectDocShape, PREFIXES, twoTenants } from './crm-doc003.ts';

// Document 003's merge of persons, with what we add: dry run, undo, a merged id that keeps
// resolving, and the genealogy. The round trip merge -> undo is checked table by table against
// the state before the merge.

const { t, a, b } = await twoTenants('merge');

let seq = 0;

async function person(tenant: TestTenant, name: string) {
  const res = await t.request('POST', '/api/crm/persons/', {
    token: tenant.token,
    body: { name, primary_email: `${name.toLowerCase().replace(/\W/g, '')}-${++seq}@merge.example.com` },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}
async function deal(tenant: TestTenant, name: string, contacts: Array<[string, string]>, notes = 1) {
  const d = await t.request('POST', '/v1/crm/deals', { token: tenant.token, body: { name, domain: 'merge.example', value_usd: 100 } });
  expect(d.status, d.text).toBe(201);
  for (const [personId, role] of contacts) {
    const c = await t.request('POST', `/v1/crm/deals/${d.body.id}/contacts`, { token: tenant.token, body: { person_id: personId, role } });
    expect(c.status, c.text).toBe(201);
  }
  for (let i = 0; i < notes; i++) {
    const n = await t.request('POST', `/v1/crm/deals/${d.body.id}/activities`, {
      token: tenant.token,
      body: { type: 'note', body: `note ${i}` },
    });
    expect(n.status, n.text).toBe(201);
  }
  return d.body.id as string;
}

/** Three persons and four deals: X (D1), Y (P and D1), Z (D1 and D2), W (D2); a note per deal. */
async function world(tenant: TestTenant) {
  const P = await person(tenant, 'Pam Primary');
  const D1 = await person(tenant, 'Pam Dup One');
  const D2 = await person(tenant, 'Pam Dup Two');
  const X = await deal(tenant, 'X', [[D1, 'champion']], 2);
  const Y = await deal(tenant, 'Y', [
    [P, 'buyer'],
    [D1, 'champion'],
  ]);
  const Z = await deal(tenant, 'Z', [
    [D1, 'user'],
    [D2, 'sponsor'],
  ]);
  const W = await deal(tenant, 'W', [[D2, 'champion']], 3);
  return { P, D1, D2, X, Y, Z, W };
}

/**
 * Every read-model table a merge touches, row by row, in a stable order. Left out, and why:
 * `version` (a stream's event count: a merge and its undo are two more events, by design) and
 * `updated_at` (the time of the last change: the undo is a change). The deal timeline and
 * person_merges are compared apart: they are the audit of the merge and keep its record.
 */
async function snapshot(tenantId: string) {
  const tables = ['persons', 'crm_deal_contacts', 'crm_deals', 'crm_activities'] as const;
  const left: Record<(typeof tables)[number], string[]> = {
    persons: ['version', 'updated_at'],
    crm_deal_contacts: ['updated_at'],
    crm_deals: ['version', 'updated_at'],
    crm_activities: [],
  };
  return inSystem(t.handle.db, async (tx) => {
    const out: Record<string, unknown[]> = {};
    for (const table of tables) {
      const { rows } = await sql<
        Record<string, unknown>
      >`select * from ${sql.table(table)} where tenant_id = ${tenantId} order by id`.execute(tx);
      out[table] = JSON.parse(JSON.stringify(rows)).map((r: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(r).filter(([k]) => !left[table].includes(k))),
      );
    }
    return out;
  });
}
async function timeline(tenantId: string) {
  const { rows } = await inSystem(t.handle.db, (tx) =>
    sql<{
      deal_id: string;
      stream_version: string;
      event_type: string;
    }>`select deal_id, stream_version, event_type, changes::text, actor_user_id
      from crm_deal_timeline where tenant_id = ${tenantId} order by deal_id, stream_version`.execute(tx),
  );
  return rows;
}
const contactsOf = async (tenantId: string, dealId: string) => {
  const { rows } = await inSystem(t.handle.db, (tx) =>
    sql<{ person_id: string; role: string }>`select person_id, role from crm_deal_contacts
      where tenant_id = ${tenantId} and deal_id = ${dealId} order by person_id`.execute(tx),
  );
  return rows;
};

describe('the documented status codes', () => {
  it('are the ones these tests answer', () => {
    expect(documentedStatuses('/api/crm/persons/merge/', 'post').sort()).toEqual(['200', '400', '403', '404']);
    expect(documentedStatuses('/persons/merge/', 'post').sort()).toEqual(['200', '400', '403', '404']);
  });
});

describe.each(PREFIXES)('POST %s/persons/merge/', (prefix) => {
  it('dry run answers what would move and writes nothing; the merge moves it; the undo restores every table', async () => {
    const w = await world(a);
    const before = await snapshot(a.tenantId);
    const timelineBefore = await timeline(a.tenantId);
    const events = await t.eventCount(a.tenantId);
    const body = { primary_id: w.P, duplicate_ids: [w.D1, w.D2] };

    const dry = await t.request('POST', `${prefix}/persons/merge/?dry_run=true`, { token: a.token, body });
    expect(dry.status, dry.text).toBe(200);
    expectDocShape('PersonMergeResponse', dry.body, ['merge_id', 'dry_run']);
    // X and Z re-pointed (D1), Y dropped (P there), Z dropped for D2 (D1 moved there first), W re-pointed (D2).
    const reparented = { deals: 4, deal_contacts: 3, deal_contacts_merged: 2, activities: 2 + 1 + 3, tags: 0 };
    expect(dry.body).toEqual({ primary_id: w.P, merged_ids: [w.D1, w.D2], reparented, dry_run: true });
    expect(await t.eventCount(a.tenantId)).toBe(events);
    expect(await snapshot(a.tenantId)).toEqual(before);

    const res = await t.request('POST', `${prefix}/persons/merge/`, { token: a.token, body });
    expect(res.status, res.text).toBe(200);
    expectDocShape('PersonMergeResponse', res.body, ['merge_id', 'dry_run']);
    expect(res.body).toMatchObject({ primary_id: w.P, merged_ids: [w.D1, w.D2], reparented, dry_run: false });
    expect(res.headers.get('merge-id')).toBe(res.body.merge_id);
    // One event per (deal, duplicate) with a link, one on the primary, one per duplicate.
    expect(await t.eventCount(a.tenantId)).toBe(events + 5 + 1 + 2);
    for (const d of [w.X, w.Y, w.Z, w.W]) expect((await contactsOf(a.tenantId, d)).map((c) => c.person_id)).toEqual([w.P]);
    // The primary keeps its own role where it was already on the deal.
    expect(await contactsOf(a.tenantId, w.Y)).toEqual([{ person_id: w.P, role: 'buyer' }]);

    // The duplicates' ids keep resolving: inactive, pointing at the survivor; list shows only the survivor.
    for (const d of [w.D1, w.D2]) {
      const got = await t.request('GET', `${prefix}/persons/${d}/`, { token: a.token });
      expect(got.status).toBe(200);
      expectDocShape('Person', got.body, ['merged_into']);
      expect(got.body).toMatchObject({ id: d, active: false, merged_into: w.P });
      const write = await t.request('PATCH', `${prefix}/persons/${d}/`, { token: a.token, body: { name: 'x' } });
      expect([write.status, write.body.code, write.body.details.merged_into]).toEqual([409, 'person_merged', w.P]);
    }
    const primary = await t.request('GET', `${prefix}/persons/${w.P}/`, { token: a.token });
    expect(primary.body.active).toBe(true);
    expect(primary.body).not.toHaveProperty('merged_into');

    const undo = await t.request('POST', `/api/crm/persons/merges/${res.body.merge_id}/undo/`, { token: a.token });
    expect(undo.status, undo.text).toBe(200);
    expect(undo.body).toEqual({
      merge_id: res.body.merge_id,
      primary_id: w.P,
      restored_ids: [w.D1, w.D2],
      restored: { deals: 4, deal_contacts: 3, deal_contacts_merged: 2, skipped: 0 },
    });
    expect(await snapshot(a.tenantId)).toEqual(before);
    // The timeline is the audit: every row from before is still there, plus the merge's and the undo's.
    const timelineAfter = await timeline(a.tenantId);
    for (const row of timelineBefore) expect(timelineAfter).toContainEqual(row);
    expect(
      timelineAfter.filter((r) => !timelineBefore.some((x) => JSON.stringify(x) === JSON.stringify(r))).map((r) => r.event_type),
    ).toEqual(Array(10).fill('DealContactsReparented'));

    // Twice is a conflict, writing nothing.
    const n = await t.eventCount(a.tenantId);
    const twice = await t.request('POST', `/api/crm/persons/merges/${res.body.merge_id}/undo/`, { token: a.token });
    expect([twice.status, twice.body.code]).toEqual([409, 'merge_already_undone']);
    expect(await t.eventCount(a.tenantId)).toBe(n);

    // Genealogy of both sides, who and when.
    const gp = await t.request('GET', `/api/crm/persons/${w.P}/genealogy/`, { token: a.token });
    expect(gp.status).toBe(200);
    expect(gp.body.entries.map((e: { kind: string }) => e.kind)).toEqual(['created', 'merged', 'merge_undone']);
    expect(gp.body.entries[1]).toMatchObject({ merge_id: res.body.merge_id, person_ids: [w.D1, w.D2], actor_user_id: a.userId });
    const gd = await t.request('GET', `/api/crm/persons/${w.D2}/genealogy/`, { token: a.token });
    expect(gd.body.entries.map((e: { kind: string; person_ids: string[] }) => [e.kind, e.person_ids])).toEqual([
      ['created', []],
      ['merged_into', [w.P]],
      ['unmerged', []],
    ]);
    for (const e of gd.body.entries) expect(Number.isNaN(Date.parse(e.at))).toBe(false);

    // The merge is listed for both persons, undone.
    const list = await t.request('GET', `/api/crm/persons/${w.D1}/merges/`, { token: a.token });
    expect(list.body.results).toEqual([expect.objectContaining({ merge_id: res.body.merge_id, undone_by: a.userId, merged_by: a.userId })]);
  });

  it('an undo after later changes to the primary moves back only what the merge moved; the primary keeps the rest', async () => {
    const w = await world(a);
    const res = await t.request('POST', `${prefix}/persons/merge/`, { token: a.token, body: { primary_id: w.P, duplicate_ids: [w.D1] } });
    expect(res.status, res.text).toBe(200);
    // Afterwards: the primary is renamed and joins a new deal; deal X is deleted.
    await t.request('PATCH', `/api/crm/persons/${w.P}/`, { token: a.token, body: { name: 'Pam Renamed' } });
    const V = await deal(a, 'V', [[w.P, 'new']]);
    expect((await t.request('DELETE', `/v1/crm/deals/${w.X}`, { token: a.token })).status).toBe(200);
    const undo = await t.request('POST', `/api/crm/persons/merges/${res.body.merge_id}/undo/`, { token: a.token });
    expect(undo.status, undo.text).toBe(200);
    expect(undo.body.restored).toEqual({ deals: 2, deal_contacts: 1, deal_contacts_merged: 1, skipped: 1 });
    expect((await t.request('GET', `/api/crm/persons/${w.P}/`, { token: a.token })).body).toMatchObject({
      name: 'Pam Renamed',
      active: true,
    });
    expect((await t.request('GET', `/api/crm/persons/${w.D1}/`, { token: a.token })).body).toMatchObject({ active: true });
    expect(await contactsOf(a.tenantId, V)).toEqual([{ person_id: w.P, role: 'new' }]);
    expect((await contactsOf(a.tenantId, w.Y)).map((c) => [c.person_id, c.role]).sort()).toEqual(
      [
        [w.P, 'buyer'],
        [w.D1, 'champion'],
      ].sort(),
    );
    expect((await contactsOf(a.tenantId, w.Z)).map((c) => c.person_id).sort()).toEqual([w.D1, w.D2].sort());
  });

  it('400 with a code for a primary in the list, repeated, unknown or another tenant’s duplicates; 404 for an unknown primary; 403 for a viewer; none writes', async () => {
    const w = await world(a);
    const theirs = await person(b, 'Bob Other');
    const viewer = await t.createUser(a, 'viewer', 'Vi');
    const before = await t.eventCount(a.tenantId);
    const beforeB = await t.eventCount(b.tenantId);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const cases: Array<[string, unknown, number, string]> = [
      [a.token, { primary_id: w.P, duplicate_ids: [w.D1, w.P] }, 400, 'primary_in_duplicates'],
      [a.token, { primary_id: w.P, duplicate_ids: [w.D1, w.D1] }, 400, 'duplicate_ids_repeated'],
      [a.token, { primary_id: w.P, duplicate_ids: [w.D1, unknown] }, 400, 'persons_not_found'],
      [a.token, { primary_id: w.P, duplicate_ids: [theirs] }, 400, 'persons_not_found'],
      [a.token, { primary_id: w.P, duplicate_ids: [] }, 400, 'validation_error'],
      [a.token, { primary_id: w.P }, 400, 'validation_error'],
      [a.token, { primary_id: 'nope', duplicate_ids: [w.D1] }, 400, 'validation_error'],
      [a.token, { primary_id: unknown, duplicate_ids: [w.D1] }, 404, 'person_not_found'],
      [a.token, { primary_id: theirs, duplicate_ids: [w.D1] }, 404, 'person_not_found'],
      [b.token, { primary_id: theirs, duplicate_ids: [w.D1] }, 400, 'persons_not_found'],
      [viewer.token, { primary_id: w.P, duplicate_ids: [w.D1] }, 403, 'permission_denied'],
    ];
    for (const [token, body, status, code] of cases) {
      for (const q of ['', '?dry_run=true']) {
        const res = await t.request('POST', `${prefix}/persons/merge/${q}`, { token, body });
        expect([res.status, res.body?.code], res.text).toEqual([status, code]);
      }
    }
    expect(await t.eventCount(a.tenantId)).toBe(before);
    expect(await t.eventCount(b.tenantId)).toBe(beforeB);
    // Merged persons cannot be merged again, nor be a primary.
    expect(
      (await t.request('POST', `${prefix}/persons/merge/`, { token: a.token, body: { primary_id: w.P, duplicate_ids: [w.D1] } })).status,
    ).toBe(200);
    const again = await t.request('POST', `${prefix}/persons/merge/`, {
      token: a.token,
      body: { primary_id: w.D2, duplicate_ids: [w.D1] },
    });
    expect([again.status, again.body.code]).toEqual([400, 'person_already_merged']);
    const asPrimary = await t.request('POST', `${prefix}/persons/merge/`, {
      token: a.token,
      body: { primary_id: w.D1, duplicate_ids: [w.D2] },
    });
    expect([asPrimary.status, asPrimary.body.code]).toEqual([400, 'primary_merged']);
  });
});

describe('tenant isolation of undo, merges and genealogy', () => {
  it('another tenant gets 404 and changes nothing', async () => {
    const w = await world(a);
    const res = await t.request('POST', '/api/crm/persons/merge/', { token: a.token, body: { primary_id: w.P, duplicate_ids: [w.D2] } });
    const before = await t.eventCount(a.tenantId);
    const undo = await t.request('POST', `/api/crm/persons/merges/${res.body.merge_id}/undo/`, { token: b.token });
    expect([undo.status, undo.body.code]).toEqual([404, 'merge_not_found']);
    for (const path of [`/api/crm/persons/${w.P}/genealogy/`, `/api/crm/persons/${w.P}/merges/`, `/api/crm/persons/${w.D2}/`]) {
      const r = await t.request('GET', path, { token: b.token });
      expect([r.status, r.body.code]).toEqual([404, 'person_not_found']);
      expect(r.text).not.toContain(res.body.merge_id);
    }
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });
});

describe('the tRPC merge', () => {
  it('takes a dryRun flag and returns the merge id; undo is a mutation', async () => {
    const w = await world(a);
    const crm = t.client(a.token);
    const dry = await crm.people.persons.merge.mutate({ primaryId: w.P, duplicateIds: [w.D2], dryRun: true });
    expect(dry).toEqual({
      mergeId: null,
      primaryId: w.P,
      mergedIds: [w.D2],
      reparented: { deals: 2, deal_contacts: 2, deal_contacts_merged: 0, activities: 4, tags: 0 },
      dryRun: true,
    });
    const done = await crm.people.persons.merge.mutate({ primaryId: w.P, duplicateIds: [w.D2] });
    expect(done.mergeId).toMatch(/^[0-9a-f-]{36}$/);
    const undone = await crm.people.persons.undoMerge.mutate({ mergeId: done.mergeId! });
    expect(undone.restoredIds).toEqual([w.D2]);
    await expect(crm.people.persons.undoMerge.mutate({ mergeId: done.mergeId! })).rejects.toMatchObject({ data: { code: 'CONFLICT' } });
  });
});
