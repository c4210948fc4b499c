import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import { type EventCodec, openRows } from './codec.ts';
import type { EventRow } from './events-table.ts';
import type { StoredEvent } from './types.ts';
import { toStoredEvent, type Upcasters } from './upcast.ts';

/** An event as PostgreSQL packs it for a replay: one JSON array, its fields in this order. */
type Packed = [string, string, string, string, string, number, string, number, unknown, unknown, number, string, string];

/**
 * A page of es_events after `after` (and up to `upTo`), in position order, restricted to `types`,
 * as a replay's projections see them (opened by the codec, upcast).
 *
 * Each event travels as one JSON text that one JSON.parse decodes: node-postgres's per-field
 * decoding (a parser per field, a JSON.parse per jsonb value, a regex per timestamp) cost about
 * twice as much. One text per event, not one for the page (as before): a string or buffer over
 * 128 KB goes to V8's large-object space or to mmap, and on this project's VMs making and freeing
 * those page-faults, 10 to 30 ns a byte against under 1 below that size (decoding the 2 MB page
 * texts was 16% of a read's CPU). The event time travels as epoch milliseconds, truncated to the
 * millisecond exactly as node-postgres's Date is. StoredEvents are built straight from the
 * parsed arrays; only events the codec handles take the EventRow form it works on.
 */
export async function readEvents(
  tx: Tx,
  after: string,
  upTo: string | null,
  types: readonly string[],
  limit: number,
  codec?: EventCodec,
  upcasters?: Upcasters,
  strings?: Map<string, string>,
): Promise<StoredEvent[]> {
  const same = strings ? (s: string) => intern(strings, s) : (s: string) => s;
  let tenant = ''; // most events are the previous one's tenant: an equality test, not a lookup
  const { rows } = await sql<{ j: string }>`select json_build_array(global_position::text, event_id, tenant_id, stream_type,
      stream_id, stream_version, event_type, schema_version, data, metadata, extract(epoch from occurred_at) * 1000,
      transaction_id::text, hash)::text as j
    from es_events where global_position > ${after}::bigint ${upTo ? sql`and global_position <= ${upTo}::bigint` : sql``}
      and event_type = any(${types}::text[]) order by global_position limit ${limit}`.execute(tx);
  const out: StoredEvent[] = [];
  const sealed: Array<[number, EventRow]> = [];
  for (const row of rows) {
    const p = JSON.parse(row.j) as Packed;
    if (codec?.handles.has(p[6])) {
      sealed.push([out.length, toRow(p)]);
      out.push(undefined as unknown as StoredEvent); // its place, filled once opened
      continue;
    }
    let data = p[8];
    let version = p[7];
    const chain = upcasters?.[p[6]];
    while (chain?.[version]) data = chain[version++]!(data);
    out.push({
      globalPosition: p[0],
      eventId: p[1],
      tenantId: p[2] === tenant ? tenant : (tenant = same(p[2])),
      streamType: p[3],
      streamId: same(p[4]),
      streamVersion: p[5],
      type: p[6],
      schemaVersion: version,
      data,
      metadata: p[9] as StoredEvent['metadata'],
      occurredAt: new Date(Math.trunc(p[10])),
      transactionId: p[11],
      hash: p[12],
    });
  }
  if (sealed.length > 0) {
    const opened = await openRows(
      codec,
      tx,
      sealed.map(([, r]) => r),
    );
    for (let i = 0; i < sealed.length; i++) out[sealed[i]![0]] = toStoredEvent(opened[i]!, upcasters);
  }
  return out;
}

/**
 * One string object per distinct value. Each event's tenant and stream id arrive as fresh copies,
 * and the rows a replay keeps in memory hold them: a deal's ten events would otherwise leave ten
 * copies of its id in the rows they made (the replay's state held 11% less heap with this).
 * Bounded, so a huge log cannot grow it forever.
 */
function intern(strings: Map<string, string>, s: string): string {
  const known = strings.get(s);
  if (known !== undefined) return known;
  if (strings.size >= 1_000_000) strings.clear();
  strings.set(s, s);
  return s;
}

const toRow = (p: Packed): EventRow => ({
  global_position: p[0],
  event_id: p[1],
  tenant_id: p[2],
  stream_type: p[3],
  stream_id: p[4],
  stream_version: String(p[5]),
  event_type: p[6],
  schema_version: p[7],
  data: p[8],
  metadata: p[9],
  occurred_at: new Date(Math.trunc(p[10])),
  transaction_id: p[11],
  hash: p[12],
});
