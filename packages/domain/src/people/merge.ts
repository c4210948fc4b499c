import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type DealEvent, dealStream } from '../pipeline/deals/events.ts';
import '../pipeline/deals/tables.ts';
import type { NewEvent } from '@crm/eventstore';
import type { CommandContext } from '../shared/command.ts';
import { DomainError } from '../shared/errors.ts';
import { type MergeMove, type PersonEvent, personStream } from './events.ts';
import {
  type ContactLink,
  type Counts,
  checkMergeCandidates,
  checkMergeRequest,
  type MergeCandidate,
  planMerge,
  planUndo,
} from './merge-decide.ts';
import './tables.ts';
import { tenantRows } from '../shared/rows.ts';

// Merge and undo of persons: load and lock, decide (merge-decide.ts), append to every stream
// touched in the command's one transaction, so a merge is all there or not at all.

export interface MergeInput {
  primaryId: string;
  duplicateIds: string[];
  /** Answer what would move; append nothing. */
  dryRun?: boolean;
}

export interface MergeResult {
  /** Null on a dry run: nothing was merged. */
  mergeId: string | null;
  primaryId: string;
  mergedIds: string[];
  reparented: Counts;
  dryRun: boolean;
}

type Locked = MergeCandidate & { version: string };

/** The persons, locked in id order (two merges over the same persons queue, never deadlock). */
async function lockPersons(ctx: CommandContext, ids: readonly string[]): Promise<Map<string, Locked>> {
  const rows = await tenantRows(ctx.tx, ctx.tenantId, 'persons')
    .select(['id', 'merged_into', 'platform_user_id', 'version'])
    .where('id', 'in', [...ids])
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The deals, locked in id order (as every deal command locks its deal), with their versions. */
async function lockDeals(ctx: CommandContext, dealIds: readonly string[]): Promise<Map<string, number>> {
  if (dealIds.length === 0) return new Map();
  const rows = await tenantRows(ctx.tx, ctx.tenantId, 'crm_deals')
    .select(['id', 'version'])
    .where('id', '=', sql<string>`any(${[...dealIds]}::uuid[])`)
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.id, Number(r.version)]));
}

async function linksWhere(ctx: CommandContext, column: 'person_id' | 'deal_id', values: readonly string[]): Promise<ContactLink[]> {
  if (values.length === 0) return [];
  const rows = await tenantRows(ctx.tx, ctx.tenantId, 'crm_deal_contacts')
    .select(['id', 'deal_id', 'person_id', 'role', 'created_at'])
    .where(column, '=', sql<string>`any(${[...values]}::uuid[])`)
    .execute();
  return rows.map((r) => ({
    contact_id: r.id,
    deal_id: r.deal_id,
    person_id: r.person_id,
    role: r.role,
    created_at: r.created_at.toISOString(),
  }));
}

interface Appends {
  dealEvents: Array<{ dealId: string; event: DealEvent }>;
  primaryEvents: PersonEvent[];
  duplicateEvents: Array<{ personId: string; events: PersonEvent[] }>;
}

/**
 * Every stream the plan touches, each at the version read under its lock, in one statement
 * (EventStore.appendMany): a merge of a person on 1,000 deals is one append, not 1,000.
 */
async function appendAll(
  ctx: CommandContext,
  dealVersions: ReadonlyMap<string, number>,
  persons: ReadonlyMap<string, Locked>,
  primaryId: string,
  plan: Appends,
) {
  const byDeal = new Map<string, NewEvent[]>();
  for (const { dealId, event } of plan.dealEvents) {
    const events = byDeal.get(dealId);
    if (events) events.push(event);
    else byDeal.set(dealId, [event]);
  }
  const expected = (version: number | string) => (Number(version) === 0 ? ('no_stream' as const) : Number(version));
  const at = (id: string) => expected(persons.get(id)!.version);
  await ctx.store.appendMany(
    ctx.tx,
    ctx.tenantId,
    [
      ...[...byDeal].map(([dealId, events]) => ({ stream: dealStream(dealId), expected: expected(dealVersions.get(dealId)!), events })),
      { stream: personStream(primaryId), expected: at(primaryId), events: plan.primaryEvents },
      ...plan.duplicateEvents.map((d) => ({ stream: personStream(d.personId), expected: at(d.personId), events: d.events })),
    ],
    ctx.metadata,
  );
}

