import { DomainError, pipeline } from '@crm/domain';
import { activities as c } from '../../contracts/pipeline.ts';
import { mutation, query, router } from '../../trpc.ts';
import { runCommand, runQuery } from '../../unit-of-work.ts';
import { activityDto } from './dtos.ts';

const { deals } = pipeline;

/** A deal's timeline of calls, emails, notes, meetings, tasks and the stage changes moves stamp. */
export const activitiesRouter = router({
  list: query(c.list, async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    return runQuery(ctx, async (tx) => {
      if (!(await deals.getDeal(tx, tenantId, input.dealId)))
        throw new DomainError('not_found', 'deal_not_found', `deal ${input.dealId} not found`);
      return { activities: (await deals.dealActivities(tx, tenantId, input.dealId, 1000)).map(activityDto) };
    });
  }),

  log: mutation(c.log, async ({ ctx, input }) => {
    const row = await runCommand(ctx, async (cmd) => {
      const id = await deals.logActivity(cmd, input.dealId, {
        type: input.type,
        body: input.body,
        scheduledFor: input.scheduledFor ? new Date(input.scheduledFor) : null,
      });
      return cmd.tx
        .selectFrom('crm_activities')
        .selectAll()
        .where('tenant_id', '=', cmd.tenantId)
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    });
    return activityDto(row);
  }),
});
