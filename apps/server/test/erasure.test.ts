import { Writable } from 'node:stream';
import { asOwner, inSystem } from '@crm/db';
import { onPg } from '@crm/db/testing';
import { eventCodec, inlineProjections, upcasters } from '@crm/domain';
import { rebuildProjections, verifyChains } from '@crm/eventstore';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { erasePerson as cliErasePerson, exportEvents } from '../../cli/src/commands.ts';
import { testApp } from './app-fixture.ts';

// Personal data and erasure (issue 8): personal fields are stored sealed under a key per person;
// erasure destroys the key. Checked where the data could hide: the raw log, every table, the
// analysts' export and a rebuild. A database of its own: the rebuild swaps tables.

const t = await testApp({ isolated: true });
const a = await t.registerTenant('erase');
const b = await t.registerTenant('other');

// Long, distinctive values: base64 ciphertext cannot contain them by chance.
const ERIN = {
  name: 'Erinhildegard Erasewell',
  renamed: 'Erinhildegard Erasewell-Smythe',
  email: 'erinhildegard.erasewell@erasure.example',
  phone: '+44 7700 900 431',
  title: 'Chief Forgetting Officer',
};
const ERIN_VALUES = Object.values(ERIN);
const OTTO = { name: 'Ottokar Untouchedsson', email: 'ottokar.untouchedsson@erasure.example' };
const DORA = { name: 'Doraliese Dealcontact', email: 'doraliese.dealcontact@erasure.example', phone: '+1 202 555 0187' };

/** Every row of the log and of every table in the public schema, as text. */
async function everything(): Promise<string> {
  return asOwner(t.handle.db, async (tx) => {
    const { rows: tables } = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public'`.execute(tx);
    const parts: string[] = [];
    for (const { name } of tables) {
      const { rows } = await sql.raw<{ row: string }>(`select t::text as row from public."${name}" t`).execute(tx);
      parts.push(...rows.map((r) => `${name}: ${r.row}`));
    }
    return parts.join('\n');
  });
}

/**
 * The CLI's export of tenant A, complete: on pg the export reads below the cluster-wide snapshot
 * horizon, which another database's open transaction can hold back for a moment.
 */
