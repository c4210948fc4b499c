import type { CommandContext } from '../../shared/command.ts';
import { dealEvent, dealStream } from './events.ts';
import { tenantRows } from '../../shared/rows.ts';

/**
 * Moves every deal of a stage to another stage, one DealMoved event per deal with reason
 * 'stage_deleted', so each deal's history says why it moved. Runs in the stage delete's
 * transaction, at each deal's current version.
 */
export async function rehomeDeals(ctx: CommandContext, fromStageId: string, toStageId: string): Promise<number> {
  const names = await ctx.tx.selectFrom('crm_stages').select(['id', 'name']).where('id', 'in', [fromStageId, toStageId]).execute();
  const nameOf = (id: string) => names.find((s) => s.id === id)?.name ?? 'deleted stage';
  const deals = await tenantRows(ctx.tx, ctx.tenantId, 'crm_deals')
    .select(['id', 'version'])
    .where('stage_id', '=', fromStageId)
    .orderBy('id')
    .forUpdate()
    .execute();
  for (const deal of deals) {
    await ctx.store.append(
      ctx.tx,
      ctx.tenantId,
      dealStream(deal.id),
      Number(deal.version),
      [
        dealEvent('DealMoved', {
          from_stage_id: fromStageId,
          to_stage_id: toStageId,
          reason: 'stage_deleted',
          from_stage_name: nameOf(fromStageId),
          to_stage_name: nameOf(toStageId),
        }),
      ],
      ctx.metadata,
    );
  }
  return deals.length;
}