/**
 * Merges `duplicateIds` into `primaryId`: the duplicates become inactive and point at the primary;
 * their deal-contact links move to the primary (see planMerge). With `dryRun`, the same answer and
 * nothing written. Used by `POST /persons/merge/` and the entity registry's merge of persons.
 */
export async function mergePersons(ctx: CommandContext, input: MergeInput): Promise<MergeResult> {
  const { primaryId, duplicateIds } = input;
  checkMergeRequest(primaryId, duplicateIds);
  const persons = await lockPersons(ctx, [primaryId, ...duplicateIds]);
  checkMergeCandidates(primaryId, duplicateIds, persons);
  // Lock order: persons, then deals. The links are read again under the deals' locks: a contact
  // attached or detached meanwhile is seen.
  const dealIds = [...new Set((await linksWhere(ctx, 'person_id', duplicateIds)).map((l) => l.deal_id))].sort();
  const dealVersions = await lockDeals(ctx, dealIds);
  const links = await linksWhere(ctx, 'deal_id', dealIds);
  const counts = await tenantRows(ctx.tx, ctx.tenantId, 'crm_activities')
    .select(['deal_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('deal_id', '=', sql<string>`any(${dealIds}::uuid[])`)
    .groupBy('deal_id')
    .execute();
  const mergeId = randomUUID();
  const plan = planMerge(
    mergeId,
    persons.get(primaryId)!,
    duplicateIds.map((id) => persons.get(id)!),
    links,
    new Map(counts.map((c) => [c.deal_id, Number(c.n)])),
  );
  const result = { primaryId, mergedIds: [...duplicateIds], reparented: plan.reparented };
  if (input.dryRun) return { mergeId: null, ...result, dryRun: true };
  await appendAll(ctx, dealVersions, persons, primaryId, plan);
  return { mergeId, ...result, dryRun: false };
}

export interface UndoResult {
  mergeId: string;
  primaryId: string;
  restoredIds: string[];
  restored: Counts;
}

/** Reverts a merge: the duplicates come back, and what it moved goes back (see planUndo). */
export async function undoMerge(ctx: CommandContext, mergeId: string): Promise<UndoResult> {
  const merge = await tenantRows(ctx.tx, ctx.tenantId, 'person_merges').selectAll().where('id', '=', mergeId).executeTakeFirst();
  if (!merge) throw new DomainError('not_found', 'merge_not_found', `merge ${mergeId} not found`);
  const persons = await lockPersons(ctx, [merge.primary_id, ...merge.duplicate_ids]);
  const moves = merge.moves as MergeMove[];
  const dealIds = [...new Set(moves.map((m) => m.deal_id))].sort();
  const dealVersions = await lockDeals(ctx, dealIds);
  // Read under the primary's lock: a concurrent undo of the same merge waits, then sees it undone.
  const fresh = await tenantRows(ctx.tx, ctx.tenantId, 'person_merges')
    .select('undone_at')
    .where('id', '=', mergeId)
    .executeTakeFirstOrThrow();
  const primary = persons.get(merge.primary_id);
  const duplicates = merge.duplicate_ids.map((id) => persons.get(id));
  if (!primary || duplicates.some((d) => !d)) {
    throw new DomainError('conflict', 'merge_persons_deleted', `a person of merge ${mergeId} was deleted since; it cannot be undone`);
  }
  const plan = planUndo(
    { id: merge.id, primary_id: merge.primary_id, duplicate_ids: merge.duplicate_ids, moves, undone_at: fresh.undone_at },
    primary,
    duplicates as Locked[],
    await linksWhere(ctx, 'deal_id', dealIds),
    new Set(dealVersions.keys()),
  );
  await appendAll(ctx, dealVersions, persons, merge.primary_id, plan);
  return { mergeId, primaryId: merge.primary_id, restoredIds: merge.duplicate_ids, restored: plan.restored };
}
