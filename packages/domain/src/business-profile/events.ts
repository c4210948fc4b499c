import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';

// A user's business profile (document 000, /v1/business-profile): their own sales ICP, one stream
// per user, `business_profile/<user id>`. It is business data (what the user sells and to whom),
// not personal data, so it is kept in clear.

/** Company-size buckets, as sales teams speak of them (employees). */
export const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001+'] as const;
export type CompanySize = (typeof COMPANY_SIZES)[number];
/** The size of the user's own sales team. */
export const TEAM_SIZES = ['1', '2-10', '11-50', '51-200', '201-1000', '1001+'] as const;
/** The user's own role, for persona-aware defaults. */
export const JOB_ROLES = ['founder', 'executive', 'sales_leader', 'sales_rep', 'marketing', 'operations', 'other'] as const;
/** How the user's team finds its customers. */
export const SALES_MOTIONS = ['inbound', 'outbound', 'mixed', 'product_led'] as const;

export const ProfileFields = z.object({
  company_name: z.string().nullable(),
  website: z.string().nullable(),
  industry: z.string().nullable(),
  team_size: z.enum(TEAM_SIZES).nullable(),
  role: z.enum(JOB_ROLES).nullable(),
  target_geos: z.array(z.string()),
  target_industries: z.array(z.string()),
  target_company_sizes: z.array(z.enum(COMPANY_SIZES)),
  target_titles: z.array(z.string()),
  avg_deal_size_usd: z.number().nullable(),
  sales_motion: z.enum(SALES_MOTIONS).nullable(),
});
export type ProfileFields = z.infer<typeof ProfileFields>;

export const EMPTY_PROFILE: ProfileFields = {
  company_name: null,
  website: null,
  industry: null,
  team_size: null,
  role: null,
  target_geos: [],
  target_industries: [],
  target_company_sizes: [],
  target_titles: [],
  avg_deal_size_usd: null,
  sales_motion: null,
};

export const {
  schemas: businessProfileEventSchemas,
  types: BusinessProfileEvent,
  event: businessProfileEvent,
} = defineEvents({
  /** The profile was filled in: every field, those left out at their empty value. */
  BusinessProfileCompleted: z.object({ fields: ProfileFields }),
  /** Fields changed, only those that did. */
  BusinessProfileUpdated: z.object({ changes: ProfileFields.partial() }),
  /** The user skipped onboarding without filling it in. */
  BusinessProfileSkipped: z.object({}),
  /** Back to no profile (neither filled nor skipped). */
  BusinessProfileReset: z.object({}),
});

export type BusinessProfileEvent = NewEventOf<typeof businessProfileEventSchemas>;
export type StoredBusinessProfileEvent = StoredEventOf<typeof businessProfileEventSchemas>;

export const businessProfileStream = (userId: number) => ({ type: 'business_profile', id: String(userId) });