async function exported(slug: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const lines: string[] = [];
    const out = new Writable({
      write: (chunk, _enc, done) => {
        lines.push(String(chunk));
        done();
      },
    });
    const { events } = await exportEvents(t.handle.db, out, { slug });
    if (events === (await t.eventCount(a.tenantId)) || attempt === 50) return lines.join('');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const rawEvents = async (tenantId: string) =>
  inSystem(t.handle.db, async (tx) => {
    const { rows } = await sql<{ row: string }>`select e::text as row from es_events e where tenant_id = ${tenantId}`.execute(tx);
    return rows.map((r) => r.row).join('\n');
  });

describe(`personal data and erasure (${onPg ? 'pg' : 'PGlite'})`, () => {
  let erin: string;
  let otto: string;
  let dora: string;
  let deal: string;
  let erinContact: string;

  it('stores a new person with no clear personal value, and reads them back as they were', async () => {
    const made = await t.request('POST', '/api/crm/persons/', {
      token: a.token,
      body: { name: ERIN.name, primary_email: ERIN.email, contact_numbers: [ERIN.phone], job_title: ERIN.title },
    });
    expect(made.status).toBe(201);
    erin = made.body.id;
    otto = (await t.request('POST', '/api/crm/persons/', { token: a.token, body: { name: OTTO.name, primary_email: OTTO.email } })).body.id;
    // An analytics fact about Erin whose free-form metadata holds her email: erasure clears it.
    const fact = await t.request('POST', '/api/v1/platform-events', {
      token: a.token,
      body: { canonicalId: erin, app: 'sales', category: 'engagement', action: 'form_submitted', metadata: { email: ERIN.email } },
    });
    expect(fact.status).toBe(201);
    // A 003 revision records before and after (PersonRevised), a deal contact edit too (PersonUpdated).
    expect((await t.request('PATCH', `/api/crm/persons/${erin}/`, { token: a.token, body: { name: ERIN.renamed } })).status).toBe(200);
    deal = (await t.request('POST', '/v1/crm/deals', { token: a.token, body: { name: 'Erasure deal', value_usd: 5 } })).body.id;
    // The same email: the deal contact is the 003 person, not a twin.
    const attached = await t.request('POST', `/v1/crm/deals/${deal}/contacts`, {
      token: a.token,
      body: { email: ERIN.email, role: 'champion' },
    });
    expect(attached.status).toBe(201);
    erinContact = attached.body.id;
    expect(attached.body.person_id ?? erin).toBe(erin);
    // A person that exists only as a deal contact (PersonCreated), then edited through the deal (PersonUpdated).
    const d = await t.request('POST', `/v1/crm/deals/${deal}/contacts`, { token: a.token, body: { name: 'Dora', email: DORA.email } });
    expect(d.status).toBe(201);
    expect(
      (await t.request('PATCH', `/v1/crm/contacts/${d.body.id}`, { token: a.token, body: { name: DORA.name, phone: DORA.phone } })).status,
    ).toBe(200);
    dora = (await t.request('GET', `/v1/crm/deals/${deal}/contacts`, { token: a.token })).body.contacts?.find(
      (c: { email: string | null }) => c.email === DORA.email,
    )?.person_id;

    const raw = await rawEvents(a.tenantId);
    for (const v of [...ERIN_VALUES, OTTO.name, OTTO.email, DORA.name, DORA.email, DORA.phone]) expect(raw).not.toContain(v);
    expect(raw).toContain('$sealed');

    // Read models and the export show everything as written.
    const got = (await t.request('GET', `/api/crm/persons/${erin}/`, { token: a.token })).body;
    expect(got).toMatchObject({ name: ERIN.renamed, primary_email: ERIN.email, contact_numbers: [ERIN.phone], job_title: ERIN.title });
    const contacts = (await t.request('GET', `/v1/crm/deals/${deal}/contacts`, { token: a.token })).text;
    expect(contacts).toContain(ERIN.renamed);
    expect(contacts).toContain(DORA.name);
    const log = await exported(a.slug);
    for (const v of [...ERIN_VALUES, OTTO.name, DORA.name, DORA.phone]) expect(log).toContain(v);
  });

  it('refuses another tenant, other roles and unknown ids, changing nothing', async () => {
    const manager = await t.createUser(a, 'manager', 'Mona');
    const before = [await t.eventCount(a.tenantId), await t.eventCount(b.tenantId)];
    const theirs = await t.request('POST', `/api/v1/privacy/persons/${erin}/erase`, { token: b.token });
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe('person_not_found');
    const refused = await t.request('POST', `/api/v1/privacy/persons/${erin}/erase`, { token: manager.token });
    expect(refused.status).toBe(403);
    const unknown = await t.request('POST', '/api/v1/privacy/persons/00000000-0000-4000-8000-000000000000/erase', { token: a.token });
    expect(unknown.status).toBe(404);
    expect((await t.request('POST', '/api/v1/privacy/persons/not-a-uuid/erase', { token: a.token })).status).toBe(400);
    // A tRPC call of another tenant's admin is refused the same way.
    await expect(t.client(b.token).privacy.persons.erase.mutate({ personId: erin })).rejects.toThrow(/not found/);
    expect([await t.eventCount(a.tenantId), await t.eventCount(b.tenantId)]).toEqual(before);
    expect((await t.request('GET', `/api/crm/persons/${erin}/`, { token: a.token })).body.name).toBe(ERIN.renamed);
  });

  it('erases: placeholders at once everywhere, nothing of the person left readable, chains intact', async () => {
    const res = await t.request('POST', `/api/v1/privacy/persons/${erin}/erase`, { token: a.token });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    // PersonAdded and PersonRevised carry personal data; no event of this person was ever stored in clear.
    expect(res.body.data).toMatchObject({ personId: erin, sealedEvents: 2, clearEvents: 0, platformEventsCleared: 1 });
    expect(Date.parse(res.body.data.erasedAt)).not.toBeNaN();

    const got = (await t.request('GET', `/api/crm/persons/${erin}/`, { token: a.token })).body;
    expect(got).toMatchObject({ name: '[erased]', contact_numbers: [], job_title: '' });
    expect(got.primary_email ?? null).toBeNull();
    const contacts = await t.request('GET', `/v1/crm/deals/${deal}/contacts`, { token: a.token });
    expect(contacts.text).toContain('[erased]');
    expect(contacts.text).toContain(erinContact);
    expect(contacts.text).toContain(DORA.name);

    const all = await everything();
    const log = await exported(a.slug);
    for (const v of ERIN_VALUES) {
      expect(all).not.toContain(v);
      expect(log).not.toContain(v);
    }
    // Another person's data is untouched (and the scans do see persons' values).
    expect(all).toContain(OTTO.name);
    expect((await t.request('GET', `/api/crm/persons/${otto}/`, { token: a.token })).body.name).toBe(OTTO.name);
    expect(log).toContain(OTTO.email);
    expect(log).toContain(DORA.phone);
    expect((await verifyChains(t.handle.db)).breaks).toEqual([]);
  });

  it('rebuilds to the same placeholders, and the rebuilt tables hold nothing of the person', async () => {
    const check = await rebuildProjections(t.handle.db, inlineProjections, { swap: false, upcasters, codec: eventCodec });
    for (const [table, d] of Object.entries(check.differences)) expect({ table, ...d }).toEqual({ table, onlyLive: 0, onlyRebuilt: 0 });
    await rebuildProjections(t.handle.db, inlineProjections, { swap: true, upcasters, codec: eventCodec });
    const all = await everything();
    for (const v of ERIN_VALUES) expect(all).not.toContain(v);
    expect(all).toContain(OTTO.name);
    expect((await t.request('GET', `/api/crm/persons/${erin}/`, { token: a.token })).body.name).toBe('[erased]');
    // Without the codec a rebuild would fold ciphertext: it fails loudly instead.
    await expect(rebuildProjections(t.handle.db, inlineProjections, { swap: false, upcasters })).rejects.toThrow(/privacy codec/);
  });

  it('is final: a second erasure is a 409, personal writes for the person are refused, other writes go on', async () => {
    const before = await t.eventCount(a.tenantId);
    const again = await t.request('POST', `/api/v1/privacy/persons/${erin}/erase`, { token: a.token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('person_already_erased');
    const write = await t.request('PATCH', `/api/crm/persons/${erin}/`, { token: a.token, body: { name: 'Someone New' } });
    expect(write.status).toBe(409);
    expect(write.body.code ?? write.text).toMatch(/person_erased/);
    expect(await t.eventCount(a.tenantId)).toBe(before);
    // Facts that are not personal still change: the stage.
    const staged = await t.request('PATCH', `/api/crm/persons/${erin}/`, { token: a.token, body: { lifecycle_stage: 'customer' } });
    expect(staged.status).toBe(200);
    expect(staged.body).toMatchObject({ name: '[erased]', lifecycle_stage: 'customer' });
  });

  it('erases a deal-contact-only person through the CLI and the typed client', async () => {
    expect(dora).toBeTruthy();
    const result = await cliErasePerson(t.handle.db, a.slug, dora);
    expect(result).toMatchObject({ personId: dora, sealedEvents: 2, clearEvents: 0 });
    const contacts = (await t.request('GET', `/v1/crm/deals/${deal}/contacts`, { token: a.token })).text;
    for (const v of Object.values(DORA)) expect(contacts).not.toContain(v);
    const all = await everything();
    for (const v of Object.values(DORA)) expect(all).not.toContain(v);
    const log = await exported(a.slug);
    for (const v of Object.values(DORA)) expect(log).not.toContain(v);
    await expect(cliErasePerson(t.handle.db, a.slug, dora)).rejects.toThrow(/already erased/);
    await expect(cliErasePerson(t.handle.db, a.slug, 'nope')).rejects.toThrow(/uuid/);

    const erased = await t.client(a.token).privacy.persons.erase.mutate({ personId: otto });
    expect(erased).toMatchObject({ personId: otto, sealedEvents: 1 });
    expect((await verifyChains(t.handle.db)).breaks).toEqual([]);
  });
});
