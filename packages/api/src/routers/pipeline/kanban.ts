import { DomainError, pipeline } from '@crm/domain';
import { z } from 'zod';
import { runQuery } from '../../unit-of-work.ts';
import { dealDto } from './dtos.ts';
import { readDeals } from './read-deals.ts';
import { uuid } from './inputs.ts';

const { deals, stages } = pipeline;

/** Column cursors are opaque to clients: base64url of "created_at|id" of the last card shown. */
export function encodeCursor(c: pipeline.deals.ColumnCursor): string {
  return Buffer.from(`${c.createdAt}|${c.id}`).toString('base64url');
}

export function decodeCursor(s: string): pipeline.deals.ColumnCursor {
  const [createdAt, id] = Buffer.from(s, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !uuid.safeParse(id).success) {
    throw new DomainError('invalid', 'invalid_cursor', 'cursor is not one this server issued');
  }
  return { createdAt, id };
}

/**
 * The board: every stage in order with its count and value (of all its deals) and its first page
 * of cards. With stage_id and cursor, just the next page of that one column. A board of thousands
 * of deals costs two indexed queries, not thousands of rows on the wire.
 */
export const kanban = readDeals
  .input(
    z
      .object({
        per_stage: z.number().int().min(1).max(200).default(25),
        stage_id: uuid.optional(),
        cursor: z.string().max(200).optional(),
        owner_user_id: z.number().int().positive().optional(),
        min_value: z.number().finite().min(0).optional(),
      })
      .default({ per_stage: 25 }),
  )
  .query(async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    if (input.cursor && !input.stage_id) throw new DomainError('invalid', 'cursor_needs_stage', 'a cursor pages one column: pass stage_id with it');
    const after = input.cursor ? decodeCursor(input.cursor) : null;
    const f = { ownerUserId: input.owner_user_id, minValue: input.min_value };
    const limit = input.per_stage;

    return runQuery(ctx, async (tx) => {
      const allStages = await stages.listStages(tx, tenantId);
      const shown = input.stage_id ? allStages.filter((s) => s.id === input.stage_id) : allStages;
      if (input.stage_id && shown.length === 0) throw new DomainError('not_found', 'stage_not_found', `stage ${input.stage_id} not found`);
      const totals = await deals.stageTotals(tx, tenantId, f);
      // One more card than shown tells whether a next page exists.
      const cards = input.stage_id
        ? await deals.columnPage(tx, tenantId, input.stage_id, after, limit + 1, f)
        : await deals.firstCards(tx, tenantId, shown.map((s) => s.id), limit + 1, f);

      const columns = shown.map((s) => {
        const mine = cards.filter((d) => d.stage_id === s.id);
        const page = mine.slice(0, limit);
        const total = totals.find((t) => t.stage_id === s.id);
        const last = page.at(-1);
        return {
          id: s.id, name: s.name, color: s.color, order: s.position, is_won: s.is_won, is_lost: s.is_lost,
          deal_count: Number(total?.count ?? 0),
          total_value_usd: Number(total?.total ?? 0),
          deals: page.map(dealDto),
          next_cursor: mine.length > limit && last ? encodeCursor({ createdAt: last.created_at.toISOString(), id: last.id }) : null,
        };
      });
      return {
        stages: columns,
        total_deals: totals.reduce((n, t) => n + Number(t.count), 0),
        // Sum in cents: adding decimal strings as floats would drift.
        total_value_usd: totals.reduce((cents, t) => cents + Math.round(Number(t.total) * 100), 0) / 100,
        per_stage: limit,
      };
    });
  });
