import { type identity, people } from '@crm/domain';
import type { z } from 'zod';
import { type Person, persons as c } from '../contracts/people.ts';
import { type AuthedContext, mutation, query, router } from '../trpc.ts';
import { mailInvitation } from './users.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';
import { platformPage, withPlatform } from './platform-records.ts';

// Document 003's persons: the same person aggregate deal contacts use.

const actorOf = (ctx: AuthedContext): identity.users.Actor => ({ userId: ctx.principal.userId, role: ctx.principal.role });

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
  ...(p.merged_into ? { mergedInto: p.merged_into } : {}),
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

/** The contract's list filters in the domain's terms. */
const filtersOf = (i: z.output<typeof c.list.input>) => ({
  lifecycleStage: i.lifecycleStage,
  ownerUserId: i.owner,
  organizationId: i.organization,
  createdFrom: i.createdAtGte,
  createdTo: i.createdAtLte,
  metadataKey: i.metadataHasKey,
  name: i.name,
});

/** A person with its tenant's platform number (document 003 shows it on every record). */
const shown = withPlatform(personDto);

export const personsRouter = router({
  list: query(c.list, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const tenantId = ctx.principal.tenantId;
      const found = await people.listPersons(tx, tenantId, filtersOf(input), input.page, input.pageSize);
      return platformPage(tx, tenantId, found, input, personDto);
    }),
  ),

  get: query(c.get, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const tenantId = ctx.principal.tenantId;
      // A merged-away person still resolves: inactive, pointing at the survivor, so old links work.
      const row = await people.resolvePerson(tx, tenantId, input.personId);
      if (!row) throw people.notFoundPerson(input.personId);
      return shown(tx, tenantId, row);
    }),
  ),

  create: mutation(c.create, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => shown(cmd.tx, cmd.tenantId, await people.addPersonRecord(cmd, { ...values(input), name: input.name }))),
  ),

  replace: mutation(c.replace, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => shown(cmd.tx, cmd.tenantId, await people.changePersonRecord(cmd, input.personId, values(input), true))),
  ),

  update: mutation(c.update, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => shown(cmd.tx, cmd.tenantId, await people.changePersonRecord(cmd, input.personId, values(input), false))),
  ),

  delete: mutation(c.delete, async ({ ctx, input }) => {
    await runCommand(ctx, (cmd) => people.deletePersonRecord(cmd, input.personId));
    return { deleted: true as const, id: input.personId };
  }),

  invite: mutation(c.invite, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const inv = await people.invitePerson(cmd, actorOf(ctx), input.personId, {
        isAdmin: input.isAdmin,
        isStaff: input.isStaff,
        redirectTo: input.redirectTo ? input.redirectTo : null,
        enrollmentConfig: input.enrollmentConfig ?? null,
      });
      // The users module's own invitation mail, in this transaction's outbox.
      await mailInvitation(cmd, inv.invitationId, inv.token);
      return {
        personId: inv.personId,
        invitationId: inv.invitationId,
        invitationEmail: inv.email,
        platformKey: inv.platformKey,
        // The invitee chooses a password through the link: nothing is accepted for them.
        autoAccept: false,
        active: true,
        redirectTo: inv.redirectTo,
        created: inv.createdAt.toISOString(),
      };
    }),
  ),

  linkUser: mutation(c.linkUser, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const { person, outcome } = await people.linkPersonToUser(cmd, input.personId, input.userId);
      return { person: await shown(cmd.tx, cmd.tenantId, person), outcome };
    }),
  ),

  unlinkUser: mutation(c.unlinkUser, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => shown(cmd.tx, cmd.tenantId, await people.unlinkPersonFromUser(cmd, input.personId))),
  ),

  merge: mutation(c.merge, ({ ctx, input }) =>
    runCommand(ctx, (cmd) =>
      people.mergePersons(cmd, { primaryId: input.primaryId, duplicateIds: input.duplicateIds, dryRun: input.dryRun }),
    ),
  ),

  undoMerge: mutation(c.undoMerge, ({ ctx, input }) => runCommand(ctx, (cmd) => people.undoMerge(cmd, input.mergeId))),

  merges: query(c.merges, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const tenantId = ctx.principal.tenantId;
      if (!(await people.resolvePerson(tx, tenantId, input.personId))) throw people.notFoundPerson(input.personId);
      const rows = await people.mergesOfPerson(tx, tenantId, input.personId);
      return {
        results: rows.map((m) => ({
          mergeId: m.id,
          primaryId: m.primary_id,
          duplicateIds: m.duplicate_ids,
          reparented: m.reparented as Record<string, number>,
          mergedBy: m.merged_by,
          mergedAt: m.merged_at.toISOString(),
          undoneBy: m.undone_by,
          undoneAt: m.undone_at?.toISOString() ?? null,
        })),
      };
    }),
  ),

  genealogy: query(c.genealogy, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const entries = await people.personGenealogy(tx, ctx.principal.tenantId, input.personId);
      if (entries.length === 0) throw people.notFoundPerson(input.personId);
      return { personId: input.personId, entries: entries.map((e) => ({ ...e, at: e.at.toISOString() })) };
    }),
  ),
});
