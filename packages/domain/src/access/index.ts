import './tables.ts';
export * from './catalogue.ts';
export * from './events.ts';
export * from './org-settings.ts';
export * from './profiles.ts';
export { orgSettingsProjection, permissionProfilesProjection } from './projection.ts';
export type { OrgSettingsTable, PermissionProfilesTable } from './tables.ts';
