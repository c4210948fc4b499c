import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { findOrCreatePerson, type PersonFields, updatePerson } from '../../people/commands.ts';
import type { CommandContext } from '../../shared/command.ts';
import { DomainError, notFound } from '../../shared/errors.ts';
import * as decide from './decide.ts';
import { type DealEvent, dealStream } from './events.ts';
import { dealRowAfter } from './projections.ts';
import { getContact, getDeal } from './queries.ts';
import type { DealsTable } from './tables.ts';
import { tenantRows } from '../../shared/rows.ts';

/**
 * The deal as decide sees it, with its stage's name. Its row is locked until commit, so commands on one deal queue
 * instead of racing; the append's version check stays as the safety net. Lock order everywhere:
 * stages before deals (see targetStage), so a move and a stage delete cannot deadlock.
 */
async function loadDeal(
  ctx: CommandContext,
  dealId: string,
  opts: { contacts?: boolean } = {},
): Promise<decide.DealState & { stage_name: string; row: DealsTable }> {
  const { rows } = await sql<DealsTable & { stage_name: string | null }>`select d.*, s.name as stage_name
    from crm_deals d left join crm_stages s on s.id = d.stage_id and s.tenant_id = d.tenant_id
    where d.tenant_id = ${ctx.tenantId} and d.id = ${dealId} for update of d`.execute(ctx.tx);
  const found = rows[0];
  if (!found) throw notFound('deal', dealId);
  const { stage_name, ...row } = found;
  // Only contact commands need the contacts; the rest skip the query.
  const contacts = opts.contacts
    ? await tenantRows(ctx.tx, ctx.tenantId, 'crm_deal_contacts').select(['id', 'person_id']).where('deal_id', '=', dealId).execute()
    : [];
  return { ...row, version: Number(row.version), contacts, stage_name: stage_name ?? 'deleted stage', row };
}

/**
 * The stage a deal is put in, share-locked until commit: a concurrent stage delete (which locks
 * the stage for update first) then either sees this deal and re-homes it, or makes this fail.
 */
async function targetStage(ctx: CommandContext, stageId: string | undefined): Promise<decide.StageRef> {
  const { rows } = stageId
    ? await sql<decide.StageRef>`select id, name from crm_stages where tenant_id = ${ctx.tenantId} and id = ${stageId} for share`.execute(
        ctx.tx,
      )
    : await sql<decide.StageRef>`select id, name from crm_stages where tenant_id = ${ctx.tenantId} order by position, id limit 1 for share`.execute(
        ctx.tx,
      );
  const stage = rows[0];
  if (!stage) {
    throw stageId
      ? new DomainError('invalid', 'stage_not_found', `stage ${stageId} does not exist in this pipeline`, { stage_id: stageId })
      : new DomainError('conflict', 'no_stages', 'the pipeline has no stages; create one first');
  }
  return stage;
}

