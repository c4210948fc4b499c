import { DomainError, pipeline } from '@crm/domain';
import { z } from 'zod';
import { authedProcedure, requirePermission, requirePlan, router } from '../../trpc.ts';
import { runCommand, runQuery } from '../../unit-of-work.ts';

// Document 000's conventions: snake_case fields, stages listed in pipeline order.

const stageName = z.string().trim().min(1).max(100);
const color = z.string().trim().regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'a hex colour such as #22c55e');
const order = z.number().int().min(0).max(10_000);
const stageId = z.string().uuid();
/** The version a client read (If-Match on REST): a write against an older one is refused with 409. */
const expectedVersion = z.number().int().min(1).optional();

export const stageDto = (s: pipeline.stages.StagesTable) => ({
  id: s.id,
  name: s.name,
  color: s.color,
  order: s.position,
  is_won: s.is_won,
  is_lost: s.is_lost,
  version: Number(s.version),
  created_at: s.created_at.toISOString(),
  updated_at: s.updated_at.toISOString(),
});

const crm = authedProcedure.use(requirePlan('pro'));
const read = crm.use(requirePermission('crm.stages.read'));
const write = crm.use(requirePermission('crm.stages.write'));

export const stagesRouter = router({
  list: read.query(async ({ ctx }) => {
    const rows = await runQuery(ctx, (tx) => pipeline.stages.listStages(tx, ctx.principal.tenantId));
    return rows.map(stageDto);
  }),

  get: read.input(z.object({ stage_id: stageId })).query(async ({ ctx, input }) => {
    const row = await runQuery(ctx, (tx) => pipeline.stages.getStage(tx, ctx.principal.tenantId, input.stage_id));
    if (!row) throw new DomainError('not_found', 'stage_not_found', `stage ${input.stage_id} not found`);
    return stageDto(row);
  }),

  create: write
    .input(z.object({ name: stageName, color: color.optional(), order: order.optional(), is_won: z.boolean().optional(), is_lost: z.boolean().optional() }))
    .mutation(async ({ ctx, input }) => {
      const row = await runCommand(ctx, (c) =>
        pipeline.stages.createStage(c, { name: input.name, color: input.color, order: input.order, isWon: input.is_won, isLost: input.is_lost }),
      );
      return stageDto(row);
    }),

  update: write
    .input(
      z.object({
        stage_id: stageId,
        expected_version: expectedVersion,
        name: stageName.optional(),
        color: color.optional(),
        order: order.optional(),
        is_won: z.boolean().optional(),
        is_lost: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const row = await runCommand(ctx, (c) =>
        pipeline.stages.changeStage(c, {
          stageId: input.stage_id, expectedVersion: input.expected_version, name: input.name, color: input.color, order: input.order, isWon: input.is_won, isLost: input.is_lost,
        }),
      );
      return stageDto(row);
    }),

  delete: write.input(z.object({ stage_id: stageId, expected_version: expectedVersion })).mutation(async ({ ctx, input }) => {
    const out = await runCommand(ctx, (c) =>
      pipeline.stages.deleteStage(c, input.stage_id, pipeline.deals.rehomeDeals, input.expected_version),
    );
    return { deleted: true, stage_id: out.deletedStageId, moved_deals: out.movedDeals, moved_to_stage_id: out.movedTo };
  }),

  reorder: write.input(z.object({ stage_ids: z.array(stageId).min(1).max(500) })).mutation(async ({ ctx, input }) => {
    const rows = await runCommand(ctx, (c) => pipeline.stages.reorder(c, input.stage_ids));
    return rows.map(stageDto);
  }),
});
