import { people } from '@crm/domain';
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { deleted, storedJson, timestamps } from './answers.ts';
import {
  contract,
  email,
  isoDateTime,
  isStorableText,
  replaceAndUpdate,
  requiredText,
  resourceAccess,
  resultsPage,
  text,
  timestamp,
  userId,
  uuid,
} from './shared.ts';

// Persons (document 003) in the domain's vocabulary, camelCase; the field names follow the
// document's (organization, owner, platformUser) so its snake_case face is derived key by key.

/** Free-form JSON as a client sends it: plain JSON values only, every text in it storable. */
function storableJson(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (v === null || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'string') return isStorableText(v);
  if (Array.isArray(v)) return v.every((x) => storableJson(x, depth + 1));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.entries(v).every(([k, x]) => isStorableText(k) && storableJson(x, depth + 1));
  }
  return false;
}
/**
 * Any JSON value but null (a recursive JSON schema would not embed in the OpenAPI document, so
 * the shape is checked here). Text in it refuses NUL bytes and lone surrogates, as every text does.
 */
export const jsonValue = z
  .unknown()
  .refine((v) => v !== null && v !== undefined, 'may not be null')
  .refine((v) => storableJson(v), 'must be JSON whose text has no NUL bytes or unpaired surrogates')
  .describe('free-form JSON');

export const LifecycleStage = z.enum(people.LIFECYCLE_STAGES);

const { read, list, write, delete: remove } = resourceAccess('Ibl.CRM/Persons');

export const Person = z.object({
  id: uuid,
  platform: z.number().int().describe("the tenant's number"),
  name: z.string(),
  primaryEmail: z.string().optional().describe('absent when the person has none'),
  emails: storedJson,
  contactNumbers: storedJson,
  jobTitle: z.string(),
  organization: uuid.nullable(),
  owner: z.number().int().nullable(),
  platformUser: z.number().int().nullable(),
  lifecycleStage: LifecycleStage,
  uniqueId: z.string(),
  active: z.boolean(),
  metadata: storedJson,
  ...timestamps,
  mergedInto: uuid.optional().describe('only on a person merged away: the surviving person'),
});
export type Person = z.infer<typeof Person>;

/** Every field a caller sets; `primaryEmail: ""` clears the email. */
export const personFields = {
  name: requiredText(255),
  primaryEmail: z.union([z.literal(''), email]).optional(),
  emails: jsonValue.optional(),
  contactNumbers: jsonValue.optional(),
  jobTitle: text(255).optional(),
  organization: uuid.nullable().optional().describe('an organization of your tenant'),
  owner: userId.nullable().optional().describe('a user of your tenant'),
  lifecycleStage: LifecycleStage.optional(),
  uniqueId: text(128).optional().describe('an external id; unique in the tenant when not blank'),
  metadata: jsonValue.optional(),
};
const personId = { personId: uuid };

const invite = { permission: 'Ibl.CRM/Invite/action' } as const;

export const PersonInvitation = z.object({
  personId: uuid,
  invitationId: z.number().int().describe("the invited user's id: one live invitation per user"),
  invitationEmail: z.string(),
  platformKey: z.string().describe("the tenant's slug"),
  autoAccept: z.boolean(),
  active: z.boolean(),
  redirectTo: z.string().nullable(),
  created: timestamp.nullable(),
});

/** Per-relation counts: deals, deal_contacts (re-pointed), deal_contacts_merged (dropped: the primary was there), activities, tags. */
const Counts = z.record(z.string(), z.number().int());
export const MergeResult = z.object({
  mergeId: uuid.nullable().describe('null on a dry run'),
  primaryId: uuid,
  mergedIds: z.array(uuid),
  reparented: Counts,
  dryRun: z.boolean(),
});
export const MergeRecord = z.object({
  mergeId: uuid,
  primaryId: uuid,
  duplicateIds: z.array(uuid),
  reparented: Counts,
  mergedBy: z.number().int().nullable(),
  mergedAt: timestamp,
  undoneBy: z.number().int().nullable(),
  undoneAt: timestamp.nullable(),
});
export const GenealogyEntry = z.object({
  kind: z.enum(['created', 'merged', 'merged_into', 'merge_undone', 'unmerged', 'linked', 'unlinked', 'invited', 'deleted']),
  at: timestamp,
  actor: z.object({ type: z.string(), id: z.union([z.string(), z.number(), z.null()]) }),
  actorUserId: z.number().int().nullable(),
  source: z.string().nullable(),
  mergeId: uuid.nullable(),
  personIds: z.array(uuid),
  userId: z.number().int().nullable(),
  via: z.string().nullable(),
  position: z.string(),
});

