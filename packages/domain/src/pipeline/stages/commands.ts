import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { CommandContext } from '../../shared/command.ts';
import { notFound } from '../../shared/errors.ts';
import { addStage, type AddStage, DEFAULT_STAGES, removeStage, reorderStages, updateStage, type UpdateStage } from './decide.ts';
import { pipelineStream, type StageEvent, stageEvent } from './events.ts';
import { getStage, listStages, loadPipeline } from './queries.ts';

async function appendToPipeline(ctx: CommandContext, version: number, events: StageEvent[]) {
  await ctx.store.append(ctx.tx, ctx.tenantId, pipelineStream(ctx.tenantId), version === 0 ? 'no_stream' : version, events, ctx.metadata);
}

/** A new tenant's pipeline, so the board works from the first start. */
export async function seedDefaultStages(ctx: CommandContext) {
  const ids = DEFAULT_STAGES.map(() => randomUUID());
  await appendToPipeline(ctx, 0, [
    ...DEFAULT_STAGES.map((s, i) => stageEvent('StageAdded', { stage_id: ids[i]!, ...s })),
    stageEvent('StagesReordered', { stage_ids: ids }),
  ]);
}

export async function createStage(ctx: CommandContext, input: Omit<AddStage, 'stageId'>) {
  const { stages, version } = await loadPipeline(ctx.tx, ctx.tenantId);
  const stageId = randomUUID();
  await appendToPipeline(ctx, version, addStage(stages, { ...input, stageId }));
  return (await getStage(ctx.tx, ctx.tenantId, stageId))!;
}

export async function changeStage(ctx: CommandContext, input: UpdateStage) {
  const { stages, version } = await loadPipeline(ctx.tx, ctx.tenantId);
  await appendToPipeline(ctx, version, updateStage(stages, input));
  return (await getStage(ctx.tx, ctx.tenantId, input.stageId))!;
}

export async function reorder(ctx: CommandContext, stageIds: string[]) {
  const { stages, version } = await loadPipeline(ctx.tx, ctx.tenantId);
  await appendToPipeline(ctx, version, reorderStages(stages, stageIds));
  return listStages(ctx.tx, ctx.tenantId);
}

/** Moves every deal of one stage to another, as events on each deal's stream; returns how many. */
export type RehomeDeals = (ctx: CommandContext, fromStageId: string, toStageId: string) => Promise<number>;

export async function deleteStage(ctx: CommandContext, stageId: string, rehome: RehomeDeals, expectedVersion?: number) {
  // Lock the stage first: a deal created in or moved into it concurrently (they take a share lock
  // on their target stage) either lands before we collect the stage's deals or fails afterwards.
  const locked = await sql`select id from crm_stages where tenant_id = ${ctx.tenantId} and id = ${stageId} for update`.execute(ctx.tx);
  if (locked.rows.length === 0) throw notFound('stage', stageId);
  const { stages, version } = await loadPipeline(ctx.tx, ctx.tenantId);
  const { events, target } = removeStage(stages, stageId, expectedVersion);
  const moved = target ? await rehome(ctx, stageId, target) : 0;
  await appendToPipeline(ctx, version, events);
  return { deletedStageId: stageId, movedDeals: moved, movedTo: target };
}
