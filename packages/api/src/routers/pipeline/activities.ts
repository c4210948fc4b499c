import { DomainError, pipeline } from '@crm/domain';
import { z } from 'zod';
import { router } from '../../trpc.ts';
import { runCommand, runQuery } from '../../unit-of-work.ts';
import { activityDto } from './dtos.ts';
import { activityType, uuid } from './inputs.ts';
import { readDeals, writeDeals } from './read-deals.ts';

const { deals } = pipeline;

/** A deal's timeline of calls, emails, notes, meetings, tasks and the stage changes moves stamp. */
export const activitiesRouter = router({
  list: readDeals.input(z.object({ deal_id: uuid })).query(async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    return runQuery(ctx, async (tx) => {
      if (!(await deals.getDeal(tx, tenantId, input.deal_id))) throw new DomainError('not_found', 'deal_not_found', `deal ${input.deal_id} not found`);
      return { activities: (await deals.dealActivities(tx, tenantId, input.deal_id, 1000)).map(activityDto) };
    });
  }),

  log: writeDeals
    .input(
      z.object({
        deal_id: uuid,
        type: activityType,
        body: z.string().trim().min(1).max(10_000),
        scheduled_for: z.string().datetime({ offset: true }).nullable().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const row = await runCommand(ctx, async (c) => {
        const id = await deals.logActivity(c, input.deal_id, {
          type: input.type, body: input.body, scheduledFor: input.scheduled_for ? new Date(input.scheduled_for) : null,
        });
        return c.tx.selectFrom('crm_activities').selectAll().where('tenant_id', '=', c.tenantId).where('id', '=', id).executeTakeFirstOrThrow();
      });
      return activityDto(row);
    }),
});
