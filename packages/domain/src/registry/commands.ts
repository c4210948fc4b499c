import { randomUUID } from 'node:crypto';
import { createCompany } from '../companies/commands.ts';
import { lockKey } from '../shared/command.ts';
import { addPersonRecord } from '../people/directory.ts';
import { mergePersons } from '../people/merge.ts';
import type { CommandContext } from '../shared/command.ts';
import { DomainError } from '../shared/errors.ts';
import { type EntityRef, linkEntity, mergeCanonicals, refuseHeld, registerCanonical, unlinkEntity } from './decide.ts';
import { type EntityClass, type RegistryEvent, registryStream } from './events.ts';
import {
  type CanonicalRecord,
  canonicalState,
  findCanonical,
  findCanonicalByEmail,
  findLink,
  findLinkByRef,
  refHolder,
} from './queries.ts';
import type { RegistryLinksTable } from './tables.ts';

// The registry's commands: load what decide needs, decide, append. A reference (app, type, id) is
// claimed under a transaction-scoped lock, so two writers linking it at once queue and the second
// sees the first's link (a 409) instead of a unique violation.

export const canonicalNotFound = (id: string) => new DomainError('not_found', 'canonical_not_found', `canonical entity ${id} not found`);

async function loadCanonical(ctx: CommandContext, id: string): Promise<CanonicalRecord> {
  const c = await findCanonical(ctx.tx, ctx.tenantId, id);
  if (!c) throw canonicalNotFound(id);
  return c;
}

const lockRef = (ctx: CommandContext, ref: EntityRef) =>
  lockKey(ctx, 'registry.ref', `${ref.app}\u0001${ref.entityType}\u0001${ref.entityId}`);
const lockCanonical = (ctx: CommandContext, id: string) => lockKey(ctx, 'registry.canonical', id);

async function appendTo(ctx: CommandContext, c: Pick<CanonicalRecord, 'id' | 'registryVersion'>, events: RegistryEvent[]) {
  if (events.length === 0) return;
  const expected = c.registryVersion === 0 ? 'no_stream' : c.registryVersion;
  await ctx.store.append(ctx.tx, ctx.tenantId, registryStream(c.id), expected, events, ctx.metadata);
}

export interface NewCanonical {
  entityClass: EntityClass;
  name?: string | undefined;
  email?: string | undefined;
}

/** The person or company behind a new canonical entity, created through its own module. */
async function createRecord(ctx: CommandContext, v: NewCanonical): Promise<string> {
  if (v.entityClass === 'person') {
    if (v.email) {
      const holder = await findCanonicalByEmail(ctx.tx, ctx.tenantId, 'person', v.email);
      if (holder) {
        throw new DomainError(
          'conflict',
          'canonical_email_taken',
          `canonical entity ${holder} already has ${v.email}; link to it instead`,
          {
            canonicalId: holder,
          },
        );
      }
    }
    const name = v.name || v.email;
    if (!name) throw new DomainError('invalid', 'name_or_email_required', 'a person needs a name or an email');
    return (await addPersonRecord(ctx, { name, primary_email: v.email ?? null })).id;
  }
  if (!v.name) throw new DomainError('invalid', 'name_required', 'an organization needs a name');
  return (await createCompany(ctx, { name: v.name, metadata: v.email ? { email: v.email } : {} })).id;
}

async function register(ctx: CommandContext, v: NewCanonical, ref: EntityRef, via: 'register' | 'auto_link'): Promise<RegistryLinksTable> {
  await lockRef(ctx, ref);
  // Before the person or company is created: a held reference refuses the whole registration.
  refuseHeld(ref, await refHolder(ctx.tx, ctx.tenantId, ref));
  const linkId = randomUUID();
  const canonicalId = await createRecord(ctx, v);
  await appendTo(
    ctx,
    { id: canonicalId, registryVersion: 0 },
    registerCanonical({ canonicalId, entityClass: v.entityClass, via, linkId, ref }, null),
  );
  return (await findLink(ctx.tx, ctx.tenantId, linkId))!;
}

/** A new canonical entity (its person or company is created too) with its first link. */
export async function registerEntity(ctx: CommandContext, v: NewCanonical, ref: EntityRef): Promise<RegistryLinksTable> {
  return register(ctx, v, ref, 'register');
}

