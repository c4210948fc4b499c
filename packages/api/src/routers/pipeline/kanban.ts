import type { Tx } from '@crm/db';
import { DomainError, pipeline } from '@crm/domain';
import { z } from 'zod';
import { runQuery } from '../../unit-of-work.ts';
import { TenantCache } from './board-cache.ts';
import { dealDto } from './dtos.ts';
import { uuid } from './inputs.ts';
import { readDeals } from './read-deals.ts';

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

const input = z
  .object({
    per_stage: z.number().int().min(1).max(200).default(25),
    stage_id: uuid.optional(),
    cursor: z.string().max(200).optional(),
    owner_user_id: z.number().int().positive().optional(),
    min_value: z.number().finite().min(0).optional(),
  })
  .default({ per_stage: 25 });

type BoardQuery = z.infer<typeof input>;

/**
 * The board: every stage in order with its count and value (of all its deals) and its first page
 * of cards. With stage_id and cursor, just the next page of that one column.
 */
async function computeBoard(tx: Tx, tenantId: string, q: BoardQuery, after: pipeline.deals.ColumnCursor | null) {
  const f = { ownerUserId: q.owner_user_id, minValue: q.min_value };
  const limit = q.per_stage;
  const allStages = await stages.listStages(tx, tenantId);
  const shown = q.stage_id ? allStages.filter((s) => s.id === q.stage_id) : allStages;
  if (q.stage_id && shown.length === 0) throw new DomainError('not_found', 'stage_not_found', `stage ${q.stage_id} not found`);
  const totals = await deals.stageTotals(tx, tenantId, f);
  // One more card than shown tells whether a next page exists.
  const cards = q.stage_id
    ? await deals.columnPage(tx, tenantId, q.stage_id, after, limit + 1, f)
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
}

/** Boards are read far more often than they change; TenantCache says why reuse stays exact. */
const boards = new TenantCache<Awaited<ReturnType<typeof computeBoard>>>();

/** A board of thousands of deals costs two indexed queries, and an unchanged one a single probe. */
export const kanban = readDeals.input(input).query(async ({ ctx, input: q }) => {
  if (q.cursor && !q.stage_id) throw new DomainError('invalid', 'cursor_needs_stage', 'a cursor pages one column: pass stage_id with it');
  const after = q.cursor ? decodeCursor(q.cursor) : null; // a bad cursor is refused before anything is read
  const tenantId = ctx.principal.tenantId;
  return runQuery(ctx, (tx) => boards.get(tx, ctx.services.store, tenantId, JSON.stringify(q), () => computeBoard(tx, tenantId, q, after)));
});
