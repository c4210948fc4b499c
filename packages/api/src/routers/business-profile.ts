import { businessProfile as domain, iso } from '@crm/domain';
import type { z } from 'zod';
import * as c from '../contracts/business-profile.ts';
import { type AuthedContext, mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// The caller's own business profile and ICP scoring (document 000, /v1/business-profile).

function profileDto(v: domain.ProfileView): z.output<typeof c.BusinessProfile> {
  const f = v.fields;
  return {
    status: v.status,
    companyName: f.company_name,
    website: f.website,
    industry: f.industry,
    teamSize: f.team_size,
    role: f.role,
    targetGeos: f.target_geos,
    targetIndustries: f.target_industries,
    targetCompanySizes: f.target_company_sizes,
    targetTitles: f.target_titles,
    avgDealSizeUsd: f.avg_deal_size_usd,
    salesMotion: f.sales_motion,
    completedAt: iso(v.completedAt),
    skippedAt: iso(v.skippedAt),
    updatedAt: iso(v.updatedAt),
  };
}

/** The contract's fields as the domain names them; a field left out stays out (kept, or empty on create). */
function fieldsOf(input: z.output<typeof c.businessProfile.create.input>): domain.ProfilePatch {
  return {
    company_name: input.companyName,
    website: input.website,
    industry: input.industry,
    team_size: input.teamSize,
    role: input.role,
    target_geos: input.targetGeos,
    target_industries: input.targetIndustries,
    target_company_sizes: input.targetCompanySizes,
    target_titles: input.targetTitles,
    avg_deal_size_usd: input.avgDealSizeUsd,
    sales_motion: input.salesMotion,
  };
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
