import { DomainError, pipeline } from '@crm/domain';
import { z } from 'zod';
import { requirePermission, router } from '../../trpc.ts';
import { crmProcedure as crm, readDeals, writeDeals } from './read-deals.ts';
import { runCommand, runQuery } from '../../unit-of-work.ts';
import { activityDto, contactDto, dealDto, timelineDto } from './dtos.ts';
import { dealName, domain, expectedVersion, filters, ownerUserId, uuid, valueUsd } from './inputs.ts';
import { kanban } from './kanban.ts';

const { deals } = pipeline;

async function mustGetDeal(tx: Parameters<typeof deals.getDeal>[0], tenantId: string, dealId: string) {
  const row = await deals.getDeal(tx, tenantId, dealId);
  if (!row) throw new DomainError('not_found', 'deal_not_found', `deal ${dealId} not found`);
  return row;
}

const EXPORT_PAGE = 1000;

export const dealsRouter = router({
  create: writeDeals
    .input(z.object({ name: dealName, domain: domain.optional(), value_usd: valueUsd.default(0), stage_id: uuid.optional(), owner_user_id: ownerUserId.optional() }))
    .mutation(async ({ ctx, input }) => {
      const row = await runCommand(ctx, async (c) => {
        const id = await deals.createDeal(c, {
          name: input.name, domain: input.domain ?? null, valueUsd: input.value_usd, stageId: input.stage_id, ownerUserId: input.owner_user_id,
        });
        return mustGetDeal(c.tx, c.tenantId, id);
      });
      return dealDto(row);
    }),

  list: readDeals
    .input(z.object({ ...filters, page: z.number().int().min(1).default(1), page_size: z.number().int().min(1).max(200).default(50) }).default({ page: 1, page_size: 50 }))
    .query(async ({ ctx, input }) => {
      const { rows, total } = await runQuery(ctx, (tx) =>
        deals.listDeals(tx, ctx.principal.tenantId, { stageId: input.stage_id, ownerUserId: input.owner_user_id, minValue: input.min_value, q: input.q }, input.page, input.page_size),
      );
      return { deals: rows.map(dealDto), total, page: input.page, page_size: input.page_size, has_more: input.page * input.page_size < total };
    }),

  get: readDeals.input(z.object({ deal_id: uuid })).query(async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    const [deal, contacts, activities] = await runQuery(ctx, async (tx) => [
      await mustGetDeal(tx, tenantId, input.deal_id),
      await deals.dealContacts(tx, tenantId, input.deal_id),
      await deals.dealActivities(tx, tenantId, input.deal_id),
    ] as const);
    return { ...dealDto(deal), contacts: contacts.map(contactDto), activities: activities.map(activityDto) };
  }),

  update: writeDeals
    .input(z.object({ deal_id: uuid, expected_version: expectedVersion, name: dealName.optional(), domain: domain.optional(), value_usd: valueUsd.optional(), owner_user_id: ownerUserId.optional() }))
    .mutation(async ({ ctx, input }) => {
      const row = await runCommand(ctx, async (c) => {
        await deals.updateDeal(c, input.deal_id, {
          name: input.name, domain: input.domain, valueUsd: input.value_usd, ownerUserId: input.owner_user_id, expectedVersion: input.expected_version,
        });
        return mustGetDeal(c.tx, c.tenantId, input.deal_id);
      });
      return dealDto(row);
    }),

  move: writeDeals.input(z.object({ deal_id: uuid, stage_id: uuid, expected_version: expectedVersion })).mutation(async ({ ctx, input }) => {
    const row = await runCommand(ctx, async (c) => {
      await deals.moveDeal(c, input.deal_id, input.stage_id, input.expected_version);
      return mustGetDeal(c.tx, c.tenantId, input.deal_id);
    });
    return dealDto(row);
  }),

  delete: writeDeals.input(z.object({ deal_id: uuid, expected_version: expectedVersion })).mutation(async ({ ctx, input }) => {
    await runCommand(ctx, (c) => deals.deleteDeal(c, input.deal_id, input.expected_version));
    return { deleted: true, id: input.deal_id };
  }),

  kanban,

  /** Who changed what on a deal, when, before and after; kept after the deal is deleted. */
  timeline: readDeals.input(z.object({ deal_id: uuid })).query(async ({ ctx, input }) => {
    const rows = await runQuery(ctx, (tx) => deals.dealTimeline(tx, ctx.principal.tenantId, input.deal_id));
    if (rows.length === 0) throw new DomainError('not_found', 'deal_not_found', `deal ${input.deal_id} not found`);
    return { deal_id: input.deal_id, entries: rows.map(timelineDto) };
  }),

  /**
   * Every deal with its current stage as CSV, yielded page by page: each page is its own short
   * transaction, so memory and transaction time stay flat however many deals there are.
   */
  export: crm.use(requirePermission('crm.deals.export')).query(async function* ({ ctx }) {
    const tenantId = ctx.principal.tenantId;
    yield deals.csvRow([...deals.EXPORT_COLUMNS]);
    let after: pipeline.deals.ColumnCursor | null = null;
    for (;;) {
      const rows = await runQuery(ctx, (tx) => deals.exportPage(tx, tenantId, after, EXPORT_PAGE));
      if (rows.length === 0) return;
      yield rows
        .map((r) =>
          deals.csvRow([
            r.id, r.name, r.domain, r.value_usd, r.stage_id, r.stage_name, r.is_won, r.is_lost,
            r.owner_user_id, r.owner_email, r.stage_entered_at, r.created_at, r.updated_at,
          ]),
        )
        .join('');
      const last = rows.at(-1)!;
      after = { createdAt: last.created_at.toISOString(), id: last.id };
      if (rows.length < EXPORT_PAGE) return;
    }
  }),
});
