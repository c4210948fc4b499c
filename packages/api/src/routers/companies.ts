import { companies } from '@crm/domain';
import { type Organization, organizations as c } from '../contracts/companies.ts';
import { mutation, query, router } from '../trpc.ts';
import { givenAs } from './given.ts';
import { platformPage, withPlatform } from './platform-records.ts';
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

const values = (i: Fields): Partial<companies.CompanyValues> =>
  givenAs<companies.CompanyValues>()(i, { name: 'name', address: 'address', owner: 'owner_user_id', metadata: 'metadata' });

/** An organization with its tenant's platform number (document 003 shows it on every record). */
const shown = withPlatform(organizationDto);

export const organizationsRouter = router({
  list: query(c.list, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const tenantId = ctx.principal.tenantId;
      const filters = { name: input.name, ownerUserId: input.owner };
      const found = await companies.listCompanies(tx, tenantId, filters, input.page, input.pageSize);
      return platformPage(tx, tenantId, found, input, organizationDto);
    }),
  ),

  get: query(c.get, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const row = await companies.getCompany(tx, ctx.principal.tenantId, input.organizationId);
      if (!row) throw companies.notFoundOrganization(input.organizationId);
      return shown(tx, ctx.principal.tenantId, row);
    }),
  ),

  create: mutation(c.create, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => shown(cmd.tx, cmd.tenantId, await companies.createCompany(cmd, { ...values(input), name: input.name }))),
  ),

  /** PUT: what is left out is reset; PATCH: what is left out is kept. */
  replace: mutation(c.replace, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) =>
      shown(cmd.tx, cmd.tenantId, await companies.changeCompany(cmd, input.organizationId, values(input), true)),
    ),
  ),
  update: mutation(c.update, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) =>
      shown(cmd.tx, cmd.tenantId, await companies.changeCompany(cmd, input.organizationId, values(input), false)),
    ),
  ),

  delete: mutation(c.delete, async ({ ctx, input }) => {
    await runCommand(ctx, (cmd) => companies.removeCompany(cmd, input.organizationId));
    return { deleted: true as const, id: input.organizationId };
  }),
});
