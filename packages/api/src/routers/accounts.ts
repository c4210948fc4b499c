import { companies, notFound } from '@crm/domain';
import { type Account, type AccountContact, type AccountSummary, ACCOUNT_STAGES, accounts as c } from '../contracts/companies.ts';
import { mutation, query, router } from '../trpc.ts';
import { givenAs } from './given.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// Companies, as document 002's accounts: the same aggregate as document 003's organizations.

/** `acc_` and the uuid's 32 hex digits. */
export const toAccountId = (uuid: string) => `acc_${uuid.replaceAll('-', '')}`;
export const toContactId = (uuid: string) => `cnt_${uuid.replaceAll('-', '')}`;

/** The company uuid an account id names, or a 404 for any id that is not of that shape. */
export function fromAccountId(id: string): string {
  const m = /^acc_([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/i.exec(id);
  if (!m) throw notFound('account', id);
  return m.slice(1).join('-').toLowerCase();
}

type Row = companies.CompaniesTable;
type Stage = (typeof ACCOUNT_STAGES)[number];
const stageOf = (s: string): Stage => ((ACCOUNT_STAGES as readonly string[]).includes(s) ? (s as Stage) : 'prospect');

function summary(r: Row, n: companies.AccountCounts | undefined): AccountSummary {
  return {
    id: toAccountId(r.id),
    name: r.name,
    website: r.website,
    industry: r.industry,
    companySize: r.company_size,
    stage: stageOf(r.stage),
    assignedTo: r.owner_user_id,
    contactCount: n?.contactCount ?? 0,
    openOpportunityCount: n?.openOpportunityCount ?? 0,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

async function accountDto(tx: Parameters<typeof companies.getCompany>[0], tenantId: string, r: Row): Promise<Account> {
  const counts = await companies.accountCounts(tx, tenantId, [r]);
  const names = await companies.userNames(tx, tenantId, r.owner_user_id === null ? [] : [r.owner_user_id]);
  return {
    ...summary(r, counts.get(r.id)),
    annualRevenue: r.annual_revenue === null ? null : Number(r.annual_revenue),
    phone: r.phone,
    billingAddress: (r.billing_address ?? null) as Account['billingAddress'],
    assignedToName: r.owner_user_id === null ? null : (names.get(r.owner_user_id) ?? null),
    tags: Array.isArray(r.tags) ? (r.tags as string[]) : [],
    description: r.description,
    openCaseCount: 0,
  };
}

type Fields = {
  name?: string | undefined;
  website?: string | null | undefined;
  industry?: string | null | undefined;
  companySize?: string | null | undefined;
  annualRevenue?: number | null | undefined;
  stage?: Stage | undefined;
  phone?: string | null | undefined;
  billingAddress?: unknown;
  assignedTo?: number | null | undefined;
  tags?: string[] | undefined;
  description?: string | null | undefined;
};

const values = (i: Fields): Partial<companies.CompanyValues> =>
  givenAs<companies.CompanyValues>()(i, {
    name: 'name',
    website: 'website',
    industry: 'industry',
    companySize: 'company_size',
    annualRevenue: 'annual_revenue',
    stage: 'stage',
    phone: 'phone',
    billingAddress: 'billing_address',
    assignedTo: 'owner_user_id',
    tags: 'tags',
    description: 'description',
  });

/** A person's one name, split at its first space (document 002 shows first and last name). */
function contactDto(p: {
  id: string;
  name: string;
  primary_email: string | null;
  job_title: string;
  lifecycle_stage: string;
}): AccountContact {
  const name = p.name.trim();
  const at = name.indexOf(' ');
  return {
    id: toContactId(p.id),
    firstName: at < 0 ? name : name.slice(0, at),
    lastName: at < 0 ? '' : name.slice(at + 1).trim(),
    email: p.primary_email,
    title: p.job_title,
    stage: p.lifecycle_stage,
  };
}

async function mustGet(tx: Parameters<typeof companies.getCompany>[0], tenantId: string, accountId: string): Promise<Row> {
  const row = await companies.getCompany(tx, tenantId, fromAccountId(accountId));
  if (!row) throw notFound('account', accountId);
  return row;
}

export const accountsRouter = router({
  list: query(c.list, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const tenantId = ctx.principal.tenantId;
      const { rows, count } = await companies.listAccounts(
        tx,
        tenantId,
        { stage: input.stage, industry: input.industry, ownerUserId: input.assignedTo, search: input.search },
        input.page,
        input.limit,
      );
      const counts = await companies.accountCounts(tx, tenantId, rows);
      return { count, page: input.page, limit: input.limit, results: rows.map((r) => summary(r, counts.get(r.id))) };
    }),
  ),

  get: query(c.get, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => accountDto(tx, ctx.principal.tenantId, await mustGet(tx, ctx.principal.tenantId, input.accountId))),
  ),

  create: mutation(c.create, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const v = values(input);
      const row = await companies.createCompany(cmd, { stage: 'prospect', tags: [], ...v, name: input.name });
      return accountDto(cmd.tx, cmd.tenantId, row);
    }),
  ),

  update: mutation(c.update, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const current = await mustGet(cmd.tx, cmd.tenantId, input.accountId);
      const row = await companies.changeCompany(cmd, current.id, values(input), false);
      return accountDto(cmd.tx, cmd.tenantId, row);
    }),
  ),

  delete: mutation(c.delete, async ({ ctx, input }) => {
    await runCommand(ctx, async (cmd) => {
      const current = await mustGet(cmd.tx, cmd.tenantId, input.accountId);
      await companies.removeCompany(cmd, current.id);
    });
    return { deleted: true as const, id: input.accountId };
  }),

  contacts: query(c.contacts, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const row = await mustGet(tx, ctx.principal.tenantId, input.accountId);
      const persons = await companies.companyPersons(tx, ctx.principal.tenantId, row.id);
      return { count: persons.length, results: persons.map(contactDto) };
    }),
  ),
});
