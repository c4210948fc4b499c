import { businessProfile as domain, iso } from '@crm/domain';
import type { z } from 'zod';
import * as c from '../contracts/business-profile.ts';
import { type AuthedContext, mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// The caller's own business profile and ICP scoring (document 000, /v1/business-profile).

/** Each field's name in the contract and in the domain: both mappings below are this one table. */
const FIELD_NAMES = {
  companyName: 'company_name',
  website: 'website',
  industry: 'industry',
  teamSize: 'team_size',
  role: 'role',
  targetGeos: 'target_geos',
  targetIndustries: 'target_industries',
  targetCompanySizes: 'target_company_sizes',
  targetTitles: 'target_titles',
  avgDealSizeUsd: 'avg_deal_size_usd',
  salesMotion: 'sales_motion',
} as const satisfies Record<keyof typeof c.profileFields, keyof domain.ProfileFields>;

type ContractName = keyof typeof FIELD_NAMES;
const FIELD_PAIRS = Object.entries(FIELD_NAMES) as [ContractName, (typeof FIELD_NAMES)[ContractName]][];

function profileDto(v: domain.ProfileView): z.output<typeof c.BusinessProfile> {
  const fields = Object.fromEntries(FIELD_PAIRS.map(([api, name]) => [api, v.fields[name]]));
  return {
    status: v.status,
    ...(fields as { [K in ContractName]: domain.ProfileFields[(typeof FIELD_NAMES)[K]] }),
    completedAt: iso(v.completedAt),
    skippedAt: iso(v.skippedAt),
    updatedAt: iso(v.updatedAt),
  };
}

/** The contract's fields as the domain names them; a field left out stays out (kept, or empty on create). */
function fieldsOf(input: z.output<typeof c.businessProfile.create.input>): domain.ProfilePatch {
  return Object.fromEntries(FIELD_PAIRS.map(([api, name]) => [name, input[api]]));
}

const me = (ctx: AuthedContext) => ctx.principal.userId;

export const businessProfileRouter = router({
  get: query(c.businessProfile.get, async ({ ctx }) =>
    profileDto(await runQuery(ctx, (tx) => domain.getBusinessProfile(tx, ctx.principal.tenantId, me(ctx)))),
  ),
  create: mutation(c.businessProfile.create, async ({ ctx, input }) =>
    profileDto(await runCommand(ctx, (cmd) => domain.createBusinessProfile(cmd, fieldsOf(input)))),
  ),
  update: mutation(c.businessProfile.update, async ({ ctx, input }) =>
    profileDto(await runCommand(ctx, (cmd) => domain.updateBusinessProfile(cmd, fieldsOf(input)))),
  ),
  reset: mutation(c.businessProfile.reset, async ({ ctx }) => profileDto(await runCommand(ctx, domain.resetBusinessProfile))),
  skip: mutation(c.businessProfile.skip, async ({ ctx }) => profileDto(await runCommand(ctx, domain.skipBusinessProfile))),
  icpScore: query(c.businessProfile.icpScore, async ({ ctx, input }) =>
    runQuery(ctx, (tx) => domain.icpScore(tx, ctx.principal.tenantId, me(ctx), input.domain)),
  ),
  icpLeads: query(c.businessProfile.icpLeads, async ({ ctx, input }) => {
    const { items, total } = await runQuery(ctx, (tx) =>
      domain.icpLeads(tx, ctx.principal.tenantId, me(ctx), input.scope, input.page, input.pageSize),
    );
    return { leads: items, total, page: input.page, pageSize: input.pageSize, hasMore: input.page * input.pageSize < total };
  }),
});
