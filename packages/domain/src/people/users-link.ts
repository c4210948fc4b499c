import { sql } from 'kysely';
import '../identity/tables.ts';
import { appendDecided, type CommandContext } from '../shared/command.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { personEvent, personStream } from './events.ts';
import { findPerson } from './queries.ts';
import type { PersonsTable } from './tables.ts';
import { tenantRows } from '../shared/rows.ts';

// A person bound to a platform user (document 003's `platform_user`): by link-user, or on its
// own when a user is created with the person's email.

/** The person a write is about, locked; a merged-away person is kept for reading only. */
export async function lockLivePerson(ctx: CommandContext, personId: string): Promise<PersonsTable> {
  const row = await tenantRows(ctx.tx, ctx.tenantId, 'persons').selectAll().where('id', '=', personId).forUpdate().executeTakeFirst();
  if (!row) throw notFound('person', personId);
  if (row.merged_into !== null) {
    throw new DomainError('conflict', 'person_merged', `person ${personId} was merged into ${row.merged_into}`, {
      merged_into: row.merged_into,
    });
  }
  return row;
}

export type LinkOutcome = 'linked' | 'unchanged' | 'refused';

/**
 * Document 003: linking to the user already bound is a no-op; to another user it is refused and
 * the binding stays (the unchanged person is answered, with the outcome saying so). The user must
 * be a live user of this tenant: another tenant's is not found, like an unknown one.
 */
export async function linkPersonToUser(
  ctx: CommandContext,
  personId: string,
  userId: number,
): Promise<{ person: PersonsTable; outcome: LinkOutcome }> {
  const row = await lockLivePerson(ctx, personId);
  const user = await tenantRows(ctx.tx, ctx.tenantId, 'users')
    .select('id')
    .where('id', '=', userId)
    .where('status', '<>', 'erased')
    .executeTakeFirst();
  if (!user) throw new DomainError('not_found', 'user_not_found', `user ${userId} is not a user of your platform`);
  if (row.platform_user_id === userId) return { person: row, outcome: 'unchanged' };
  if (row.platform_user_id !== null) return { person: row, outcome: 'refused' };
  await appendDecided(ctx, personStream(personId), row.version, [personEvent('PersonLinkedToUser', { user_id: userId, via: 'link_user' })]);
  return { person: (await findPerson(ctx.tx, ctx.tenantId, personId))!, outcome: 'linked' };
}

/** Removes the binding; a person bound to no one is refused (nothing to undo). */
export async function unlinkPersonFromUser(ctx: CommandContext, personId: string): Promise<PersonsTable> {
  const row = await lockLivePerson(ctx, personId);
  if (row.platform_user_id === null) throw new DomainError('conflict', 'not_linked', `person ${personId} is not linked to a user`);
  await appendDecided(ctx, personStream(personId), row.version, [personEvent('PersonUnlinkedFromUser', { user_id: row.platform_user_id })]);
  return (await findPerson(ctx.tx, ctx.tenantId, personId))!;
}

/**
 * A user was just created with this email: every person of the tenant with it (case-insensitive),
 * not merged away and bound to no one, is linked to the user, in the user's transaction.
 */
export async function linkPersonsToNewUser(ctx: CommandContext, userId: number, email: string): Promise<string[]> {
  const rows = await tenantRows(ctx.tx, ctx.tenantId, 'persons')
    .select(['id', 'version'])
    .where(sql<boolean>`lower(primary_email) = ${email.toLowerCase()}`)
    .where('merged_into', 'is', null)
    .where('platform_user_id', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  for (const r of rows) {
    await appendDecided(ctx, personStream(r.id), r.version, [personEvent('PersonLinkedToUser', { user_id: userId, via: 'user_created' })]);
  }
  return rows.map((r) => r.id);
}
