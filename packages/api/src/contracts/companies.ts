import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { jsonValue } from './people.ts';
import { contract, page, pageSize, requiredText, text, timestamp, userId, uuid } from './shared.ts';

// Companies: one aggregate, shown by document 003 as organizations (and later by document 002 as
// accounts). Field names follow document 003's so its snake_case face is derived key by key.

const read = { permission: 'Ibl.CRM/Organizations/read' } as const;
const list = { permission: 'Ibl.CRM/Organizations/list' } as const;
const write = { permission: 'Ibl.CRM/Organizations/write' } as const;
const remove = { permission: 'Ibl.CRM/Organizations/delete' } as const;

export const Organization = z.object({
  id: uuid,
  platform: z.number().int().describe("the tenant's number"),
  name: z.string(),
  address: z.unknown(),
  owner: z.number().int().nullable(),
  metadata: z.unknown(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Organization = z.infer<typeof Organization>;

export const organizationFields = {
  name: requiredText(255).describe('unique in the tenant (case-sensitive)'),
  address: jsonValue.nullable().optional(),
  owner: userId.nullable().optional().describe('a user of your tenant'),
  metadata: jsonValue.optional(),
};
const organizationId = { organizationId: uuid };

export const organizationFilters = {
  name: text(200).optional().describe('case-insensitive substring of the name'),
  owner: userId.optional(),
};

export const organizations = {
  list: contract('companies.organizations.list', {
    summary: 'List organizations, oldest first; filters owner and name.',
    access: list,
    input: z.object({ ...organizationFilters, page, pageSize }).default({ page: 1, pageSize: LIMITS.pageSize.default }),
    output: z.object({ count: z.number().int(), page: z.number().int(), pageSize: z.number().int(), results: z.array(Organization) }),
  }),
  get: contract('companies.organizations.get', {
    summary: 'One organization.',
    access: read,
    input: z.object(organizationId),
    output: Organization,
  }),
  create: contract('companies.organizations.create', {
    summary: 'Create an organization; its name must be new in your tenant.',
    access: write,
    input: z.object(organizationFields),
    output: Organization,
  }),
  replace: contract('companies.organizations.replace', {
    summary: 'Replace every editable field of an organization; what is left out goes back to its default.',
    access: write,
    input: z.object({ ...organizationId, ...organizationFields }),
    output: Organization,
  }),
  update: contract('companies.organizations.update', {
    summary: 'Change the given fields of an organization; only what changes is recorded.',
    access: write,
    input: z.object({ ...organizationId, ...organizationFields, name: organizationFields.name.optional() }),
    output: Organization,
  }),
  delete: contract('companies.organizations.delete', {
    summary: 'Delete an organization; its persons are kept and their organization reference is cleared.',
    access: remove,
    input: z.object(organizationId),
    output: z.object({ deleted: z.literal(true), id: uuid }),
  }),
};
