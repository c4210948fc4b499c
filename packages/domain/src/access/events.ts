import { z } from 'zod';
import { eventBuilder, eventGuard, type NewEventOf, type StoredEventOf } from '../shared/events.ts';

// Permission profiles live on one stream per tenant, `permission_profiles/<tenant id>`; organization
// settings on `org_settings/<tenant id>`. A profile's integer id is in its events.

const profileId = z.number().int().positive();

export const PermissionProfileCreated = z.object({
  profile_id: profileId,
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(z.string()),
});
export const PermissionProfileUpdated = z.object({
  profile_id: profileId,
  changes: z.object({ name: z.string(), description: z.string().nullable(), permissions: z.array(z.string()) }).partial(),
});
export const PermissionProfileDeactivated = z.object({ profile_id: profileId });
export const PermissionProfileActivated = z.object({ profile_id: profileId });
export const OrgSettingChanged = z.object({ key: z.string(), value: z.json() });

export const accessEventSchemas = {
  PermissionProfileCreated,
  PermissionProfileUpdated,
  PermissionProfileDeactivated,
  PermissionProfileActivated,
  OrgSettingChanged,
} as const;
export type AccessEventType = keyof typeof accessEventSchemas;

export const AccessEvent = {
  PermissionProfileCreated: 'PermissionProfileCreated',
  PermissionProfileUpdated: 'PermissionProfileUpdated',
  PermissionProfileDeactivated: 'PermissionProfileDeactivated',
  PermissionProfileActivated: 'PermissionProfileActivated',
  OrgSettingChanged: 'OrgSettingChanged',
} as const satisfies { [K in AccessEventType]: K };

export type AccessEventOf = NewEventOf<typeof accessEventSchemas>;
export type StoredAccessEvent = StoredEventOf<typeof accessEventSchemas>;
export const accessEvent = eventBuilder(accessEventSchemas);
export const isAccessEvent = eventGuard(accessEventSchemas);

export const profilesStream = (tenantId: string) => ({ type: 'permission_profiles', id: tenantId });
export const orgSettingsStream = (tenantId: string) => ({ type: 'org_settings', id: tenantId });
