import { companies } from '@crm/domain';
import { type Organization, organizations as c } from '../contracts/companies.ts';
import { mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// Companies, as document 003's organizations.

export const organizationDto = (o: companies.CompaniesTable, platform: number): Organization => ({
  id: o.id,
  platform,
  name: o.name,
  address: o.address,
  owner: o.owner_user_id,
  metadata: o.metadata,
  createdAt: o.created_at.toISOString(),
  updatedAt: o.updated_at.toISOString(),
});

type Fields = { name?: string | undefined; address?: unknown; owner?: number | null | undefined; metadata?: unknown };

function values(i: Fields): Partial<companies.CompanyValues> {
  const v: Partial<companies.CompanyValues> = {};
  if (i.name !== undefined) v.name = i.name;
  if (i.address !== undefined) v.address = i.address;
  if (i.owner !== undefined) v.owner_user_id = i.owner;
  if (i.metadata !== undefined) v.metadata = i.metadata;
  return v;
}

export const organizationsRouter = router({
  list: query(c.list, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const tenantId = ctx.principal.tenantId;
      const { rows, count } = await companies.listCompanies(
        tx,
        tenantId,
        { name: input.name, ownerUserId: input.owner },
        input.page,
        input.pageSize,
      );
      const platform = await companies.platformNumber(tx, tenantId);
      return { count, page: input.page, pageSize: input.pageSize, results: rows.map((r) => organizationDto(r, platform)) };
    }),
  ),

  get: query(c.get, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const row = await companies.getCompany(tx, ctx.principal.tenantId, input.organizationId);
      if (!row) throw companies.notFoundOrganization(input.organizationId);
      return organizationDto(row, await companies.platformNumber(tx, ctx.principal.tenantId));
    }),
  ),

  create: mutation(c.create, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const row = await companies.createCompany(cmd, { ...values(input), name: input.name });
      return organizationDto(row, await companies.platformNumber(cmd.tx, cmd.tenantId));
    }),
  ),

  replace: mutation(c.replace, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const row = await companies.changeCompany(cmd, input.organizationId, values(input), true);
      return organizationDto(row, await companies.platformNumber(cmd.tx, cmd.tenantId));
    }),
  ),

  update: mutation(c.update, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const row = await companies.changeCompany(cmd, input.organizationId, values(input), false);
      return organizationDto(row, await companies.platformNumber(cmd.tx, cmd.tenantId));
    }),
  ),

  delete: mutation(c.delete, async ({ ctx, input }) => {
    await runCommand(ctx, (cmd) => companies.removeCompany(cmd, input.organizationId));
    return { deleted: true as const, id: input.organizationId };
  }),
});
