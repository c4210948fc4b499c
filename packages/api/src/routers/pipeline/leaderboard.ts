import { pipeline } from '@crm/domain';
import { z } from 'zod';
import { runQuery } from '../../unit-of-work.ts';
import { readDeals } from './read-deals.ts';

/**
 * Closed-won value per owner over the look-back. "Closed-won" means: the deal is now in a stage
 * flagged is_won, and it entered that stage within the last `days` days.
 */
export const leaderboard = readDeals
  .input(z.object({ days: z.number().int().min(1).max(3650).default(30) }).default({ days: 30 }))
  .query(async ({ ctx, input }) => {
    const now = ctx.services.clock.now();
    const since = new Date(now.getTime() - input.days * 86_400_000);
    const rows = await runQuery(ctx, (tx) => pipeline.deals.leaderboard(tx, ctx.principal.tenantId, since));
    return {
      days: input.days,
      since: since.toISOString(),
      until: now.toISOString(),
      entries: rows.map((r, i) => ({
        rank: i + 1,
        owner_user_id: r.owner_user_id,
        owner_name: r.first_name !== null ? `${r.first_name} ${r.last_name}`.trim() : null,
        owner_email: r.email,
        won_value_usd: Number(r.won_value_usd),
        won_count: Number(r.won_count),
      })),
    };
  });
