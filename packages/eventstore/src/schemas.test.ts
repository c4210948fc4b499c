import { randomUUID } from 'node:crypto';
import { type DbHandle, inTenant } from '@crm/db';
import { openTestDb } from '@crm/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from './event-store.ts';
import { type EventSchemas, EventSchemaError, parseEvents, type StandardSchemaV1 } from './schemas.ts';
import { meta } from './test-support.ts';

// The store stays free of any validation library: these hand-made schemas stand in for zod's.

/** A Standard Schema: { n: number }, with `label` defaulting to '' and any other key dropped. */
const Counted: StandardSchemaV1<{ n: number; label: string }> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (v) => {
      const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
      if (!o || typeof o.n !== 'number') return { issues: [{ message: 'expected a number', path: ['n'] }] };
      return { value: { n: o.n, label: typeof o.label === 'string' ? o.label : '' } };
    },
  },
};
/** A parse()-style schema (as a zod schema also offers): an empty object. */
const Reset = {
  parse(v: unknown): Record<string, never> {
    if (typeof v !== 'object' || v === null || Object.keys(v).length > 0) throw new Error('expected {}');
    return {};
  },
};
const schemas: EventSchemas = { Counted, Reset };

let h: DbHandle;
const store = new EventStore({ schemas });
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(() => h.close());

const countEvents = async (tenant: string) =>
  Number(
    (await inTenant(h.db, tenant, (tx) => sql<{ n: string }>`select count(*) as n from es_events where tenant_id = ${tenant}`.execute(tx)))
      .rows[0]!.n,
  );

describe('event schemas at append', () => {
  it('stores the parsed data: defaults filled in, unknown keys dropped', async () => {
    const t = randomUUID();
    const s = { type: 'counter', id: randomUUID() };
    const [appended] = await inTenant(h.db, t, (tx) =>
      store.append(tx, t, s, 'no_stream', [{ type: 'Counted', data: { n: 1, extra: true } }], meta),
    );
    expect(appended!.data).toEqual({ n: 1, label: '' });
    const [read] = await inTenant(h.db, t, (tx) => store.readStream(tx, t, s));
    expect(read!.data).toEqual({ n: 1, label: '' });
  });

  it('refuses a batch with one bad event with EventSchemaError, and writes none of it', async () => {
    const t = randomUUID();
    const s = { type: 'counter', id: randomUUID() };
    await inTenant(h.db, t, (tx) => store.append(tx, t, s, 'no_stream', [{ type: 'Counted', data: { n: 1 } }], meta));
    const before = await countEvents(t);
    const bad = [
      { type: 'Counted', data: { n: 2 } },
      { type: 'Counted', data: { n: 'three' } },
    ];
    const error = await inTenant(h.db, t, (tx) => store.append(tx, t, s, 1, bad, meta)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventSchemaError);
    expect(error).toMatchObject({ eventType: 'Counted', index: 1, schemaIssues: [{ path: 'n', message: 'expected a number' }] });
    await expect(store.appendNow(h.db, t, s, 1, bad, meta)).rejects.toBeInstanceOf(EventSchemaError);
    await expect(store.appendNow(h.db, t, s, 1, [{ type: 'Reset', data: { n: 1 } }], meta)).rejects.toThrow(/Reset.*expected \{\}/);
    expect(await countEvents(t)).toBe(before);
  });

  it('refuses an event type the registry does not know', async () => {
    const t = randomUUID();
    const s = { type: 'counter', id: randomUUID() };
    await expect(
      inTenant(h.db, t, (tx) => store.append(tx, t, s, 'no_stream', [{ type: 'Countde', data: { n: 1 } }], meta)),
    ).rejects.toThrow(EventSchemaError);
    await expect(store.appendNow(h.db, t, s, 'no_stream', [{ type: 'Countde', data: { n: 1 } }], meta)).rejects.toThrow(
      /no schema .*"Countde"/,
    );
    // Not even a name inherited from Object.prototype.
    expect(() => parseEvents(schemas, [{ type: 'toString', data: {} }])).toThrow(EventSchemaError);
    expect(await countEvents(t)).toBe(0);
  });

  it('checks nothing without a registry', () => {
    const events = [{ type: 'Anything', data: { at: 'all' } }];
    expect(parseEvents(undefined, events)).toBe(events);
  });
});
