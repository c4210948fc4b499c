import { DomainError, pipeline } from '@crm/domain';
import { stages as c } from '../../contracts/pipeline.ts';
import { mutation, query, router } from '../../trpc.ts';
import { runCommand, runQuery } from '../../unit-of-work.ts';
import { stageDto } from './dtos.ts';

/** The pipeline's columns, in order. */
export const stagesRouter = router({
  list: query(c.list, async ({ ctx }) => {
    const rows = await runQuery(ctx, (tx) => pipeline.stages.listStages(tx, ctx.principal.tenantId));
    return rows.map(stageDto);
  }),

  get: query(c.get, async ({ ctx, input }) => {
    const row = await runQuery(ctx, (tx) => pipeline.stages.getStage(tx, ctx.principal.tenantId, input.stageId));
    if (!row) throw new DomainError('not_found', 'stage_not_found', `stage ${input.stageId} not found`);
    return stageDto(row);
  }),

  // The contracts speak the commands' own vocabulary, so the parsed input is the command.
  create: mutation(c.create, async ({ ctx, input }) => stageDto(await runCommand(ctx, (cmd) => pipeline.stages.createStage(cmd, input)))),

  update: mutation(c.update, async ({ ctx, input }) => stageDto(await runCommand(ctx, (cmd) => pipeline.stages.changeStage(cmd, input)))),

  delete: mutation(c.delete, async ({ ctx, input }) => {
    const out = await runCommand(ctx, (cmd) =>
      pipeline.stages.deleteStage(cmd, input.stageId, pipeline.deals.rehomeDeals, input.expectedVersion),
    );
    return { deleted: true as const, stageId: out.deletedStageId, movedDeals: out.movedDeals, movedToStageId: out.movedTo };
  }),

  reorder: mutation(c.reorder, async ({ ctx, input }) => {
    const rows = await runCommand(ctx, (cmd) => pipeline.stages.reorder(cmd, input.stageIds));
    return rows.map(stageDto);
  }),
});
