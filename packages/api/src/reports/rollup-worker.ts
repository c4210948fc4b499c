import { inSystem, inTenant } from '@crm/db';
import { reports } from '@crm/domain';
import { sql } from 'kysely';
import type { Logger, Services } from '../services.ts';
import { trackWorkerRun } from '../worker-runs.ts';
import { PolledWorker, PollingLoop } from '../polling-loop.ts';

// Keeps the industry benchmarks pre-computed: a tenant's rollups are computed again when its event
// log has moved on since the last time (a new organization, person or deal), and at least every
// hour anyway (growth is counted over the last 30 days, which move on by themselves). One tenant
// per short transaction; a tenant another process is refreshing is skipped.

export interface RollupRefresherOptions {
  pollMs?: number;
  /** The longest a tenant's rollups go without being computed again. */
  maxAgeMs?: number;
  /** Tenants per round. */
  batchSize?: number;
  log?: Logger;
}

export class RollupRefresher extends PolledWorker {
  protected readonly loop: PollingLoop;
  private readonly maxAgeMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly services: Services,
    { pollMs = 60_000, maxAgeMs = 3_600_000, batchSize = 50, log = services.log }: RollupRefresherOptions = {},
  ) {
    super();
    this.maxAgeMs = maxAgeMs;
    this.batchSize = batchSize;
    this.loop = new PollingLoop('benchmark rollups', pollMs, () => this.runOnce(), log);
  }

  /** One round: the tenants whose rollups are stale, refreshed; returns their ids. */
  runOnce(): Promise<string[]> {
    return trackWorkerRun(this.services, 'benchmark_rollups', async () => {
      const staleBefore = new Date(this.services.clock.now().getTime() - this.maxAgeMs);
      const due = await inSystem(this.services.db, (tx) =>
        sql<{ id: string }>`select t.id from tenants t left join report_rollup_state s on s.tenant_id = t.id
          where s.tenant_id is null or s.computed_at < ${staleBefore}
             or s.through_position is distinct from (select e.global_position from es_events e where e.tenant_id = t.id
                                                      order by e.transaction_id desc, e.global_position desc limit 1)
          order by s.computed_at nulls first limit ${this.batchSize}`.execute(tx),
      );
      const refreshed: string[] = [];
      for (const { id } of due.rows) if (await this.refreshTenant(id)) refreshed.push(id);
      return refreshed;
    });
  }

  /** Recomputes one tenant's rollups now; false when another process is at it. */
  refreshTenant(tenantId: string): Promise<boolean> {
    return inTenant(this.services.db, tenantId, async (tx) => {
      const { rows } = await sql<{
        ok: boolean;
      }>`select pg_try_advisory_xact_lock(hashtextextended(${`reports.rollups:${tenantId}`}, 0)) as ok`.execute(tx);
      if (!rows[0]?.ok) return false;
      await reports.refreshRollups(tx, tenantId, this.services.clock.now());
      return true;
    });
  }
}
