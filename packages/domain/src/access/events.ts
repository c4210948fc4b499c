import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';

// Permission profiles live on one stream per tenant, `permission_profiles/<tenant id>`; organization
// settings on `org_settings/<tenant id>`. A profile's integer id is in its events.

const profileId = z.number().int().positive();
const profileRef = z.object({ profile_id: profileId });

/** Every access event type and its schema: the store parses each appended event against it. */
const access = defineEvents({
  PermissionProfileCreated: profileRef.extend({
    name: z.string(),
    description: z.string().nullable(),
    permissions: z.array(z.string()),
  }),
  PermissionProfileUpdated: profileRef.extend({
    changes: z.object({ name: z.string(), description: z.string().nullable(), permissions: z.array(z.string()) }).partial(),
  }),
  PermissionProfileDeactivated: profileRef,
  PermissionProfileActivated: profileRef,
  OrgSettingChanged: z.object({ key: z.string(), value: z.json() }),
});
export const { schemas: accessEventSchemas, types: AccessEvent, event: accessEvent, is: isAccessEvent } = access;

export type AccessEventOf = NewEventOf<typeof accessEventSchemas>;
export type StoredAccessEvent = StoredEventOf<typeof accessEventSchemas>;

export const profilesStream = (tenantId: string) => ({ type: 'permission_profiles', id: tenantId });
export const orgSettingsStream = (tenantId: string) => ({ type: 'org_settings', id: tenantId });
