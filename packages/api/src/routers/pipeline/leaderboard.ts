import { pipeline } from '@crm/domain';
import { leaderboard as c } from '../../contracts/pipeline.ts';
import { query } from '../../trpc.ts';
import { runQuery } from '../../unit-of-work.ts';

/**
 * Closed-won value per owner over the look-back. "Closed-won" means: the deal is now in a stage
 * flagged is_won, and it entered that stage within the last `days` days.
 */
export const leaderboard = query(c, async ({ ctx, input }) => {
  const now = ctx.services.clock.now();
  const since = new Date(now.getTime() - input.days * 86_400_000);
  const rows = await runQuery(ctx, (tx) => pipeline.deals.leaderboard(tx, ctx.principal.tenantId, since));
  return {
    days: input.days,
    since: since.toISOString(),
    until: now.toISOString(),
    entries: rows.map((r, i) => ({
      rank: i + 1,
      ownerUserId: r.owner_user_id,
      ownerName: r.first_name !== null ? `${r.first_name} ${r.last_name}`.trim() : null,
      ownerEmail: r.email,
      wonValueUsd: Number(r.won_value_usd),
      wonCount: Number(r.won_count),
    })),
  };
});
