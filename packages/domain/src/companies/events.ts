import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';

// A company is one aggregate, stream `company/<id>`: document 003 shows it as an organization, and
// document 002's accounts will be the same record seen through another face, so new fields are
// added here rather than in a second store.

/** Every company event type and its schema: the store parses each appended event against it. */
const companies = defineEvents({
  CompanyCreated: z.object({
    company_id: z.string().uuid(),
    name: z.string(),
    address: z.unknown(),
    owner_user_id: z.number().int().nullable(),
    metadata: z.unknown(),
    // Document 002's account fields: absent from events written before accounts existed.
    website: z.string().nullable().optional(),
    industry: z.string().nullable().optional(),
    company_size: z.string().nullable().optional(),
    annual_revenue: z.number().nullable().optional(),
    stage: z.string().optional(),
    phone: z.string().nullable().optional(),
    billing_address: z.unknown().optional(),
    tags: z.array(z.string()).optional(),
    description: z.string().nullable().optional(),
  }),
  /** Only what changed, before and after. */
  CompanyUpdated: z.object({
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  }),
  /** Its persons were detached first, each on its own stream. */
  CompanyDeleted: z.object({ company_id: z.string().uuid() }),
});
export const { schemas: companyEventSchemas, types: CompanyEvent, event: companyEvent, is: isCompanyEvent } = companies;

export type CompanyEvent = NewEventOf<typeof companyEventSchemas>;
export type StoredCompanyEvent = StoredEventOf<typeof companyEventSchemas>;

export const companyStream = (companyId: string) => ({ type: 'company', id: companyId });
