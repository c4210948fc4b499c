import { z } from 'zod';
import { jsonValue } from './people.ts';
import { deleted, storedJson, timestamps, userName } from './answers.ts';
import { contract, page, replaceAndUpdate, requiredText, resourceAccess, resultsPage, text, userId, uuid } from './shared.ts';

// Companies: one aggregate, shown by document 003 as organizations (and later by document 002 as
// accounts). Field names follow document 003's so its snake_case face is derived key by key.

const { read, list, write, delete: remove } = resourceAccess('Ibl.CRM/Organizations');

export const Organization = z.object({
  id: uuid,
  platform: z.number().int().describe("the tenant's number"),
  name: z.string(),
  address: storedJson,
  owner: z.number().int().nullable(),
  metadata: storedJson,
  ...timestamps,
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
    ...resultsPage(organizationFilters, Organization),
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
  ...replaceAndUpdate('companies.organizations', 'an organization', write, organizationId, organizationFields, Organization),
  delete: contract('companies.organizations.delete', {
    summary: 'Delete an organization; its persons are kept and their organization reference is cleared.',
    access: remove,
    input: z.object(organizationId),
    output: deleted,
  }),
};

// --- document 002's accounts: the same companies through another face --------------------------

export const ACCOUNT_STAGES = ['prospect', 'active', 'customer', 'partner', 'churned'] as const;
export const accountStage = z.enum(ACCOUNT_STAGES);

/** `acc_` and the company's uuid without dashes: stable, and parsed back by the router. */
export const accountId = text(100).describe('acc_ followed by 32 hex digits');
export const contactId = z.string().describe('cnt_ followed by 32 hex digits');

export const BillingAddress = z.object({
  street: z.string().nullable().optional(),
  city: z.string().nullable().optional(),
  state: z.string().nullable().optional(),
  postalCode: z.string().nullable().optional(),
  country: z.string().nullable().optional(),
});

export const AccountSummary = z.object({
  id: z.string(),
  name: z.string(),
  website: z.string().nullable(),
  industry: z.string().nullable(),
  companySize: z.string().nullable(),
  stage: accountStage,
  assignedTo: z.number().int().nullable().describe('a user id, as document 001 shows users'),
  contactCount: z.number().int(),
  openOpportunityCount: z.number().int(),
  ...timestamps,
});
export type AccountSummary = z.infer<typeof AccountSummary>;

export const Account = z.object({
  ...AccountSummary.shape,
  annualRevenue: z.number().nullable(),
  phone: z.string().nullable(),
  billingAddress: BillingAddress.nullable(),
  assignedToName: z.string().nullable(),
  tags: z.array(z.string()),
  description: z.string().nullable(),
  openCaseCount: z.number().int().describe('always 0: this service has no cases yet'),
});
export type Account = z.infer<typeof Account>;

export const AccountContact = z.object({
  id: contactId,
  ...userName,
  email: z.string().nullable(),
  title: z.string(),
  stage: z.string(),
});
export type AccountContact = z.infer<typeof AccountContact>;

const addressLine = text(255).nullable().optional();
const billingAddressInput = z.strictObject({
  street: addressLine,
  city: addressLine,
  state: addressLine,
  postalCode: text(32).nullable().optional(),
  country: text(64).nullable().optional(),
});

export const accountFields = {
  name: requiredText(255).describe('unique in the tenant (case-sensitive), shared with document 003'),
  website: text(2048).nullable().optional(),
  industry: text(120).nullable().optional(),
  companySize: text(32).nullable().optional(),
  annualRevenue: z.number().min(0).max(1e15).nullable().optional(),
  stage: accountStage.optional(),
  phone: text(40).nullable().optional(),
  billingAddress: billingAddressInput.nullable().optional(),
  assignedTo: userId.nullable().optional().describe('a user of your tenant'),
  tags: z.array(requiredText(64)).max(50).optional(),
  description: text(10_000).nullable().optional(),
};
const byAccount = { accountId };

export const accounts = {
  list: contract('companies.accounts.list', {
    summary: 'List accounts, oldest first; filters stage, industry, assignedTo and search (name or website).',
    access: list,
    input: z
      .object({
        stage: accountStage.optional(),
        industry: text(120).optional(),
        assignedTo: userId.optional(),
        search: text(200).optional(),
        page,
        limit: z.number().int().min(1).max(100).default(20),
      })
      .default({ page: 1, limit: 20 }),
    output: z.object({ count: z.number().int(), page: z.number().int(), limit: z.number().int(), results: z.array(AccountSummary) }),
  }),
  get: contract('companies.accounts.get', {
    summary: 'One account, with its counts.',
    access: read,
    input: z.object(byAccount),
    output: Account,
  }),
  create: contract('companies.accounts.create', {
    summary: 'Create an account (an organization of document 003); its name must be new in your tenant.',
    access: write,
    input: z.object(accountFields),
    output: Account,
  }),
  update: contract('companies.accounts.update', {
    summary: 'Change the given fields of an account; only what changes is recorded.',
    access: write,
    input: z.object({ ...byAccount, ...accountFields, name: accountFields.name.optional() }),
    output: Account,
  }),
  delete: contract('companies.accounts.delete', {
    summary: 'Delete an account; its contacts and deals are kept, contacts lose their account.',
    access: remove,
    input: z.object(byAccount),
    output: z.object({ deleted: z.literal(true), id: z.string() }),
  }),
  contacts: contract('companies.accounts.contacts', {
    summary: 'The contacts (persons) of an account; needs the right to list persons.',
    access: { permission: 'Ibl.CRM/Persons/list' },
    input: z.object(byAccount),
    output: z.object({ count: z.number().int(), results: z.array(AccountContact) }),
  }),
};
