import { businessProfile as domain } from '@crm/domain';
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { numberedPage } from './answers.ts';
import { contract, noInput, page, pageSize, requiredText, text, timestamp } from './shared.ts';

// The caller's own business profile and ICP scoring (document 000, /v1/business-profile). The
// document names the fields industry, team_size, target_geos, target_industries and
// target_company_sizes "etc."; the others are ours (see the README).

const SELF = { permission: 'profile.self' } as const;
/** Scoring reads the tenant's pipeline (deals) besides the caller's profile. */
const PIPELINE = { permission: 'crm.deals.read' } as const;

const unique = <T>(items: T[]) => new Set(items.map((i) => (typeof i === 'string' ? i.toLowerCase() : i))).size === items.length;
const list = <S extends z.ZodType>(item: S, max: number) => z.array(item).max(max).refine(unique, 'each value once');

export const profileFields = {
  companyName: text(200).nullable().describe('your company'),
  website: text(2048).nullable().describe("your company's website"),
  industry: text(120).nullable().describe('the industry you are in'),
  teamSize: z.enum(domain.TEAM_SIZES).nullable().describe('the size of your sales team'),
  role: z.enum(domain.JOB_ROLES).nullable().describe('your role'),
  targetGeos: list(requiredText(64), 50).describe('countries you sell to: names or ISO 3166 codes (US, DE); empty: anywhere'),
  targetIndustries: list(requiredText(120), 50).describe('industries you sell to; empty: any'),
  targetCompanySizes: list(z.enum(domain.COMPANY_SIZES), domain.COMPANY_SIZES.length).describe(
    'company sizes (employees) you sell to; empty: any',
  ),
  targetTitles: list(requiredText(120), 50).describe('the buyer personas (job titles) you sell to'),
  avgDealSizeUsd: z.number().min(0).max(1e12).nullable().describe('your average deal size in USD'),
  salesMotion: z.enum(domain.SALES_MOTIONS).nullable(),
};

const fieldsInput = z.object(profileFields).partial().strict();

export const BusinessProfile = z.object({
  status: z.enum(['none', 'completed', 'skipped']).describe('none: never filled in (or reset); skipped: onboarding skipped'),
  ...profileFields,
  targetGeos: z.array(z.string()),
  targetIndustries: z.array(z.string()),
  targetCompanySizes: z.array(z.enum(domain.COMPANY_SIZES)),
  targetTitles: z.array(z.string()),
  completedAt: timestamp.nullable(),
  skippedAt: timestamp.nullable(),
  updatedAt: timestamp.nullable(),
});

export const IcpFactor = z.object({
  code: z.enum(['industry_match', 'company_size_match', 'geo_match', 'existing_pipeline', 'known_contacts']),
  label: z.string(),
  weight: z.number().int().describe('the most points this factor can give; the weights add up to 100'),
  value: z.string().nullable().describe("what your CRM's data says about the domain; null: nothing"),
  target: z.array(z.string()).describe('what your profile targets; empty: anything'),
  outcome: z.enum(['match', 'partial', 'mismatch', 'no_data', 'any']),
  points: z.number().int(),
  reason: z.string(),
});

export const IcpScore = z.object({
  domain: z.string(),
  score: z.number().int().min(0).max(100).describe('the sum of the factors’ points'),
  fit: z.enum(['strong', 'moderate', 'weak']).describe('strong ≥ 70, moderate ≥ 40'),
  factors: z.array(IcpFactor),
});

export const domainName = z
  .string()
  .trim()
  .max(253)
  .refine((d) => domain.normalDomain(d) !== null, 'a domain name such as acme.com');

export const businessProfile = {
  get: contract('businessProfile.get', {
    summary: "The caller's business profile (status none while there is none).",
    access: SELF,
    input: noInput,
    output: BusinessProfile,
  }),
  create: contract('businessProfile.create', {
    summary: 'Fill in the business profile; fields left out are empty. 409 when one exists.',
    access: SELF,
    input: fieldsInput,
    output: BusinessProfile,
  }),
  update: contract('businessProfile.update', {
    summary: 'Change the business profile: the fields given (null clears), the others kept. 404 when there is none.',
    access: SELF,
    input: fieldsInput,
    output: BusinessProfile,
  }),
  reset: contract('businessProfile.reset', {
    summary: 'Reset the business profile to none (filled in or skipped). 404 when there is none.',
    access: SELF,
    input: noInput,
    output: BusinessProfile,
  }),
  skip: contract('businessProfile.skip', {
    summary: 'Skip onboarding without filling the profile in. 409 when it is filled in.',
    access: SELF,
    input: noInput,
    output: BusinessProfile,
  }),
  icpScore: contract('businessProfile.icpScore', {
    summary: "Score a domain 0–100 against the caller's profile from the tenant's organization and deals on it, factor by factor.",
    access: PIPELINE,
    input: z.object({ domain: domainName }).strict(),
    output: IcpScore,
  }),
  icpLeads: contract('businessProfile.icpLeads', {
    summary: "The domains of the caller's deals (scope mine) or of the tenant's (scope tenant), ranked by ICP score, best first.",
    access: PIPELINE,
    input: z
      .object({ scope: z.enum(['mine', 'tenant']).default('mine'), page, pageSize })
      .default({ scope: 'mine', page: 1, pageSize: LIMITS.pageSize.default }),
    output: numberedPage('leads', IcpScore),
  }),
};
