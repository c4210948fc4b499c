import { companies, people } from '@crm/domain';
import { type Person, persons as c } from '../contracts/people.ts';
import { mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// Document 003's persons: the same person aggregate deal contacts use.

const isStage = (s: string): s is Person['lifecycleStage'] => (people.LIFECYCLE_STAGES as readonly string[]).includes(s);

export const personDto = (p: people.PersonsTable, platform: number): Person => ({
  id: p.id,
  platform,
  name: p.name,
  ...(p.primary_email ? { primaryEmail: p.primary_email } : {}),
  emails: p.emails,
  contactNumbers: p.contact_numbers,
  jobTitle: p.job_title,
  organization: p.organization_id,
  owner: p.owner_user_id,
  platformUser: p.platform_user_id,
  lifecycleStage: isStage(p.lifecycle_stage) ? p.lifecycle_stage : 'lead',
  uniqueId: p.unique_id,
  active: p.active,
  metadata: p.metadata,
  createdAt: p.created_at.toISOString(),
  updatedAt: p.updated_at.toISOString(),
});

type Fields = {
  name?: string | undefined;
  primaryEmail?: string | undefined;
  emails?: unknown;
  contactNumbers?: unknown;
  jobTitle?: string | undefined;
  organization?: string | null | undefined;
  owner?: number | null | undefined;
  lifecycleStage?: string | undefined;
  uniqueId?: string | undefined;
  metadata?: unknown;
};

/** The contract's fields in the domain's columns; what the caller left out stays out. */
function values(i: Fields): Partial<people.PersonValues> {
  const v: Partial<people.PersonValues> = {};
  if (i.name !== undefined) v.name = i.name;
  if (i.primaryEmail !== undefined) v.primary_email = i.primaryEmail === '' ? null : i.primaryEmail;
  if (i.emails !== undefined) v.emails = i.emails;
  if (i.contactNumbers !== undefined) v.contact_numbers = i.contactNumbers;
  if (i.jobTitle !== undefined) v.job_title = i.jobTitle;
  if (i.organization !== undefined) v.organization_id = i.organization;
  if (i.owner !== undefined) v.owner_user_id = i.owner;
  if (i.lifecycleStage !== undefined) v.lifecycle_stage = i.lifecycleStage;
  if (i.uniqueId !== undefined) v.unique_id = i.uniqueId;
  if (i.metadata !== undefined) v.metadata = i.metadata;
  return v;
}

export const personsRouter = router({
  list: query(c.list, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const tenantId = ctx.principal.tenantId;
      const { rows, count } = await people.listPersons(
        tx,
        tenantId,
        {
          lifecycleStage: input.lifecycleStage,
          ownerUserId: input.owner,
          organizationId: input.organization,
          createdFrom: input.createdAtGte,
          createdTo: input.createdAtLte,
          metadataKey: input.metadataHasKey,
          name: input.name,
        },
        input.page,
        input.pageSize,
      );
      const platform = await companies.platformNumber(tx, tenantId);
      return { count, page: input.page, pageSize: input.pageSize, results: rows.map((r) => personDto(r, platform)) };
    }),
  ),

  get: query(c.get, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const row = await people.findPerson(tx, ctx.principal.tenantId, input.personId);
      if (!row) throw people.notFoundPerson(input.personId);
      return personDto(row, await companies.platformNumber(tx, ctx.principal.tenantId));
    }),
  ),

  create: mutation(c.create, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const row = await people.addPersonRecord(cmd, { ...values(input), name: input.name });
      return personDto(row, await companies.platformNumber(cmd.tx, cmd.tenantId));
    }),
  ),

  replace: mutation(c.replace, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const row = await people.changePersonRecord(cmd, input.personId, values(input), true);
      return personDto(row, await companies.platformNumber(cmd.tx, cmd.tenantId));
    }),
  ),

  update: mutation(c.update, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const row = await people.changePersonRecord(cmd, input.personId, values(input), false);
      return personDto(row, await companies.platformNumber(cmd.tx, cmd.tenantId));
    }),
  ),

  delete: mutation(c.delete, async ({ ctx, input }) => {
    await runCommand(ctx, (cmd) => people.deletePersonRecord(cmd, input.personId));
    return { deleted: true as const, id: input.personId };
  }),
});