/** Attaches a reference to an existing, live canonical entity. */
export async function linkToCanonical(ctx: CommandContext, canonicalId: string, ref: EntityRef): Promise<RegistryLinksTable> {
  await lockRef(ctx, ref);
  await lockCanonical(ctx, canonicalId);
  const c = await loadCanonical(ctx, canonicalId);
  const linkId = randomUUID();
  const events = linkEntity(
    await canonicalState(ctx.tx, ctx.tenantId, c),
    { linkId, ref, via: 'link' },
    await refHolder(ctx.tx, ctx.tenantId, ref),
  );
  await appendTo(ctx, c, events);
  return (await findLink(ctx.tx, ctx.tenantId, linkId))!;
}

export interface AutoLinkResult {
  link: RegistryLinksTable;
  /** A canonical entity was created: none had this email. */
  created: boolean;
  /** The reference was already linked to the entity found: nothing was written. */
  alreadyLinked: boolean;
}

/**
 * Finds the live canonical entity of the class with this email (case-insensitively) and links the
 * reference to it, or creates one with this email and links it. The same reference sent again for
 * the same entity is answered with its link and writes nothing; held by another entity, it is a 409.
 */
export async function autoLink(ctx: CommandContext, v: NewCanonical & { email: string }, ref: EntityRef): Promise<AutoLinkResult> {
  await lockKey(ctx, 'registry.email', `${v.entityClass}:${v.email.toLowerCase()}`);
  const found = await findCanonicalByEmail(ctx.tx, ctx.tenantId, v.entityClass, v.email);
  if (!found) return { link: await register(ctx, v, ref, 'auto_link'), created: true, alreadyLinked: false };
  await lockRef(ctx, ref);
  await lockCanonical(ctx, found);
  const existing = await findLinkByRef(ctx.tx, ctx.tenantId, ref);
  if (existing && existing.canonical_id === found) return { link: existing, created: false, alreadyLinked: true };
  const c = await loadCanonical(ctx, found);
  const linkId = randomUUID();
  const holder = existing ? { canonicalId: existing.canonical_id, linkId: existing.id } : null;
  await appendTo(ctx, c, linkEntity(await canonicalState(ctx.tx, ctx.tenantId, c), { linkId, ref, via: 'auto_link' }, holder));
  return { link: (await findLink(ctx.tx, ctx.tenantId, linkId))!, created: false, alreadyLinked: false };
}

/** Removes one link; answers the link as it was. */
export async function removeLink(ctx: CommandContext, linkId: string): Promise<RegistryLinksTable> {
  const link = await findLink(ctx.tx, ctx.tenantId, linkId);
  if (!link) throw new DomainError('not_found', 'link_not_found', `link ${linkId} not found`);
  await lockCanonical(ctx, link.canonical_id);
  const c = await loadCanonical(ctx, link.canonical_id);
  await appendTo(ctx, c, unlinkEntity(await canonicalState(ctx.tx, ctx.tenantId, c), linkId));
  return link;
}

/**
 * What a merge does beyond the registry: two persons are merged by the people module (deals,
 * activities and deal-contact links re-parented, the loser inactive and pointing at the winner,
 * undoable there); a company has no such merge, so the registry's own read model marks it merged.
 */
async function mergeRecords(ctx: CommandContext, winner: CanonicalRecord, loser: CanonicalRecord): Promise<void> {
  if (winner.entityClass === 'person') await mergePersons(ctx, { primaryId: winner.id, duplicateIds: [loser.id] });
}

export interface MergeResult {
  winnerId: string;
  loserId: string;
  entityClass: EntityClass;
  movedLinkIds: string[];
}

/** Loser into winner: the loser's links move to the winner and the loser's id resolves to it from now on. */
export async function mergeEntities(ctx: CommandContext, winnerId: string, loserId: string): Promise<MergeResult> {
  // Both locks, in one order whoever asks, so two opposite merges queue instead of deadlocking.
  for (const id of [winnerId, loserId].sort()) await lockCanonical(ctx, id);
  const winner = await loadCanonical(ctx, winnerId);
  const loser = await loadCanonical(ctx, loserId);
  const decided = mergeCanonicals(await canonicalState(ctx.tx, ctx.tenantId, winner), await canonicalState(ctx.tx, ctx.tenantId, loser));
  await mergeRecords(ctx, winner, loser);
  await appendTo(ctx, loser, decided.loser);
  await appendTo(ctx, winner, decided.winner);
  const moved = decided.winner.flatMap((e) => (e.type === 'EntityLinked' ? [e.data.link_id] : []));
  return { winnerId, loserId, entityClass: winner.entityClass, movedLinkIds: moved };
}
