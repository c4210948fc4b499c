import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { clearOrganization } from '../people/decide.ts';
import { personStream } from '../people/events.ts';
import '../people/tables.ts';
import { appendDecided, type CommandContext, lockKey } from '../shared/command.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { tenantRows } from '../shared/rows.ts';
import { type CompanyValues, dropCompany, newCompany, replacementCompany, reviseCompany } from './decide.ts';
import { companyStream } from './events.ts';
import { getCompany } from './queries.ts';
import type { CompaniesTable } from './tables.ts';

/** An owner must be a user of this tenant. */
export async function checkOwner(ctx: CommandContext, ownerUserId: number | null | undefined): Promise<void> {
  if (ownerUserId === null || ownerUserId === undefined) return;
  const found = await tenantRows(ctx.tx, ctx.tenantId, 'users').select('id').where('id', '=', ownerUserId).executeTakeFirst();
  if (!found) throw new DomainError('invalid', 'owner_not_found', `user ${ownerUserId} is not a user of this tenant`, { field: 'owner' });
}

async function checkName(ctx: CommandContext, name: string, self: string | null): Promise<void> {
  await lockKey(ctx, 'company.name', name);
  const holder = await tenantRows(ctx.tx, ctx.tenantId, 'companies').select('id').where('name', '=', name).executeTakeFirst();
  if (holder && holder.id !== self) {
    throw new DomainError('invalid', 'name_taken', `an organization named ${JSON.stringify(name)} already exists`, {
      field: 'name',
      id: holder.id,
    });
  }
}

const values = (c: CompaniesTable): CompanyValues => ({
  name: c.name,
  address: c.address,
  owner_user_id: c.owner_user_id,
  metadata: c.metadata,
  website: c.website,
  industry: c.industry,
  company_size: c.company_size,
  annual_revenue: c.annual_revenue,
  stage: c.stage,
  phone: c.phone,
  billing_address: c.billing_address,
  tags: c.tags as string[],
  description: c.description,
});

async function lockCompany(ctx: CommandContext, companyId: string): Promise<CompaniesTable> {
  const row = await tenantRows(ctx.tx, ctx.tenantId, 'companies').selectAll().where('id', '=', companyId).forUpdate().executeTakeFirst();
  if (!row) throw notFound('organization', companyId);
  return row;
}

export async function createCompany(ctx: CommandContext, v: Partial<CompanyValues> & { name: string }): Promise<CompaniesTable> {
  await checkName(ctx, v.name, null);
  await checkOwner(ctx, v.owner_user_id);
  const id = randomUUID();
  await appendDecided(ctx, companyStream(id), 0, newCompany(id, v));
  return (await getCompany(ctx.tx, ctx.tenantId, id))!;
}

/** PATCH changes what is given; PUT (`replace`) also resets what is left out. */
export async function changeCompany(
  ctx: CommandContext,
  companyId: string,
  v: Partial<CompanyValues>,
  replace: boolean,
): Promise<CompaniesTable> {
  const row = await lockCompany(ctx, companyId);
  const next = replace && v.name !== undefined ? replacementCompany({ ...v, name: v.name }) : v;
  if (next.name !== undefined && next.name !== row.name) await checkName(ctx, next.name, companyId);
  if (next.owner_user_id !== row.owner_user_id) await checkOwner(ctx, next.owner_user_id);
  await appendDecided(ctx, companyStream(companyId), row.version, reviseCompany(values(row), next));
  return (await getCompany(ctx.tx, ctx.tenantId, companyId))!;
}

/**
 * Deletes a company. Its persons are kept and their reference is cleared first, each with an event
 * on the person's own stream, so every person's history says when and why it lost its organization.
 */
export async function removeCompany(ctx: CommandContext, companyId: string): Promise<void> {
  const row = await lockCompany(ctx, companyId);
  const persons = await tenantRows(ctx.tx, ctx.tenantId, 'persons')
    .select(['id', 'version', 'organization_id'])
    .where('organization_id', '=', companyId)
    .orderBy('id')
    .forUpdate()
    .execute();
  for (const p of persons) {
    await appendDecided(ctx, personStream(p.id), p.version, clearOrganization(p));
  }
  await appendDecided(ctx, companyStream(companyId), row.version, dropCompany(companyId));
}
