import { type CommandContext, DomainError, access as domain, identity } from '@crm/domain';
import type { z } from 'zod';
import { forgetCredentials } from '../auth/credential-state.ts';
import { profileGrantOf } from '../auth/profile-permissions.ts';
import * as c from '../contracts/access.ts';
import { type AuthedContext, mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// Permission profiles, the caller's permissions and organization settings (document 001).

const profileDto = (p: domain.ProfileView): z.output<typeof c.Profile> => ({
  id: p.id,
  name: p.name,
  description: p.description,
  permissions: [...p.permissions],
  isActive: p.active,
  userCount: p.user_count,
  createdAt: p.created_at.toISOString(),
  updatedAt: p.updated_at.toISOString(),
});

const notFound = (id: number) => new DomainError('not_found', 'profile_not_found', `permission profile ${id} not found`);

/** Changes a profile and answers it as it now stands; its holders' cached grants are dropped after. */
async function changeProfile(ctx: AuthedContext, id: number, change: (cmd: CommandContext) => Promise<void>) {
  const out = await runCommand(ctx, async (cmd) => {
    await change(cmd);
    return profileDto((await domain.getProfile(cmd.tx, cmd.tenantId, id))!);
  });
  // The change takes effect at once in this process; other processes wait out the cache's TTL.
  forgetCredentials();
  return out;
}

export const profilesRouter = router({
  list: query(c.profiles.list, async ({ ctx }) =>
    (await runQuery(ctx, (tx) => domain.listProfiles(tx, ctx.principal.tenantId))).map(profileDto),
  ),
  available: query(c.profiles.available, async ({ ctx }) =>
    (await runQuery(ctx, (tx) => domain.listProfiles(tx, ctx.principal.tenantId, { activeOnly: true }))).map(profileDto),
  ),
  permissions: query(c.profiles.permissions, async () => {
    const permissions = domain.permissionCatalogue();
    const areas = [...new Set(permissions.map((p) => p.area))].map((area) => ({
      area,
      permissions: permissions.filter((p) => p.area === area),
    }));
    return { permissions, areas };
  }),
  get: query(c.profiles.get, async ({ ctx, input }) => {
    const p = await runQuery(ctx, (tx) => domain.getProfile(tx, ctx.principal.tenantId, input.id));
    if (!p) throw notFound(input.id);
    return profileDto(p);
  }),
  create: mutation(c.profiles.create, async ({ ctx, input }) => {
    try {
      return await runCommand(ctx, async (cmd) => {
        const id = await domain.createProfile(cmd, {
          name: input.name,
          description: input.description ?? null,
          permissions: input.permissions,
        });
        return profileDto((await domain.getProfile(cmd.tx, cmd.tenantId, id))!);
      });
    } catch (error) {
      // Two creations of one name at once: the unique index decides.
      if ((error as { code?: string }).code === '23505')
        throw new DomainError('conflict', 'profile_name_taken', `a permission profile named "${input.name}" exists`);
      throw error;
    }
  }),
  update: mutation(c.profiles.update, ({ ctx, input: { id, ...changes } }) =>
    changeProfile(ctx, id, (cmd) => domain.updateProfile(cmd, id, changes)),
  ),
  deactivate: mutation(c.profiles.deactivate, ({ ctx, input }) =>
    changeProfile(ctx, input.id, (cmd) => domain.setProfileActive(cmd, input.id, false)),
  ),
  activate: mutation(c.profiles.activate, ({ ctx, input }) =>
    changeProfile(ctx, input.id, (cmd) => domain.setProfileActive(cmd, input.id, true)),
  ),
});

export const permissionsRouter = router({
  me: query(c.permissionsMe, async ({ ctx }) => {
    const { tenantId, userId, role } = ctx.principal;
    const grant = await profileGrantOf(ctx.services, tenantId, userId);
    const profile = grant.profileId === null ? null : await runQuery(ctx, (tx) => domain.getProfile(tx, tenantId, grant.profileId!));
    const rolePermissions = [...identity.permissionsOf(role)];
    return {
      userId,
      role,
      profile: profile ? { id: profile.id, name: profile.name, isActive: profile.active } : null,
      rolePermissions,
      profilePermissions: [...grant.permissions],
      permissions: [...ctx.principal.permissions].sort(),
    };
  }),
});

const settingDto = (s: domain.OrgSettingView): z.output<typeof c.OrgSetting> => ({
  key: s.key,
  category: s.category,
  value: s.value as z.output<typeof c.OrgSetting>['value'],
  defaultValue: s.default as z.output<typeof c.OrgSetting>['value'],
  isDefault: s.isDefault,
  description: s.description,
  updatedAt: s.updatedAt?.toISOString() ?? null,
});

const asMap = (items: z.output<typeof c.OrgSetting>[]) => Object.fromEntries(items.map((s) => [s.key, s.value]));

function knownKey(key: string): domain.OrgSettingKey {
  if (!domain.isOrgSettingKey(key))
    throw new DomainError('not_found', 'setting_not_found', `no organization setting "${key}"`, { known: domain.ORG_SETTING_KEYS });
  return key;
}

export const orgSettingsRouter = router({
  list: query(c.orgSettings.list, async ({ ctx }) => {
    const items = (await runQuery(ctx, (tx) => domain.listOrgSettings(tx, ctx.principal.tenantId))).map(settingDto);
    return { settings: asMap(items), items };
  }),
  byCategory: query(c.orgSettings.byCategory, async ({ ctx, input }) => {
    if (!domain.ORG_SETTING_CATEGORIES.includes(input.category))
      throw new DomainError('not_found', 'setting_category_not_found', `no organization setting category "${input.category}"`, {
        known: domain.ORG_SETTING_CATEGORIES,
      });
    const items = (await runQuery(ctx, (tx) => domain.listOrgSettings(tx, ctx.principal.tenantId)))
      .filter((s) => s.category === input.category)
      .map(settingDto);
    return { category: input.category, settings: asMap(items), items };
  }),
  get: query(c.orgSettings.get, async ({ ctx, input }) => {
    const key = knownKey(input.key);
    const all = await runQuery(ctx, (tx) => domain.listOrgSettings(tx, ctx.principal.tenantId));
    return settingDto(all.find((s) => s.key === key)!);
  }),
  update: mutation(c.orgSettings.update, async ({ ctx, input }) => {
    const key = knownKey(input.key);
    const parsed = domain.ORG_SETTINGS[key].schema.safeParse(input.value);
    if (!parsed.success)
      throw new DomainError(
        'invalid',
        'invalid_setting_value',
        `invalid value for ${key}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        {
          key,
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      );
    return runCommand(ctx, async (cmd) => {
      await domain.setOrgSetting(cmd, key, parsed.data);
      const all = await domain.listOrgSettings(cmd.tx, cmd.tenantId);
      return settingDto(all.find((s) => s.key === key)!);
    });
  }),
});
