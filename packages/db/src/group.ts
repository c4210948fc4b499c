import { sql } from 'kysely';
import type { Db, Tx } from './database.ts';
import { pgErrorCode } from './errors.ts';
import { LaneQueue } from './lanes.ts';
import { rollbackQuietly } from './scope.ts';

export interface TenantGroupOptions {
  /** Group transactions open at once (each holds one pool connection). */
  lanes?: number;
  /**
   * Units per group transaction. Each is a subtransaction, and PostgreSQL keeps only 64
   * subtransaction ids per backend in shared memory before every snapshot gets slower.
   */
  maxPerGroup?: number;
}

/**
 * The group transaction a unit ran in failed as a whole before it committed (the unit's own work
 * had succeeded): nothing of it was written, and it can simply run again.
 */
export class GroupAbortedError extends Error {
  constructor(override readonly cause: unknown) {
    super(`the group transaction this unit ran in was rolled back: ${(cause as Error)?.message ?? cause}`);
    this.name = 'GroupAbortedError';
  }
}

interface Unit {
  tenantId: string;
  fn: (tx: Tx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isSqlState = (error: unknown) => /^[0-9A-Z]{5}$/.test(pgErrorCode(error) ?? '');

/**
 * Group commit for tenant transactions. A unit that finds a lane free opens a transaction at
 * once; units arriving while every lane is busy queue, and a lane that finishes a unit takes the
 * next one into the same transaction, until the queue is empty (or maxPerGroup), then commits
 * them together: one COMMIT and one WAL flush for many units.
 *
 * Each unit stays isolated: it runs in a SAVEPOINT of its own with its own tenant setting (so
 * row-level security sees only its tenant), and a unit that throws is rolled back to that
 * savepoint and rejected at once, leaving the others untouched. A unit that succeeded is answered
 * only after the group's COMMIT, so what it wrote is durable when its caller hears of it. If the
 * group fails before COMMIT (a lost connection, a savepoint that cannot be rolled back), its
 * finished units get GroupAbortedError: nothing of theirs was written, and they may run again.
 * Only a failure of COMMIT itself, whose outcome is unknown, is passed on as it is.
 *
 * Units of one group see each other's writes (they run one after another in one transaction,
 * as if each had committed before the next began), and the row locks a unit takes are held until
 * the group commits.
 */
export class TenantGroups extends LaneQueue<Unit> {
  private readonly maxPerGroup: number;

  constructor(
    private readonly db: Db,
    options: TenantGroupOptions = {},
  ) {
    super(Math.max(1, options.lanes ?? 8));
    this.maxPerGroup = Math.min(60, Math.max(1, options.maxPerGroup ?? 16));
  }

  run<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (!UUID.test(tenantId)) return Promise.reject(new Error(`inTenant: not a tenant id: ${tenantId}`));
    return new Promise<T>((resolve, reject) => this.enqueue({ tenantId, fn, resolve: resolve as (v: unknown) => void, reject }));
  }

  protected turn(): Promise<void> {
    return this.lane();
  }

  private async lane(): Promise<void> {
    // The first unit is taken now, before the connection is awaited. The queue starts a turn for
    // every lane while units wait, and a turn that took its first unit only once connected found
    // the queue emptied by the others: it held a connection for nothing and sent a COMMIT with no
    // transaction (seen in the server's statement log, one in five creates under load).
    const first = this.queue.shift();
    if (!first) return;
    const done: Array<{ unit: Unit; value: unknown }> = [];
    let current: Unit | undefined = first;
    let committing = false;
    try {
      await this.db.connection().execute(async (conn) => {
        try {
          // Each message carries the previous unit's release, so a unit costs one round trip more
          // than its own statements, and the group one COMMIT.
          let prefix = 'begin; ';
          for (let n = 0, next: Unit | undefined = first; n < this.maxPerGroup && next; n++, next = this.queue.shift()) {
            const unit = (current = next);
            // The tenant id was checked against UUID, so it can go in the simple protocol's text.
            await sql.raw(`${prefix}savepoint crm_unit; select set_config('app.tenant_id', '${unit.tenantId}', true)`).execute(conn);
            let value: unknown;
            try {
              value = await unit.fn(conn as Tx);
            } catch (error) {
              current = undefined;
              unit.reject(error);
              // Undo this unit only. If that fails too, the transaction is lost: see below.
              await sql.raw('rollback to savepoint crm_unit; release savepoint crm_unit').execute(conn);
              prefix = '';
              continue;
            }
            current = undefined;
            done.push({ unit, value });
            prefix = 'release savepoint crm_unit; ';
          }
          committing = true;
          await sql.raw('commit').execute(conn);
        } catch (error) {
          // Never hand the connection back inside a transaction.
          await rollbackQuietly(conn as Tx);
          throw error;
        }
      });
    } catch (error) {
      // A unit that had not finished never ran its course: it may run again like the others.
      current?.reject(new GroupAbortedError(error));
      // Before COMMIT, nothing was written: the finished units may run again. A COMMIT that failed
      // with a server error wrote nothing either; any other failure of it has an unknown outcome.
      const answer = !committing || isSqlState(error) ? new GroupAbortedError(error) : error;
      for (const d of done) d.unit.reject(answer);
      return;
    }
    for (const d of done) d.unit.resolve(d.value);
  }
}
