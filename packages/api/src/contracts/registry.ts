import { registry as domain } from '@crm/domain';
import { z } from 'zod';
import { byCanonical, EventKpis, identifier, listFilters, PlatformEventPage } from './platform-events.ts';
import { limitPage, storedJson, timestamps } from './answers.ts';
import { contract, email, page, pageSize, requiredText, text, timestamp, uuid } from './shared.ts';

// Document 001's entity registry. A canonical entity is a person (document 003's person) or an
// organization (the company that 003 and 002 show); links attach records of other apps or
// external systems, (app, entityType, entityId), to it: one canonical entity per reference.

const READ = { permission: 'registry.read' } as const;
const WRITE = { permission: 'registry.write' } as const;
const MERGE = { permission: 'registry.merge' } as const;

/** `company` is accepted as another name of `organization`; anything else is a 400 listing the classes. */
export const entityClassInput = z
  .enum([...domain.ENTITY_CLASSES, 'company'])
  .transform((c): domain.EntityClass => (c === 'company' ? 'organization' : c))
  .describe('person, organization (or company, the same)');
const entityClass = z.enum(domain.ENTITY_CLASSES);

export const entityIdInput = z
  .union([requiredText(200), z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER)])
  .transform(String)
  .describe('the record’s id in its app: text, or an integer (kept as its text)');

/** A reference to a record of another app. */
export const entityRef = {
  app: identifier(64).describe('the app or system holding the record, e.g. sales'),
  entityType: identifier(64).describe('what kind of record it is there, e.g. lead'),
  entityId: entityIdInput,
};

export const Link = z.object({
  id: uuid,
  canonicalId: uuid,
  entityClass,
  app: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  linkedVia: z.enum(domain.LINK_VIAS),
  linkedBy: z.number().int().nullable().describe('integer user id, null for API keys without a user'),
  linkedAt: timestamp,
});

/** What names a canonical entity, in its summary and in full. */
const canonicalName = { id: uuid, entityClass, name: z.string(), email: z.string().nullable() };

export const CanonicalSummary = z.object({ ...canonicalName, linkCount: z.number().int(), ...timestamps });

export const Canonical = z.object({
  ...canonicalName,
  status: z.enum(['active', 'merged']),
  mergedInto: uuid.nullable().describe('the survivor, once merged: this id keeps resolving'),
  ...timestamps,
  links: z.array(Link),
});

export const GenealogyEntry = z.object({
  at: timestamp,
  action: z.enum([
    'created',
    'registered',
    'linked',
    'unlinked',
    'merged_into',
    'absorbed',
    'merge_undone',
    'unmerged',
    'user_linked',
    'user_unlinked',
    'invited',
    'deleted',
  ]),
  origin: z.enum(['registry', 'people']).describe('the registry’s stream, or the person’s own history'),
  canonicalId: uuid,
  actor: z.object({ type: z.string(), id: z.union([z.string(), z.number(), z.null()]) }).nullable(),
  source: z.string().nullable().describe('rest, trpc, cli or system'),
  link: z.object({ id: uuid, app: z.string(), entityType: z.string(), entityId: z.string(), via: z.string().nullable() }).nullable(),
  otherCanonicalIds: z.array(uuid).describe('the other entities of a merge, or where a moved link came from or went'),
  mergeId: uuid.nullable().describe('the person merge an entry belongs to'),
  userId: z.number().int().nullable().describe('the platform user of a user link, unlink or invitation'),
});

export const Profile = z.object({
  entity: Canonical,
  record: z.object({
    name: z.string(),
    email: z.string().nullable(),
    emails: storedJson,
    phones: storedJson,
    jobTitle: z.string().nullable(),
    organizationId: uuid.nullable(),
    lifecycleStage: z.string().nullable(),
    ownerUserId: z.number().int().nullable(),
    website: z.string().nullable(),
    industry: z.string().nullable(),
    stage: z.string().nullable(),
  }),
  mergedIds: z.array(uuid).describe('entities merged into this one; their links and events are counted here'),
  apps: z.array(z.object({ app: z.string(), linkCount: z.number().int(), links: z.array(Link) })),
  linkCount: z.number().int(),
  events: EventKpis,
});