export const personFilters = {
  lifecycleStage: LifecycleStage.optional(),
  owner: userId.optional(),
  organization: uuid.optional(),
  createdAtGte: isoDateTime.optional(),
  createdAtLte: isoDateTime.optional(),
  metadataHasKey: text(200).optional(),
  name: text(200).optional().describe('case-insensitive substring of the name'),
};

export const persons = {
  list: contract('people.persons.list', {
    summary: 'List persons, oldest first; filters lifecycle stage, owner, organization, creation time, a metadata key and name.',
    access: list,
    ...resultsPage(personFilters, Person),
  }),
  get: contract('people.persons.get', { summary: 'One person.', access: read, input: z.object(personId), output: Person }),
  create: contract('people.persons.create', {
    summary: 'Create a person; an organization must be one of your tenant.',
    access: write,
    input: z.object(personFields),
    output: Person,
  }),
  ...replaceAndUpdate('people.persons', 'a person', write, personId, personFields, Person),
  delete: contract('people.persons.delete', {
    summary: 'Delete a person; deals that named them no longer show them.',
    access: remove,
    input: z.object(personId),
    output: deleted,
  }),
  invite: contract('people.persons.invite', {
    summary: "Invite a person to the platform: a pending user with the person's email, bound to the person, and the invitation mail.",
    access: invite,
    input: z.object({
      ...personId,
      isAdmin: z.boolean().default(false).describe('tenant_admin on acceptance'),
      isStaff: z.boolean().default(false).describe('manager on acceptance'),
      enrollmentConfig: z.record(z.string(), jsonValue).optional().describe('kept with the invitation as given'),
      redirectTo: text(255).optional().describe('where the invitee goes after accepting; blank for the default'),
    }),
    output: PersonInvitation,
  }),
  linkUser: contract('people.persons.linkUser', {
    summary: 'Bind a person to a user of your tenant: the same user again is a no-op; another user is refused and the binding stays.',
    access: write,
    input: z.object({ ...personId, userId }),
    output: z.object({ person: Person, outcome: z.enum(['linked', 'unchanged', 'refused']) }),
  }),
  unlinkUser: contract('people.persons.unlinkUser', {
    summary: 'Remove the binding of a person to a platform user.',
    access: write,
    input: z.object(personId),
    output: Person,
  }),
  merge: contract('people.persons.merge', {
    summary:
      'Merge duplicates into a primary person: they become inactive and point at it; their deal-contact links move to it. dryRun answers what would move and changes nothing.',
    access: write,
    input: z.object({
      primaryId: uuid,
      duplicateIds: z.array(uuid).min(1).max(LIMITS.mergeDuplicates),
      dryRun: z.boolean().default(false),
    }),
    output: MergeResult,
  }),
  undoMerge: contract('people.persons.undoMerge', {
    summary:
      'Revert a merge: the duplicates come back and what it moved goes back; later changes to the primary stay. Twice is a conflict.',
    access: write,
    input: z.object({ mergeId: uuid }),
    output: z.object({ mergeId: uuid, primaryId: uuid, restoredIds: z.array(uuid), restored: Counts }),
  }),
  merges: contract('people.persons.merges', {
    summary: 'The merges a person took part in (as primary or duplicate), newest first, with what each moved and whether it was undone.',
    access: read,
    input: z.object(personId),
    output: z.object({ results: z.array(MergeRecord) }),
  }),
  genealogy: contract('people.persons.genealogy', {
    summary: 'Where a person came from and every merge, undo, link, unlink and invitation that touched it: who and when, oldest first.',
    access: read,
    input: z.object(personId),
    output: z.object({ personId: uuid, entries: z.array(GenealogyEntry) }),
  }),
};
