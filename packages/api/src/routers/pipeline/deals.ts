import { DomainError, pipeline } from '@crm/domain';
import { deals as c } from '../../contracts/pipeline.ts';
import { mutation, query, router, streamQuery } from '../../trpc.ts';
import { runCommand, runQuery } from '../../unit-of-work.ts';
import { activityDto, contactDto, dealDto, timelineDto } from './dtos.ts';
import { kanban } from './kanban.ts';

const { deals } = pipeline;

async function mustGetDeal(tx: Parameters<typeof deals.getDeal>[0], tenantId: string, dealId: string) {
  const row = await deals.getDeal(tx, tenantId, dealId);
  if (!row) throw new DomainError('not_found', 'deal_not_found', `deal ${dealId} not found`);
  return row;
}

const EXPORT_PAGE = 1000;

export const dealsRouter = router({
  create: mutation(c.create, async ({ ctx, input }) => {
    // Commands answer with the row their projection wrote: no read-back.
    const row = await runCommand(ctx, (cmd) =>
      deals.createDeal(cmd, {
        name: input.name,
        domain: input.domain ?? null,
        valueUsd: input.valueUsd,
        stageId: input.stageId,
        ownerUserId: input.ownerUserId,
      }),
    );
    return dealDto(row);
  }),

  list: query(c.list, async ({ ctx, input }) => {
    const { rows, total } = await runQuery(ctx, (tx) =>
      deals.listDeals(
        tx,
        ctx.principal.tenantId,
        { stageId: input.stageId, ownerUserId: input.ownerUserId, minValue: input.minValue, q: input.q },
        input.page,
        input.pageSize,
      ),
    );
    return { deals: rows.map(dealDto), total, page: input.page, pageSize: input.pageSize, hasMore: input.page * input.pageSize < total };
  }),

  get: query(c.get, async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    const [deal, contacts, activities] = await runQuery(
      ctx,
      async (tx) =>
        [
          await mustGetDeal(tx, tenantId, input.dealId),
          await deals.dealContacts(tx, tenantId, input.dealId),
          await deals.dealActivities(tx, tenantId, input.dealId),
        ] as const,
    );
    return { ...dealDto(deal), contacts: contacts.map(contactDto), activities: activities.map(activityDto) };
  }),

  update: mutation(c.update, async ({ ctx, input }) => {
    const row = await runCommand(ctx, (cmd) =>
      deals.updateDeal(cmd, input.dealId, {
        name: input.name,
        domain: input.domain,
        valueUsd: input.valueUsd,
        ownerUserId: input.ownerUserId,
        expectedVersion: input.expectedVersion,
      }),
    );
    return dealDto(row);
  }),

  move: mutation(c.move, async ({ ctx, input }) => {
    const row = await runCommand(ctx, (cmd) => deals.moveDeal(cmd, input.dealId, input.stageId, input.expectedVersion));
    return dealDto(row);
  }),

  delete: mutation(c.delete, async ({ ctx, input }) => {
    await runCommand(ctx, (cmd) => deals.deleteDeal(cmd, input.dealId, input.expectedVersion));
    return { deleted: true as const, id: input.dealId };
  }),

  kanban,

  timeline: query(c.timeline, async ({ ctx, input }) => {
    const rows = await runQuery(ctx, (tx) => deals.dealTimeline(tx, ctx.principal.tenantId, input.dealId));
    if (rows.length === 0) throw new DomainError('not_found', 'deal_not_found', `deal ${input.dealId} not found`);
    return { dealId: input.dealId, entries: rows.map(timelineDto) };
  }),

  /**
   * Every deal with its current stage as CSV, yielded page by page: each page is its own short
   * transaction, so memory and transaction time stay flat however many deals there are.
   */
  export: streamQuery(c.export, async function* ({ ctx }) {
    const tenantId = ctx.principal.tenantId;
    yield deals.csvRow([...deals.EXPORT_COLUMNS]);
    let after: pipeline.deals.ColumnCursor | null = null;
    for (;;) {
      const rows = await runQuery(ctx, (tx) => deals.exportPage(tx, tenantId, after, EXPORT_PAGE));
      if (rows.length === 0) return;
      yield rows
        .map((r) =>
          deals.csvRow([
            r.id,
            r.name,
            r.domain,
            r.value_usd,
            r.stage_id,
            r.stage_name,
            r.is_won,
            r.is_lost,
            r.owner_user_id,
            r.owner_email,
            r.stage_entered_at,
            r.created_at,
            r.updated_at,
          ]),
        )
        .join('');
      const last = rows.at(-1)!;
      after = { createdAt: last.created_at.toISOString(), id: last.id };
      if (rows.length < EXPORT_PAGE) return;
    }
  }),
});