const newEntity = {
  name: text(200).optional(),
  email: email.optional(),
  entityClass: entityClassInput.default('person'),
};

export const registry = {
  search: contract('registry.search', {
    summary: 'Search live canonical entities by name or email (case-insensitive substring); exact email and name prefixes first.',
    access: READ,
    input: z.object({
      q: text(200).optional(),
      class: entityClassInput.optional(),
      limit: z.number().int().min(1).max(100).default(20),
    }),
    output: z.array(CanonicalSummary),
  }),
  list: contract('registry.list', {
    summary: 'Live canonical entities, oldest first, with paging and filters (class, app, q).',
    access: READ,
    input: z.object({
      page,
      limit: pageSize,
      class: entityClassInput.optional(),
      app: identifier(64).optional(),
      q: text(200).optional(),
    }),
    output: limitPage('entities', CanonicalSummary),
  }),
  byEntity: contract('registry.byEntity', {
    summary: 'Reverse lookup: the canonical entity a record of an app is linked to, with the link.',
    access: READ,
    input: z.object({ app: identifier(64), entityType: identifier(64), entityId: requiredText(200) }),
    output: Canonical.extend({ link: Link }),
  }),
  get: contract('registry.get', {
    summary: 'A canonical entity with all its links (a merged one too, with where it went).',
    access: READ,
    input: byCanonical,
    output: Canonical,
  }),
  genealogy: contract('registry.genealogy', {
    summary: 'Every step of the entity’s journey, oldest first: created, registered, linked, unlinked, merged; who and when.',
    access: READ,
    input: byCanonical,
    output: z.object({
      canonicalId: uuid,
      entityClass,
      status: z.enum(['active', 'merged']),
      mergedInto: uuid.nullable(),
      entries: z.array(GenealogyEntry),
    }),
  }),
  timeline: contract('registry.timeline', {
    summary: 'Platform events of the entity (and of entities merged into it), newest first, paged.',
    access: READ,
    input: byCanonical.extend(listFilters),
    output: PlatformEventPage,
  }),
  profile: contract('registry.profile', {
    summary: 'Aggregated profile: the record’s fields, links grouped by app, and a summary of its platform events.',
    access: READ,
    input: byCanonical,
    output: Profile,
  }),
  register: contract('registry.register', {
    summary:
      'Create a canonical entity (a person, or an organization) with its first link; 409 when the reference or (for a person) the email is taken.',
    access: WRITE,
    input: z.object({ ...newEntity, ...entityRef }).strict(),
    output: Canonical.extend({ link: Link }),
  }),
  link: contract('registry.link', {
    summary: 'Link a record of an app to an existing canonical entity; 409 when the reference is linked already.',
    access: WRITE,
    input: z.object({ canonicalId: uuid, ...entityRef }).strict(),
    output: Link,
  }),
  merge: contract('registry.merge', {
    summary: 'Merge two canonical entities of one class, loser into winner: the loser’s links move, its id resolves to the winner.',
    access: MERGE,
    input: z.object({ winnerId: uuid, loserId: uuid }).strict(),
    output: z.object({ winnerId: uuid, loserId: uuid, entityClass, movedLinkIds: z.array(uuid), winner: Canonical }),
  }),
  autoLink: contract('registry.autoLink', {
    summary:
      'Find the live canonical entity with this email (case-insensitive) and link the record to it, or create one; the same link again changes nothing.',
    access: WRITE,
    input: z.object({ ...newEntity, email, ...entityRef }).strict(),
    output: Canonical.extend({ link: Link, created: z.boolean(), alreadyLinked: z.boolean() }),
  }),
  unlink: contract('registry.unlink', {
    summary: 'Remove one link; answers the link as it was.',
    access: WRITE,
    input: z.object({ linkId: uuid }),
    output: Link,
  }),
};
