import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';

// The entity registry (document 001): one stream per canonical entity, `registry/<canonical id>`,
// where the canonical entity is a person (`person/<id>`) or a company (`company/<id>`). The
// stream holds what the registry did to it: links to records of other apps attached and removed,
// merges. Names and emails are not here: they live in the person's or company's own events, so
// erasing a person's personal data never has to touch the registry's history.

export const ENTITY_CLASSES = ['person', 'organization'] as const;
export type EntityClass = (typeof ENTITY_CLASSES)[number];
const entityClass = z.enum(ENTITY_CLASSES);

/** How a link came to be: by register, a manual link, an auto-link by email, or moved by a merge. */
export const LINK_VIAS = ['register', 'link', 'auto_link', 'merge'] as const;
export type LinkVia = (typeof LINK_VIAS)[number];

/** The registry created the canonical entity (register, or an auto-link that found none). */
export const CanonicalRegistered = z.object({
  canonical_id: z.string().uuid(),
  entity_class: entityClass,
  via: z.enum(['register', 'auto_link']),
});
/** A record of another app (app, entity type, entity id) is attached to the canonical entity. */
export const EntityLinked = z.object({
  link_id: z.string().uuid(),
  canonical_id: z.string().uuid(),
  entity_class: entityClass,
  app: z.string(),
  entity_type: z.string(),
  entity_id: z.string(),
  via: z.enum(LINK_VIAS),
  /** For a link moved by a merge: the canonical entity it came from. */
  from_canonical_id: z.string().uuid().nullable(),
});
/** The link is removed: by request, or moved away by a merge (`moved_to`). */
export const EntityUnlinked = z.object({
  link_id: z.string().uuid(),
  app: z.string(),
  entity_type: z.string(),
  entity_id: z.string(),
  moved_to: z.string().uuid().nullable(),
});
/** On the loser's stream: it was merged into the winner; its id keeps resolving to it. */
export const CanonicalMerged = z.object({
  canonical_id: z.string().uuid(),
  entity_class: entityClass,
  winner_id: z.string().uuid(),
  moved_link_ids: z.array(z.string().uuid()),
});
/** On the winner's stream: it absorbed the loser (and the links listed). */
export const CanonicalAbsorbed = z.object({
  canonical_id: z.string().uuid(),
  entity_class: entityClass,
  loser_id: z.string().uuid(),
  moved_link_ids: z.array(z.string().uuid()),
});

export type EntityLinked = z.infer<typeof EntityLinked>;

export const {
  schemas: registryEventSchemas,
  types: RegistryEvent,
  event: registryEvent,
  is: isRegistryEvent,
} = defineEvents({ CanonicalRegistered, EntityLinked, EntityUnlinked, CanonicalMerged, CanonicalAbsorbed });

export type RegistryEvent = NewEventOf<typeof registryEventSchemas>;
export type StoredRegistryEvent = StoredEventOf<typeof registryEventSchemas>;

export const registryStream = (canonicalId: string) => ({ type: 'registry', id: canonicalId });
