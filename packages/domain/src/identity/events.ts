import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';
import { userFields, userLifecycleEventSchemas } from './users/events.ts';
import { credentialEventSchemas } from './credentials.ts';

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
/**
 * An operator suspended the tenant: its logins, tokens, API keys and refreshes are refused (403
 * tenant_suspended) until it is reactivated. Nothing of its data changes.
 */
export const TenantSuspended = z.object({ reason: z.string().nullable() });
export const TenantReactivated = z.object({});
export const UserRegistered = z.object({
  ...userFields,
  status: z.string(),
  email_verified: z.boolean(),
});

export type TenantRegistered = z.infer<typeof TenantRegistered>;
export type TenantPlanChanged = z.infer<typeof TenantPlanChanged>;
export type TenantSuspended = z.infer<typeof TenantSuspended>;
export type UserRegistered = z.infer<typeof UserRegistered>;

/** Every identity event type and its schema: the store parses each appended event against it. */
export const {
  schemas: identityEventSchemas,
  /** `IdentityEvent.UserRegistered === 'UserRegistered'`, one constant per type. */
  types: IdentityEvent,
  /** `identityEvent('UserRegistered', data)`: takes only a UserRegistered's data. */
  event: identityEvent,
  /** `isIdentityEvent(e, 'TenantPlanChanged')` narrows a stored event. */
  is: isIdentityEvent,
} = defineEvents({
  TenantRegistered,
  TenantPlanChanged,
  TenantSuspended,
  TenantReactivated,
  UserRegistered,
  ...userLifecycleEventSchemas,
  ...credentialEventSchemas,
});
export type IdentityEventType = keyof typeof identityEventSchemas;

/** An identity event as a command appends it: `{ type: 'UserRegistered'; data: UserRegistered } | ...`. */
export type IdentityEvent = NewEventOf<typeof identityEventSchemas>;
/** An identity event as read back, narrowed by `type`. */
export type StoredIdentityEvent = StoredEventOf<typeof identityEventSchemas>;

export const tenantStream = (tenantId: string) => ({ type: 'tenant', id: tenantId });
export const userStream = (userId: number) => ({ type: 'user', id: String(userId) });
