import { inSystem, type Db } from '@crm/db';
import { sql } from 'kysely';
import type { EventStore } from './event-store.ts';
import { handledBy, type Projection } from './projection.ts';
import type { Checkpoint } from './types.ts';

/**
 * Runs a projection behind the log from a stored checkpoint. The checkpoint row is locked and
 * written in the same transaction as the read-model rows, so a crash can neither skip nor repeat
 * a batch, and several processes may run the same projection: whoever holds the row does the work.
 */
export class AsyncProjectionRunner {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = true;
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly store: EventStore,
    private readonly projection: Projection,
    private readonly options: { batchSize?: number; pollMs?: number } = {},
  ) {}

  /** Processes at most one batch; returns how many events it applied (0: caught up or busy elsewhere). */
  async runOnce(): Promise<number> {
    return inSystem(this.db, async (tx) => {
      await sql`insert into es_checkpoints (name) values (${this.projection.name}) on conflict do nothing`.execute(tx);
      const { rows } = await sql<{ transaction_id: string; position: string }>`select transaction_id, position
        from es_checkpoints where name = ${this.projection.name} for update skip locked`.execute(tx);
      const row = rows[0];
      if (!row) return 0;
      const after: Checkpoint = { transactionId: row.transaction_id, position: row.position };
      const { events, checkpoint } = await this.store.readAll(tx, {
        after,
        limit: this.options.batchSize ?? 1000,
        types: this.projection.handles,
      });
      if (events.length === 0) return 0;
      await this.projection.apply(tx, handledBy(this.projection, events));
      await sql`update es_checkpoints set transaction_id = ${checkpoint.transactionId}::xid8,
        position = ${checkpoint.position}::bigint, updated_at = now() where name = ${this.projection.name}`.execute(tx);
      return events.length;
    });
  }

  /** Runs until caught up. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (let n = await this.runOnce(); n > 0; n = await this.runOnce()) total += n;
    return total;
  }

  /** Polls (the truth) and wakes early when this process appends (a hint). */
  start(): void {
    this.#stopped = false;
    const tick = () => {
      if (this.#stopped) return;
      this.#running = this.catchUp()
        .catch(() => 0)
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.options.pollMs ?? 500);
        });
    };
    this.#unsubscribe = this.store.onAppended(() => {
      if (this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
        tick();
      }
    });
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unsubscribe?.();
    await this.#running;
  }
}
