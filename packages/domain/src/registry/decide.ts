import { DomainError } from '../shared/errors.ts';
import { type EntityClass, type LinkVia, type RegistryEvent, registryEvent } from './events.ts';

// The registry's decisions, pure: a canonical entity as the registry knows it and what the caller
// asks for, to the events that record it (or a refusal). Whatever needs the database (does the
// person exist, who holds a reference) is looked up by the commands first and passed in.

/** A record of another app: which app, what kind of record there, and its id there. */
export interface EntityRef {
  app: string;
  entityType: string;
  entityId: string;
}

export interface LinkState extends EntityRef {
  id: string;
}

export interface CanonicalState {
  id: string;
  entityClass: EntityClass;
  /** The canonical entity it was merged into, or null while it is live. */
  mergedInto: string | null;
  links: LinkState[];
}

/** Who holds a reference now, if anyone. */
export interface RefHolder {
  canonicalId: string;
  linkId: string;
}

const refText = (r: EntityRef) => `${r.app}/${r.entityType}/${r.entityId}`;

/** A reference names one canonical entity per tenant: held by any (this one included), it is a conflict naming the holder. */
export function refuseHeld(ref: EntityRef, holder: RefHolder | null): void {
  if (!holder) return;
  throw new DomainError(
    'conflict',
    'entity_already_linked',
    `${refText(ref)} is already linked to canonical entity ${holder.canonicalId}`,
    {
      canonicalId: holder.canonicalId,
      linkId: holder.linkId,
    },
  );
}

function refuseMerged(state: CanonicalState): void {
  if (state.mergedInto !== null) {
    throw new DomainError('conflict', 'canonical_merged', `canonical entity ${state.id} was merged into ${state.mergedInto}`, {
      canonicalId: state.id,
      mergedInto: state.mergedInto,
    });
  }
}

function linked(state: Pick<CanonicalState, 'id' | 'entityClass'>, linkId: string, ref: EntityRef, via: LinkVia, from: string | null) {
  return registryEvent('EntityLinked', {
    link_id: linkId,
    canonical_id: state.id,
    entity_class: state.entityClass,
    app: ref.app,
    entity_type: ref.entityType,
    entity_id: ref.entityId,
    via,
    from_canonical_id: from,
  });
}

/** A canonical entity the registry has just created (its person or company is created alongside), with its first link. */
export function registerCanonical(
  input: { canonicalId: string; entityClass: EntityClass; via: 'register' | 'auto_link'; linkId: string; ref: EntityRef },
  holder: RefHolder | null,
): RegistryEvent[] {
  refuseHeld(input.ref, holder);
  const state = { id: input.canonicalId, entityClass: input.entityClass };
  return [
    registryEvent('CanonicalRegistered', { canonical_id: input.canonicalId, entity_class: input.entityClass, via: input.via }),
    linked(state, input.linkId, input.ref, input.via, null),
  ];
}

/**
 * Attaches a reference to a live canonical entity. A reference names one canonical entity per
 * tenant: held by any entity (this one included), it is a conflict that names the holder.
 */
export function linkEntity(
  state: CanonicalState,
  input: { linkId: string; ref: EntityRef; via: 'link' | 'auto_link' },
  holder: RefHolder | null,
): RegistryEvent[] {
  refuseMerged(state);
  refuseHeld(input.ref, holder);
  return [linked(state, input.linkId, input.ref, input.via, null)];
}

/** Removes one link of this entity. */
export function unlinkEntity(state: CanonicalState, linkId: string): RegistryEvent[] {
  const link = state.links.find((l) => l.id === linkId);
  if (!link) throw new DomainError('not_found', 'link_not_found', `link ${linkId} not found`);
  return [
    registryEvent('EntityUnlinked', {
      link_id: link.id,
      app: link.app,
      entity_type: link.entityType,
      entity_id: link.entityId,
      moved_to: null,
    }),
  ];
}

/**
 * Loser into winner, both live and of one class: the loser's links move to the winner (same link
 * ids, so a client holding one still finds it), the loser records where it went, the winner what
 * it absorbed. Events for two streams: the loser's first (its links leave before they arrive).
 */
export function mergeCanonicals(winner: CanonicalState, loser: CanonicalState): { loser: RegistryEvent[]; winner: RegistryEvent[] } {
  if (winner.id === loser.id) throw new DomainError('invalid', 'merge_same_entity', 'the winner and the loser are the same entity');
  if (winner.entityClass !== loser.entityClass) {
    throw new DomainError('invalid', 'entity_class_mismatch', `cannot merge a ${loser.entityClass} into a ${winner.entityClass}`, {
      winnerClass: winner.entityClass,
      loserClass: loser.entityClass,
    });
  }
  refuseMerged(winner);
  refuseMerged(loser);
  const moved = loser.links.map((l) => l.id);
  return {
    loser: [
      ...loser.links.map((l) =>
        registryEvent('EntityUnlinked', {
          link_id: l.id,
          app: l.app,
          entity_type: l.entityType,
          entity_id: l.entityId,
          moved_to: winner.id,
        }),
      ),
      registryEvent('CanonicalMerged', {
        canonical_id: loser.id,
        entity_class: loser.entityClass,
        winner_id: winner.id,
        moved_link_ids: moved,
      }),
    ],
    winner: [
      ...loser.links.map((l) => linked(winner, l.id, l, 'merge', loser.id)),
      registryEvent('CanonicalAbsorbed', {
        canonical_id: winner.id,
        entity_class: winner.entityClass,
        loser_id: loser.id,
        moved_link_ids: moved,
      }),
    ],
  };
}
