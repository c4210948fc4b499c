import type { Executor } from '@crm/db';
import { sql } from 'kysely';
import { countRows, likeEscape } from '../../shared/paging.ts';
import { tenantRows } from '../../shared/rows.ts';

export async function getDeal(db: Executor, tenantId: string, dealId: string) {
  return db.selectFrom('crm_deals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', dealId).executeTakeFirst();
}

export interface DealFilters {
  stageId?: string | undefined;
  ownerUserId?: number | undefined;
  minValue?: number | undefined;
  q?: string | undefined;
}

function filtered(db: Executor, tenantId: string, f: DealFilters) {
  let q = db.selectFrom('crm_deals').where('tenant_id', '=', tenantId);
  if (f.stageId) q = q.where('stage_id', '=', f.stageId);
  if (f.ownerUserId !== undefined) q = q.where('owner_user_id', '=', f.ownerUserId);
  if (f.minValue !== undefined) q = q.where('value_usd', '>=', String(f.minValue));
  if (f.q) {
    // Match name or domain, case-insensitively, with LIKE's wildcards taken literally.
    const pattern = `%${likeEscape(f.q)}%`;
    q = q.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('domain', 'ilike', pattern)]));
  }
  return q;
}

export async function listDeals(db: Executor, tenantId: string, f: DealFilters, page: number, pageSize: number) {
  const [rows, total] = await Promise.all([
    filtered(db, tenantId, f)
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    countRows(filtered(db, tenantId, f)),
  ]);
  return { rows, total };
}

/** A kanban column's position: the last card shown, by (created_at desc, id desc). */
export interface ColumnCursor {
  createdAt: string;
  id: string;
}

/** Per stage: how many deals and what they are worth, whatever page of cards is shown. */
export async function stageTotals(db: Executor, tenantId: string, f: DealFilters) {
  return filtered(db, tenantId, f)
    .select(['stage_id', (eb) => eb.fn.countAll<string>().as('count'), sql<string>`coalesce(sum(value_usd), 0)::text`.as('total')])
    .groupBy('stage_id')
    .execute();
}

/** The first `limit` cards of every stage, one index range scan per stage. */
export async function firstCards(db: Executor, tenantId: string, stageIds: string[], limit: number, f: DealFilters) {
  if (stageIds.length === 0) return [];
  const filters = [
    f.ownerUserId !== undefined ? sql`and d.owner_user_id = ${f.ownerUserId}` : sql``,
    f.minValue !== undefined ? sql`and d.value_usd >= ${String(f.minValue)}` : sql``,
  ];
  const { rows } = await sql<import('./tables.ts').DealsTable>`select d.* from unnest(${stageIds}::uuid[]) as s(id)
    cross join lateral (
      select * from crm_deals d where d.tenant_id = ${tenantId} and d.stage_id = s.id ${filters[0]} ${filters[1]}
      order by d.created_at desc, d.id desc limit ${limit}) d`.execute(db);
  return rows;
}

/** The next page of one column, after a cursor. */
export async function columnPage(
  db: Executor,
  tenantId: string,
  stageId: string,
  after: ColumnCursor | null,
  limit: number,
  f: DealFilters,
) {
  let q = filtered(db, tenantId, { ...f, stageId }).selectAll();
  if (after) {
    q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(new Date(after.createdAt), after.id)));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/**
 * Closed-won value per owner: deals now in a stage flagged won, by the time they entered it,
 * within the look-back.
 */
export async function leaderboard(db: Executor, tenantId: string, since: Date) {
  const { rows } = await sql<{
    owner_user_id: number | null;
    won_value_usd: string;
    won_count: string;
    first_name: string | null;
    last_name: string | null;
    email: string | null;
  }>`select d.owner_user_id, sum(d.value_usd)::text as won_value_usd, count(*)::text as won_count,
        u.first_name, u.last_name, u.email
      from crm_deals d
      join crm_stages s on s.id = d.stage_id and s.tenant_id = d.tenant_id and s.is_won
      left join users u on u.id = d.owner_user_id and u.tenant_id = d.tenant_id
      where d.tenant_id = ${tenantId} and d.stage_entered_at >= ${since}
      group by d.owner_user_id, u.first_name, u.last_name, u.email
      order by sum(d.value_usd) desc, count(*) desc, d.owner_user_id nulls last`.execute(db);
  return rows;
}

/** One page of the export, by (created_at, id) ascending: constant memory however many deals. */
export async function exportPage(db: Executor, tenantId: string, after: ColumnCursor | null, limit: number) {
  let q = db
    .selectFrom('crm_deals as d')
    .leftJoin('crm_stages as s', (j) => j.onRef('s.id', '=', 'd.stage_id').onRef('s.tenant_id', '=', 'd.tenant_id'))
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'd.owner_user_id').onRef('u.tenant_id', '=', 'd.tenant_id'))
    .selectAll('d')
    .select(['s.name as stage_name', 's.is_won', 's.is_lost', 'u.email as owner_email'])
    .where('d.tenant_id', '=', tenantId);
  if (after) q = q.where((eb) => eb(eb.refTuple('d.created_at', 'd.id'), '>', eb.tuple(new Date(after.createdAt), after.id)));
  return q.orderBy('d.created_at').orderBy('d.id').limit(limit).execute();
}

/** A deal contact with the person it is: the fields every contact answer shows. */
function contactsWithPerson(db: Executor, tenantId: string) {
  return db
    .selectFrom('crm_deal_contacts as c')
    .innerJoin('persons as p', (j) => j.onRef('p.id', '=', 'c.person_id').onRef('p.tenant_id', '=', 'c.tenant_id'))
    .select([
      'c.id',
      'c.deal_id',
      'c.person_id',
      'c.role',
      'c.created_at',
      'c.updated_at',
      'p.name',
      'p.primary_email',
      'p.contact_numbers',
      'p.job_title',
    ])
    .where('c.tenant_id', '=', tenantId);
}

export async function dealContacts(db: Executor, tenantId: string, dealId: string) {
  return contactsWithPerson(db, tenantId).where('c.deal_id', '=', dealId).orderBy('c.created_at').orderBy('c.id').execute();
}

export async function getContact(db: Executor, tenantId: string, contactId: string) {
  return contactsWithPerson(db, tenantId).where('c.id', '=', contactId).executeTakeFirst();
}

export type ContactRow = NonNullable<Awaited<ReturnType<typeof getContact>>>;

export async function dealActivities(db: Executor, tenantId: string, dealId: string, limit = 200) {
  return tenantRows(db, tenantId, 'crm_activities')
    .selectAll()
    .where('deal_id', '=', dealId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function dealTimeline(db: Executor, tenantId: string, dealId: string) {
  return tenantRows(db, tenantId, 'crm_deal_timeline').selectAll().where('deal_id', '=', dealId).orderBy('stream_version').execute();
}
