import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import type { EventRow } from './events-table.ts';

/** A batch as PostgreSQL aggregates it: one JSON array per event, its fields in this order. */
type Packed = [string, string, string, string, string, string, string, number, unknown, unknown, number, string, string];

/**
 * A page of es_events after `after` (and up to `upTo`), in position order, restricted to `types`,
 * for a replay. The page travels as one JSON text that one JSON.parse decodes: node-postgres's
 * per-row decoding (an object, a parser per field, a JSON.parse per jsonb value, a regex per
 * timestamp) cost about 10 µs an event, twice this. The event time travels as epoch milliseconds,
 * truncated to the millisecond exactly as node-postgres's Date is.
 */
export async function readEvents(tx: Tx, after: string, upTo: string | null, types: readonly string[], limit: number): Promise<EventRow[]> {
  const { rows } = await sql<{ page: string | null }>`select string_agg(json_build_array(global_position::text, event_id,
      tenant_id, stream_type, stream_id, stream_version::text, event_type, schema_version, data, metadata,
      extract(epoch from occurred_at) * 1000, transaction_id::text, hash)::text, ',') as page
    from (select * from es_events where global_position > ${after}::bigint ${upTo ? sql`and global_position <= ${upTo}::bigint` : sql``}
      and event_type = any(${types}::text[]) order by global_position limit ${limit}) e`.execute(tx);
  const page = rows[0]?.page;
  if (!page) return [];
  const packed = JSON.parse(`[${page}]`) as Packed[];
  const out = new Array<EventRow>(packed.length);
  let sorted = true;
  for (let i = 0; i < packed.length; i++) {
    const p = packed[i]!;
    out[i] = {
      global_position: p[0],
      event_id: p[1],
      tenant_id: p[2],
      stream_type: p[3],
      stream_id: p[4],
      stream_version: p[5],
      event_type: p[6],
      schema_version: p[7],
      data: p[8],
      metadata: p[9],
      occurred_at: new Date(Math.trunc(p[10])),
      transaction_id: p[11],
      hash: p[12],
    };
    if (i > 0 && below(p[0], out[i - 1]!.global_position)) sorted = false;
  }
  // An aggregate over an ordered subquery keeps its order in practice, but SQL does not promise it.
  if (!sorted) out.sort((a, b) => (below(a.global_position, b.global_position) ? -1 : 1));
  return out;
}

/** a < b for two non-negative integers in decimal, without making numbers of them. */
const below = (a: string, b: string) => (a.length === b.length ? a < b : a.length < b.length);
