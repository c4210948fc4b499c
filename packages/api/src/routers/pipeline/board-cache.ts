import type { Tx } from '@crm/db';
import type { Checkpoint, EventStore } from '@crm/eventstore';
import { sql } from 'kysely';

/**
 * Answers computed from a tenant's read models, reused until the tenant's log moves.
 *
 * Before computing, note the head: the newest event below the snapshot's xmin. Any event the
 * computation could not see belongs to a transaction that was running then or began later, so its
 * transaction id is above the head's. An entry is therefore valid exactly while the tenant has no
 * event after its head: one index probe instead of recomputing the board. Every process checks
 * against the database, so several processes never serve each other stale boards.
 */
export class TenantCache<T> {
  readonly #entries = new Map<string, { head: Checkpoint; value: T }>();

  constructor(private readonly maxEntries = 500) {}

  async get(tx: Tx, store: EventStore, tenantId: string, key: string, compute: () => Promise<T>): Promise<T> {
    const id = `${tenantId}|${key}`;
    const hit = this.#entries.get(id);
    if (hit && !(await changedSince(tx, tenantId, hit.head))) return hit.value;
    const head = await store.head(tx, tenantId);
    const value = await compute();
    this.#entries.delete(id);
    this.#entries.set(id, { head, value });
    // Oldest first out: a Map iterates in insertion order.
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    return value;
  }
}

async function changedSince(tx: Tx, tenantId: string, head: Checkpoint): Promise<boolean> {
  const { rows } = await sql<{ changed: boolean }>`select exists (select 1 from es_events
    where tenant_id = ${tenantId} and (transaction_id, global_position) > (${head.transactionId}::xid8, ${head.position}::bigint)) as changed`.execute(
    tx,
  );
  return rows[0]!.changed;
}
