import { access as domain, identity } from '@crm/domain';
import { z } from 'zod';
import { timestamps } from './answers.ts';
import { contract, noInput, rawText, requiredText, text, timestamp } from './shared.ts';

// Permission profiles, the caller's permissions and organization settings (document 001,
// /api/v1/profiles, /api/v1/permissions/me, /api/v1/org-settings). The document names the paths
// only; the fields are ours (see the README). A profile holds permission strings of the catalogue.

const READ_PROFILES = { permission: 'users.read' } as const;
const MANAGE_PROFILES = { permission: 'profiles.manage' } as const;
const READ_SETTINGS = { permission: 'tenant.read' } as const;
const MANAGE_SETTINGS = { permission: 'org_settings.manage' } as const;

export const profileId = z.number().int().positive().max(2_147_483_647);
const permission = z.enum(identity.PERMISSIONS);
const permissionList = z.array(permission).max(identity.PERMISSIONS.length * 2);

export const Profile = z.object({
  id: profileId,
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(z.string()).describe('permission ids (strings of the catalogue)'),
  isActive: z.boolean(),
  userCount: z.number().int().describe('users (not erased) holding this profile'),
  ...timestamps,
});
export const PermissionInfo = z.object({ id: z.string(), area: z.string(), description: z.string() });

const byId = z.object({ id: profileId });

export const profiles = {
  list: contract('profiles.list', {
    summary: 'Every permission profile of the tenant, active or not, with its user count.',
    access: READ_PROFILES,
    input: noInput,
    output: z.array(Profile),
  }),
  available: contract('profiles.available', {
    summary: 'Active permission profiles, the ones a user can be given.',
    access: READ_PROFILES,
    input: noInput,
    output: z.array(Profile),
  }),
  permissions: contract('profiles.permissions', {
    summary: 'Every permission of the system, grouped by area, with what it allows.',
    access: READ_PROFILES,
    input: noInput,
    output: z.object({
      permissions: z.array(PermissionInfo),
      areas: z.array(z.object({ area: z.string(), permissions: z.array(PermissionInfo) })),
    }),
  }),
  get: contract('profiles.get', {
    summary: 'A permission profile with its permission ids.',
    access: READ_PROFILES,
    input: byId,
    output: Profile,
  }),
  create: contract('profiles.create', {
    summary: 'Create a permission profile; its name is unique in the tenant (case-insensitively).',
    access: MANAGE_PROFILES,
    input: z
      .object({ name: requiredText(100), description: text(1000).nullable().optional(), permissions: permissionList.default([]) })
      .strict(),
    output: Profile,
  }),
  update: contract('profiles.update', {
    summary: "Change a profile's name, description or permissions (the list replaces the old one). Takes effect within seconds.",
    access: MANAGE_PROFILES,
    input: byId
      .extend({ name: requiredText(100).optional(), description: text(1000).nullable().optional(), permissions: permissionList.optional() })
      .strict(),
    output: Profile,
  }),
  deactivate: contract('profiles.deactivate', {
    summary: 'Deactivate a profile: its users keep it assigned but get none of its permissions, and it cannot be assigned.',
    access: MANAGE_PROFILES,
    input: byId,
    output: Profile,
  }),
  activate: contract('profiles.activate', {
    summary: 'Reactivate a deactivated profile.',
    access: MANAGE_PROFILES,
    input: byId,
    output: Profile,
  }),
};

export const permissionsMe = contract('permissions.me', {
  summary: "The caller's role, permission profile and effective permissions (the role's and the active profile's).",
  access: { permission: 'profile.self' },
  input: noInput,
  output: z.object({
    userId: z.number().int(),
    role: z.enum(identity.ROLES),
    profile: z.object({ id: profileId, name: z.string(), isActive: z.boolean() }).nullable(),
    rolePermissions: z.array(z.string()),
    profilePermissions: z.array(z.string()).describe('granted by the active profile; empty when none or inactive'),
    permissions: z.array(z.string()).describe('the effective set, sorted'),
  }),
});

/** Every known setting is a scalar (see the registry in @crm/domain access/org-settings.ts). */
const settingValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const settingInput = z.union([rawText(0, 2048), z.number(), z.boolean(), z.null()]);

export const OrgSetting = z.object({
  key: z.string(),
  category: z.string(),
  value: settingValue,
  defaultValue: settingValue,
  isDefault: z.boolean(),
  description: z.string(),
  updatedAt: timestamp.nullable(),
});

const settingKey = text(100);
const category = text(50);

export const orgSettings = {
  list: contract('orgSettings.list', {
    summary: 'Every organization setting: a key-value map, and each key with its category, default and description.',
    access: READ_SETTINGS,
    input: noInput,
    output: z.object({ settings: z.record(z.string(), settingValue), items: z.array(OrgSetting) }),
  }),
  byCategory: contract('orgSettings.byCategory', {
    summary: `Settings of one category (${domain.ORG_SETTING_CATEGORIES.join(', ')}).`,
    access: READ_SETTINGS,
    input: z.object({ category }),
    output: z.object({ category: z.string(), settings: z.record(z.string(), settingValue), items: z.array(OrgSetting) }),
  }),
  get: contract('orgSettings.get', {
    summary: 'One setting by key (its value, or the default when never set).',
    access: READ_SETTINGS,
    input: z.object({ key: settingKey }),
    output: OrgSetting,
  }),
  update: contract('orgSettings.update', {
    summary: 'Set one setting; the value is checked against the key’s type (400 invalid_setting_value). Unknown keys: 404.',
    access: MANAGE_SETTINGS,
    input: z.object({ key: settingKey, value: settingInput }).strict(),
    output: OrgSetting,
  }),
};
