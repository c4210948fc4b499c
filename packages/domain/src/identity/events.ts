import { z } from 'zod';

// The identity module's events. Secrets (password and token hashes) are never in them: the log is
// kept forever and copied to analysts; secrets live in state tables that can be wiped.

export const TenantRegistered = z.object({
  tenant_id: z.string().uuid(),
  name: z.string(),
  slug: z.string(),
  plan: z.string(),
  trial_ends_at: z.string().nullable(),
});
export const TenantPlanChanged = z.object({ plan: z.string(), trial_ends_at: z.string().nullable() });
export const UserRegistered = z.object({
  user_id: z.number().int(),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  role: z.string(),
  status: z.string(),
  email_verified: z.boolean(),
});

export type TenantRegistered = z.infer<typeof TenantRegistered>;
export type TenantPlanChanged = z.infer<typeof TenantPlanChanged>;
export type UserRegistered = z.infer<typeof UserRegistered>;

export const IdentityEvent = {
  TenantRegistered: 'TenantRegistered',
  TenantPlanChanged: 'TenantPlanChanged',
  UserRegistered: 'UserRegistered',
} as const;

export const tenantStream = (tenantId: string) => ({ type: 'tenant', id: tenantId });
export const userStream = (userId: number) => ({ type: 'user', id: String(userId) });