async function checkOwner(ctx: CommandContext, userId: number | null | undefined) {
  // The caller is a member by definition; only someone else needs looking up.
  if (userId === null || userId === undefined || userId === ctx.userId) return;
  const user = await tenantRows(ctx.tx, ctx.tenantId, 'users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!user)
    throw new DomainError('invalid', 'owner_not_found', `user ${userId} is not a member of this tenant`, { owner_user_id: userId });
}

/** Appends, and answers with the deal row the deals projection wrote (see dealRowAfter). */
async function append(ctx: CommandContext, deal: { id: string; version: number; row: DealsTable | null }, events: DealEvent[]) {
  if (events.length === 0) return deal.row;
  const version = deal.version === 0 ? 'no_stream' : deal.version;
  return dealRowAfter(deal.row, await ctx.store.append(ctx.tx, ctx.tenantId, dealStream(deal.id), version, events, ctx.metadata));
}

/** The row a command on an existing deal answers with: it only ever leaves one there. */
function written(row: DealsTable | null, dealId: string): DealsTable {
  if (!row) throw notFound('deal', dealId);
  return row;
}

export async function createDeal(
  ctx: CommandContext,
  input: { name: string; domain: string | null; valueUsd: number; stageId?: string | undefined; ownerUserId?: number | null | undefined },
) {
  const stage = await targetStage(ctx, input.stageId);
  // No owner given: the person creating it owns it.
  const owner = input.ownerUserId === undefined ? ctx.userId : input.ownerUserId;
  await checkOwner(ctx, owner);
  const dealId = randomUUID();
  const row = await append(
    ctx,
    { id: dealId, version: 0, row: null },
    decide.createDeal({ dealId, name: input.name, domain: input.domain, valueUsd: input.valueUsd, stage, ownerUserId: owner }),
  );
  return written(row, dealId);
}

export async function updateDeal(ctx: CommandContext, dealId: string, input: decide.UpdateDeal) {
  const deal = await loadDeal(ctx, dealId);
  await checkOwner(ctx, input.ownerUserId);
  return written(await append(ctx, deal, decide.updateDeal(deal, input)), dealId);
}

export async function moveDeal(ctx: CommandContext, dealId: string, stageId: string, expectedVersion?: number) {
  let to: decide.StageRef;
  try {
    to = await targetStage(ctx, stageId);
  } catch (error) {
    // An unknown deal is a 404 whatever the stage: checked only on this path, off the hot one.
    if (!(await getDeal(ctx.tx, ctx.tenantId, dealId))) throw notFound('deal', dealId);
    throw error;
  }
  const deal = await loadDeal(ctx, dealId);
  return written(
    await append(ctx, deal, decide.moveDeal(deal, { from: { id: deal.stage_id, name: deal.stage_name }, to, expectedVersion })),
    dealId,
  );
}

export async function deleteDeal(ctx: CommandContext, dealId: string, expectedVersion?: number) {
  const deal = await loadDeal(ctx, dealId);
  await append(ctx, deal, decide.deleteDeal(deal, expectedVersion));
}

/** Attaches a person to a deal: an existing one by id or email, or a new one. */
export async function attachContact(
  ctx: CommandContext,
  dealId: string,
  input: PersonFields & { personId?: string | undefined; role?: string | undefined },
) {
  const deal = await loadDeal(ctx, dealId, { contacts: true });
  let personId = input.personId;
  if (personId) {
    const exists = await tenantRows(ctx.tx, ctx.tenantId, 'persons').select('id').where('id', '=', personId).executeTakeFirst();
    if (!exists) throw new DomainError('invalid', 'person_not_found', `person ${personId} does not exist`, { person_id: personId });
  } else {
    personId = (await findOrCreatePerson(ctx, input)).person.id;
  }
  const contactId = randomUUID();
  await append(ctx, deal, decide.attachContact(deal, { contactId, personId, role: input.role ?? '' }));
  return contactId;
}

/** Name, email, phone and title belong to the person (all their deals see the change); role to this deal. */
export async function updateContact(ctx: CommandContext, contactId: string, input: PersonFields & { role?: string | undefined }) {
  const contact = await getContact(ctx.tx, ctx.tenantId, contactId);
  if (!contact) throw notFound('contact', contactId);
  await updatePerson(ctx, contact.person_id, input);
  if (input.role !== undefined) {
    const deal = await loadDeal(ctx, contact.deal_id, { contacts: true });
    await append(ctx, deal, decide.changeContactRole(deal, contactId, input.role, contact.role));
  }
}

export async function detachContact(ctx: CommandContext, contactId: string) {
  const contact = await getContact(ctx.tx, ctx.tenantId, contactId);
  if (!contact) throw notFound('contact', contactId);
  const deal = await loadDeal(ctx, contact.deal_id, { contacts: true });
  await append(ctx, deal, decide.detachContact(deal, contactId));
}

export async function logActivity(
  ctx: CommandContext,
  dealId: string,
  input: { type: (typeof decide.ACTIVITY_TYPES)[number]; body: string; scheduledFor: Date | null },
) {
  const deal = await loadDeal(ctx, dealId);
  const activityId = randomUUID();
  await append(ctx, deal, decide.logActivity(deal, { activityId, ...input }));
  return activityId;
}
