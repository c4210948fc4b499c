import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { CommandContext } from '../shared/command.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { personEvent, type PersonUpdated, personStream } from './events.ts';
import type { PersonsTable } from './tables.ts';
import { tenantRows } from '../shared/rows.ts';

export interface PersonFields {
  name?: string | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  title?: string | undefined;
}

export async function findPersonByEmail(ctx: CommandContext, email: string): Promise<PersonsTable | undefined> {
  return tenantRows(ctx.tx, ctx.tenantId, 'persons')
    .selectAll()
    .where(sql<boolean>`lower(primary_email) = ${email.toLowerCase()}`)
    .where('merged_into', 'is', null)
    .executeTakeFirst();
}

export async function getPerson(ctx: CommandContext, personId: string): Promise<PersonsTable | undefined> {
  return ctx.tx.selectFrom('persons').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', personId).executeTakeFirst();
}

/**
 * The person a contact refers to: the one with this email if the tenant has one (so there is no
 * twin to merge later), otherwise a new person.
 */
export async function findOrCreatePerson(ctx: CommandContext, fields: PersonFields): Promise<{ person: PersonsTable; created: boolean }> {
  if (fields.email) {
    const existing = await findPersonByEmail(ctx, fields.email);
    if (existing) return { person: existing, created: false };
  }
  const name = fields.name?.trim() || fields.email;
  if (!name) throw new DomainError('invalid', 'validation_error', 'a contact needs a name or an email');
  const personId = randomUUID();
  await ctx.store.append(
    ctx.tx,
    ctx.tenantId,
    personStream(personId),
    'no_stream',
    [
      personEvent('PersonCreated', {
        person_id: personId,
        name,
        primary_email: fields.email ?? null,
        contact_numbers: fields.phone ? [fields.phone] : [],
        job_title: fields.title ?? '',
        owner_user_id: ctx.userId,
      }),
    ],
    ctx.metadata,
  );
  return { person: (await getPerson(ctx, personId))!, created: true };
}

const UPDATABLE = ['name', 'primary_email', 'contact_numbers', 'job_title'] as const;

/** Changes a person's own fields; an email another person holds is a conflict, not a silent merge. */
export async function updatePerson(ctx: CommandContext, personId: string, fields: PersonFields): Promise<void> {
  const person = await getPerson(ctx, personId);
  if (!person) throw notFound('person', personId);
  const next: Partial<Pick<PersonsTable, (typeof UPDATABLE)[number]>> = {};
  if (fields.name !== undefined) next.name = fields.name;
  if (fields.email !== undefined) next.primary_email = fields.email;
  if (fields.phone !== undefined) next.contact_numbers = fields.phone ? [fields.phone] : [];
  if (fields.title !== undefined) next.job_title = fields.title;
  const changes: PersonUpdated['changes'] = {};
  for (const k of UPDATABLE) {
    if (!Object.hasOwn(next, k)) continue;
    const [from, to] = [person[k], next[k]];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[k] = { from, to };
  }
  if (Object.keys(changes).length === 0) return;
  if (typeof next.primary_email === 'string' && 'primary_email' in changes) {
    const holder = await findPersonByEmail(ctx, next.primary_email);
    if (holder && holder.id !== personId) {
      throw new DomainError('conflict', 'email_taken', `another person (${holder.id}) already has ${next.primary_email}`, {
        person_id: holder.id,
      });
    }
  }
  await ctx.store.append(
    ctx.tx,
    ctx.tenantId,
    personStream(personId),
    Number(person.version),
    [personEvent('PersonUpdated', { changes })],
    ctx.metadata,
  );
}
