import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { checkOwner } from '../companies/commands.ts';
import { lockKey } from '../shared/command.ts';
import '../companies/tables.ts';
import type { CommandContext } from '../shared/command.ts';
import { DomainError } from '../shared/errors.ts';
import { addPerson, deletePerson, type PersonValues, replacement, revisePerson } from './decide.ts';
import { personStream } from './events.ts';
import { findPerson } from './queries.ts';
import { lockLivePerson } from './users-link.ts';
import type { PersonsTable } from './tables.ts';
import { tenantRows } from '../shared/rows.ts';

// Document 003's person commands: the same person aggregate deal contacts use.

const valuesOf = (p: PersonsTable): PersonValues => ({
  name: p.name,
  primary_email: p.primary_email,
  emails: p.emails,
  contact_numbers: p.contact_numbers,
  job_title: p.job_title,
  organization_id: p.organization_id,
  owner_user_id: p.owner_user_id,
  lifecycle_stage: p.lifecycle_stage,
  unique_id: p.unique_id,
  metadata: p.metadata,
});

/** What must hold beyond one person: an organization of this tenant, a free unique_id and email, a known owner. */
async function checkReferences(ctx: CommandContext, current: PersonValues | null, next: Partial<PersonValues>, self: string | null) {
  if (next.organization_id && next.organization_id !== current?.organization_id) {
    // A shared lock: the organization cannot be deleted under this write.
    const org = await tenantRows(ctx.tx, ctx.tenantId, 'companies')
      .select('id')
      .where('id', '=', next.organization_id)
      .forShare()
      .executeTakeFirst();
    if (!org) {
      throw new DomainError(
        'invalid',
        'organization_not_found',
        `organization ${next.organization_id} is not an organization of this platform`,
        {
          field: 'organization',
        },
      );
    }
  }
  if (next.unique_id && next.unique_id !== current?.unique_id) {
    await lockKey(ctx, 'person.unique_id', next.unique_id);
    const holder = await tenantRows(ctx.tx, ctx.tenantId, 'persons')
      .select('id')
      .where('unique_id', '=', next.unique_id)
      .executeTakeFirst();
    if (holder && holder.id !== self) {
      throw new DomainError('invalid', 'unique_id_taken', `another person already has unique_id ${JSON.stringify(next.unique_id)}`, {
        field: 'unique_id',
      });
    }
  }
  if (next.primary_email && next.primary_email.toLowerCase() !== current?.primary_email?.toLowerCase()) {
    await lockKey(ctx, 'person.email', next.primary_email.toLowerCase());
    const holder = await tenantRows(ctx.tx, ctx.tenantId, 'persons')
      .select('id')
      .where(sql<boolean>`lower(primary_email) = ${next.primary_email.toLowerCase()}`)
      .where('merged_into', 'is', null)
      .executeTakeFirst();
    if (holder && holder.id !== self) {
      throw new DomainError('invalid', 'email_taken', `another person already has ${next.primary_email}`, { field: 'primary_email' });
    }
  }
  if (next.owner_user_id !== undefined && next.owner_user_id !== current?.owner_user_id) await checkOwner(ctx, next.owner_user_id);
}

export async function addPersonRecord(ctx: CommandContext, v: Partial<PersonValues> & { name: string }): Promise<PersonsTable> {
  await checkReferences(ctx, null, v, null);
  const id = randomUUID();
  await ctx.store.append(ctx.tx, ctx.tenantId, personStream(id), 'no_stream', addPerson(id, v), ctx.metadata);
  return (await findPerson(ctx.tx, ctx.tenantId, id))!;
}

/** A merged-away person still reads, but is not written: 409 person_merged, pointing at the survivor. */
const lockPerson = lockLivePerson;

/** PATCH changes what is given; PUT (`replace`) also resets what it leaves out to the defaults. */
export async function changePersonRecord(
  ctx: CommandContext,
  personId: string,
  v: Partial<PersonValues>,
  replace: boolean,
): Promise<PersonsTable> {
  const row = await lockPerson(ctx, personId);
  const current = valuesOf(row);
  const next = replace && v.name !== undefined ? replacement({ ...v, name: v.name }) : v;
  await checkReferences(ctx, current, next, personId);
  const events = revisePerson(current, next);
  if (events.length > 0) await ctx.store.append(ctx.tx, ctx.tenantId, personStream(personId), Number(row.version), events, ctx.metadata);
  return (await findPerson(ctx.tx, ctx.tenantId, personId))!;
}

export async function deletePersonRecord(ctx: CommandContext, personId: string): Promise<void> {
  const row = await lockPerson(ctx, personId);
  await ctx.store.append(ctx.tx, ctx.tenantId, personStream(personId), Number(row.version), deletePerson(personId), ctx.metadata);
}
