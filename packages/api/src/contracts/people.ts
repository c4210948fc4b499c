import { people } from '@crm/domain';
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { contract, email, isoDateTime, isStorableText, page, pageSize, requiredText, text, timestamp, userId, uuid } from './shared.ts';

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

const read = { permission: 'Ibl.CRM/Persons/read' } as const;
const list = { permission: 'Ibl.CRM/Persons/list' } as const;
const write = { permission: 'Ibl.CRM/Persons/write' } as const;
const remove = { permission: 'Ibl.CRM/Persons/delete' } as const;

export const Person = z.object({
  id: uuid,
  platform: z.number().int().describe("the tenant's number"),
  name: z.string(),
  primaryEmail: z.string().optional().describe('absent when the person has none'),
  emails: z.unknown(),
  contactNumbers: z.unknown(),
  jobTitle: z.string(),
  organization: uuid.nullable(),
  owner: z.number().int().nullable(),
  platformUser: z.number().int().nullable(),
  lifecycleStage: LifecycleStage,
  uniqueId: z.string(),
  active: z.boolean(),
  metadata: z.unknown(),
  createdAt: timestamp,
  updatedAt: timestamp,
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
    input: z.object({ ...personFilters, page, pageSize }).default({ page: 1, pageSize: LIMITS.pageSize.default }),
    output: z.object({ count: z.number().int(), page: z.number().int(), pageSize: z.number().int(), results: z.array(Person) }),
  }),
  get: contract('people.persons.get', { summary: 'One person.', access: read, input: z.object(personId), output: Person }),
  create: contract('people.persons.create', {
    summary: 'Create a person; an organization must be one of your tenant.',
    access: write,
    input: z.object(personFields),
    output: Person,
  }),
  replace: contract('people.persons.replace', {
    summary: 'Replace every editable field of a person; what is left out goes back to its default.',
    access: write,
    input: z.object({ ...personId, ...personFields }),
    output: Person,
  }),
  update: contract('people.persons.update', {
    summary: 'Change the given fields of a person; only what changes is recorded.',
    access: write,
    input: z.object({ ...personId, ...personFields, name: personFields.name.optional() }),
    output: Person,
  }),
  delete: contract('people.persons.delete', {
    summary: 'Delete a person; deals that named them no longer show them.',
    access: remove,
    input: z.object(personId),
    output: z.object({ deleted: z.literal(true), id: uuid }),
  }),
};
