import { inSystem, type Db } from '@crm/db';
import { sql } from 'kysely';

export interface ChainBreak {
  tenantId: string;
  streamType: string;
  streamId: string;
  streamVersion: number;
  reason: 'hash_mismatch' | 'version_gap' | 'stream_head_mismatch';
}

/**
 * Recomputes every stream's hash chain from the stored rows. Any edit to a stored event, a deleted
 * or inserted event, or a reordered version shows up as a break. Erasure must therefore change
 * keys, not rows (crypto-shredding): the stored form the hash covers stays as it was.
 */
export async function verifyChains(db: Db, tenantId?: string): Promise<{ events: number; breaks: ChainBreak[] }> {
  return inSystem(db, async (tx) => {
    const filter = tenantId ? sql`where e.tenant_id = ${tenantId}` : sql``;
    const { rows } = await sql<{
      tenant_id: string;
      stream_type: string;
      stream_id: string;
      stream_version: string;
      reason: ChainBreak['reason'];
    }>`with chained as (
        select e.tenant_id, e.stream_type, e.stream_id, e.stream_version, e.hash,
          es_event_digest(coalesce(lag(e.hash) over w, ''), e) as expected,
          coalesce(lag(e.stream_version) over w, 0) as prev_version
        from es_events e ${filter}
        window w as (partition by e.tenant_id, e.stream_type, e.stream_id order by e.stream_version))
      select tenant_id, stream_type, stream_id, stream_version,
        case when stream_version <> prev_version + 1 then 'version_gap' else 'hash_mismatch' end as reason
      from chained where hash <> expected or stream_version <> prev_version + 1
      union all
      select s.tenant_id, s.stream_type, s.stream_id, s.version, 'stream_head_mismatch'
      from es_streams s left join lateral (
        select hash from es_events e where e.tenant_id = s.tenant_id and e.stream_type = s.stream_type
          and e.stream_id = s.stream_id order by stream_version desc limit 1) last on true
      where (${tenantId ?? null}::uuid is null or s.tenant_id = ${tenantId ?? null}::uuid)
        and last.hash is distinct from s.last_hash
      limit 1000`.execute(tx);
    const { rows: count } = await sql<{ n: string }>`select count(*)::text as n from es_events e ${filter}`.execute(tx);
    return {
      events: Number(count[0]!.n),
      breaks: rows.map((r) => ({
        tenantId: r.tenant_id,
        streamType: r.stream_type,
        streamId: r.stream_id,
        streamVersion: Number(r.stream_version),
        reason: r.reason,
      })),
    };
  });
}
