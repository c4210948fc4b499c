import type { Projection } from '@crm/eventstore';
import type { Updateable } from 'kysely';
import { narrower } from '../shared/events.ts';
import { AccessEvent, accessEventSchemas } from './events.ts';
import type { PermissionProfilesTable } from './tables.ts';
import './tables.ts';

const PROFILE_EVENTS = [
  AccessEvent.PermissionProfileCreated,
  AccessEvent.PermissionProfileUpdated,
  AccessEvent.PermissionProfileDeactivated,
  AccessEvent.PermissionProfileActivated,
] as const;
const narrowProfile = narrower(accessEventSchemas, PROFILE_EVENTS, 'access.profiles');
const narrowSetting = narrower(accessEventSchemas, [AccessEvent.OrgSettingChanged] as const, 'access.org_settings');

/** One row per permission profile. */
export const permissionProfilesProjection: Projection = {
  name: 'access.profiles',
  tables: ['permission_profiles'],
  handles: PROFILE_EVENTS,
  async apply(tx, events) {
    for (const raw of events) {
      const e = narrowProfile(raw);
      const at = e.occurredAt;
      const update = (set: Updateable<PermissionProfilesTable>) =>
        tx.updateTable('permission_profiles').set(set).where('tenant_id', '=', e.tenantId).where('id', '=', e.data.profile_id).execute();
      switch (e.type) {
        case 'PermissionProfileCreated':
          await tx
            .insertInto('permission_profiles')
            .values({
              tenant_id: e.tenantId,
              id: e.data.profile_id,
              name: e.data.name,
              description: e.data.description,
              permissions: JSON.stringify(e.data.permissions) as unknown as string[],
              active: true,
              created_at: at,
              updated_at: at,
            })
            .execute();
          break;
        case 'PermissionProfileUpdated': {
          const c = e.data.changes;
          await update({
            updated_at: at,
            ...(c.name !== undefined ? { name: c.name } : {}),
            ...(c.description !== undefined ? { description: c.description } : {}),
            ...(c.permissions !== undefined ? { permissions: JSON.stringify(c.permissions) as unknown as string[] } : {}),
          });
          break;
        }
        case 'PermissionProfileDeactivated':
        case 'PermissionProfileActivated':
          await update({ active: e.type === 'PermissionProfileActivated', updated_at: at });
          break;
      }
    }
  },
};

/** One row per organization setting that was set. */
export const orgSettingsProjection: Projection = {
  name: 'access.org_settings',
  tables: ['org_settings'],
  handles: [AccessEvent.OrgSettingChanged],
  async apply(tx, events) {
    for (const raw of events) {
      const e = narrowSetting(raw);
      const value = JSON.stringify(e.data.value);
      await tx
        .insertInto('org_settings')
        .values({ tenant_id: e.tenantId, key: e.data.key, value, updated_at: e.occurredAt })
        .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value, updated_at: e.occurredAt }))
        .execute();
    }
  },
};
