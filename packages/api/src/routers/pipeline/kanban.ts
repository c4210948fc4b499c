import type { Tx } from '@crm/db';
import { DomainError, pipeline } from '@crm/domain';
import type { z } from 'zod';
import { deals as contracts } from '../../contracts/pipeline.ts';
import { uuid } from '../../contracts/shared.ts';
import { query } from '../../trpc.ts';
import { runQuery } from '../../unit-of-work.ts';
import { TenantCache } from './board-cache.ts';
import { dealDto, stageDto } from './dtos.ts';

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

type BoardQuery = z.output<typeof contracts.kanban.input>;

/**
 * The board: every stage in order with its count and value (of all its deals) and its first page
 * of cards. With stage_id and cursor, just the next page of that one column.
 */
async function computeBoard(tx: Tx, tenantId: string, q: BoardQuery, after: pipeline.deals.ColumnCursor | null) {
  const f = { ownerUserId: q.ownerUserId, minValue: q.minValue };
  const limit = q.perStage;
  const allStages = await stages.listStages(tx, tenantId);
  const shown = q.stageId ? allStages.filter((s) => s.id === q.stageId) : allStages;
  if (q.stageId && shown.length === 0) throw new DomainError('not_found', 'stage_not_found', `stage ${q.stageId} not found`);
  const totals = await deals.stageTotals(tx, tenantId, f);
  // One more card than shown tells whether a next page exists.
  const cards = q.stageId
    ? await deals.columnPage(tx, tenantId, q.stageId, after, limit + 1, f)
    : await deals.firstCards(
        tx,
        tenantId,
        shown.map((s) => s.id),
        limit + 1,
        f,
      );

  const columns = shown.map((s) => {
    const mine = cards.filter((d) => d.stage_id === s.id);
    const page = mine.slice(0, limit);
    const total = totals.find((t) => t.stage_id === s.id);
    const last = page.at(-1);
    // A column is the stage as every answer shows it, without its version and stamps.
    const { version: _version, createdAt: _createdAt, updatedAt: _updatedAt, ...stage } = stageDto(s);
    return {
      ...stage,
      dealCount: Number(total?.count ?? 0),
      totalValueUsd: Number(total?.total ?? 0),
      deals: page.map(dealDto),
      nextCursor: mine.length > limit && last ? encodeCursor({ createdAt: last.created_at.toISOString(), id: last.id }) : null,
    };
  });
  return {
    stages: columns,
    totalDeals: totals.reduce((n, t) => n + Number(t.count), 0),
    // Sum in cents: adding decimal strings as floats would drift.
    totalValueUsd: totals.reduce((cents, t) => cents + Math.round(Number(t.total) * 100), 0) / 100,
    perStage: limit,
  };
}

/** Boards are read far more often than they change; TenantCache says why reuse stays exact. */
const boards = new TenantCache<Awaited<ReturnType<typeof computeBoard>>>();

/** A board of thousands of deals costs two indexed queries, and an unchanged one a single probe. */
export const kanban = query(contracts.kanban, async ({ ctx, input: q }) => {
  if (q.cursor && !q.stageId) throw new DomainError('invalid', 'cursor_needs_stage', 'a cursor pages one column: pass the stage with it');
  const after = q.cursor ? decodeCursor(q.cursor) : null; // a bad cursor is refused before anything is read
  const tenantId = ctx.principal.tenantId;
  return runQuery(ctx, (tx) => boards.get(tx, ctx.services.store, tenantId, JSON.stringify(q), () => computeBoard(tx, tenantId, q, after)));
});
