import type { Executor } from '@crm/db';
import { sql } from 'kysely';
import { appendDecided, type CommandContext } from '../shared/command.ts';
import { DomainError } from '../shared/errors.ts';
import { isPermission } from './catalogue.ts';
import { accessEvent, orgSettingsStream, profilesStream } from './events.ts';
import { ORG_SETTINGS, type OrgSettingKey } from './org-settings.ts';
import type { PermissionProfilesTable } from './tables.ts';
import './tables.ts';
import { tenantRows } from '../shared/rows.ts';

export interface ProfileView extends PermissionProfilesTable {
  user_count: number;
}

const notFound = (id: number) => new DomainError('not_found', 'profile_not_found', `permission profile ${id} not found`);

/** Every profile of the tenant with the number of (non-erased) users holding it, by id. */
export async function listProfiles(db: Executor, tenantId: string, opts: { activeOnly?: boolean } = {}): Promise<ProfileView[]> {
  let q = db
    .selectFrom('permission_profiles as p')
    .selectAll('p')
    .select(
      sql<string>`(select count(*) from users u where u.tenant_id = p.tenant_id and u.profile_id = p.id and u.status <> 'erased')`.as('n'),
    )
    .where('p.tenant_id', '=', tenantId);
  if (opts.activeOnly) q = q.where('p.active', '=', true);
  const rows = await q.orderBy('p.id').execute();
  return rows.map(({ n, ...r }) => ({ ...r, user_count: Number(n) }));
}

export async function getProfile(db: Executor, tenantId: string, id: number): Promise<ProfileView | null> {
  return (await listProfiles(db, tenantId)).find((p) => p.id === id) ?? null;
}

async function lockStream(db: Executor, type: string, tenantId: string): Promise<number> {
  const r = await sql<{ version: string }>`select version from es_streams
    where tenant_id = ${tenantId} and stream_type = ${type} and stream_id = ${tenantId} for update`.execute(db);
  return Number(r.rows[0]?.version ?? 0);
}

function checkPermissions(permissions: readonly string[]): string[] {
  const unknown = permissions.filter((p) => !isPermission(p));
  if (unknown.length > 0)
    throw new DomainError('invalid', 'unknown_permission', `unknown permission(s): ${unknown.join(', ')}`, { permissions: unknown });
  return [...new Set(permissions)].sort();
}

async function checkName(ctx: CommandContext, name: string, except: number | null) {
  const clash = await tenantRows(ctx.tx, ctx.tenantId, 'permission_profiles')
    .select('id')
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .executeTakeFirst();
  if (clash && clash.id !== except)
    throw new DomainError('conflict', 'profile_name_taken', `a permission profile named "${name}" exists`, { profileId: clash.id });
}

export async function createProfile(
  ctx: CommandContext,
  input: { name: string; description: string | null; permissions: readonly string[] },
): Promise<number> {
  const version = await lockStream(ctx.tx, 'permission_profiles', ctx.tenantId);
  const permissions = checkPermissions(input.permissions);
  await checkName(ctx, input.name, null);
  const max = await tenantRows(ctx.tx, ctx.tenantId, 'permission_profiles')
    .select((eb) => eb.fn.max('id').as('m'))
    .executeTakeFirst();
  const id = Number(max?.m ?? 0) + 1;
  await appendDecided(ctx, profilesStream(ctx.tenantId), version, [
    accessEvent('PermissionProfileCreated', { profile_id: id, name: input.name, description: input.description, permissions }),
  ]);
  return id;
}

export async function updateProfile(
  ctx: CommandContext,
  id: number,
  changes: { name?: string; description?: string | null; permissions?: readonly string[] },
): Promise<void> {
  const version = await lockStream(ctx.tx, 'permission_profiles', ctx.tenantId);
  const current = await getProfile(ctx.tx, ctx.tenantId, id);
  if (!current) throw notFound(id);
  const out: { name?: string; description?: string | null; permissions?: string[] } = {};
  if (changes.name !== undefined && changes.name !== current.name) {
    await checkName(ctx, changes.name, id);
    out.name = changes.name;
  }
  if (changes.description !== undefined && changes.description !== current.description) out.description = changes.description;
  if (changes.permissions !== undefined) {
    const p = checkPermissions(changes.permissions);
    if (JSON.stringify(p) !== JSON.stringify([...current.permissions].sort())) out.permissions = p;
  }
  if (Object.keys(out).length === 0) return;
  await appendDecided(ctx, profilesStream(ctx.tenantId), version, [
    accessEvent('PermissionProfileUpdated', { profile_id: id, changes: out }),
  ]);
}

export async function setProfileActive(ctx: CommandContext, id: number, active: boolean): Promise<void> {
  const version = await lockStream(ctx.tx, 'permission_profiles', ctx.tenantId);
  const current = await getProfile(ctx.tx, ctx.tenantId, id);
  if (!current) throw notFound(id);
  if (current.active === active) return;
  await appendDecided(ctx, profilesStream(ctx.tenantId), version, [
    accessEvent(active ? 'PermissionProfileActivated' : 'PermissionProfileDeactivated', { profile_id: id }),
  ]);
}

export interface OrgSettingView {
  key: OrgSettingKey;
  category: string;
  value: unknown;
  default: unknown;
  description: string;
  isDefault: boolean;
  updatedAt: Date | null;
}

export async function listOrgSettings(db: Executor, tenantId: string): Promise<OrgSettingView[]> {
  const rows = await db.selectFrom('org_settings').selectAll().where('tenant_id', '=', tenantId).execute();
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return (Object.keys(ORG_SETTINGS) as OrgSettingKey[]).map((key) => {
    const def = ORG_SETTINGS[key];
    const row = byKey.get(key);
    return {
      key,
      category: key.split('.')[0]!,
      value: row ? row.value : def.default,
      default: def.default,
      description: def.description,
      isDefault: !row,
      updatedAt: row?.updated_at ?? null,
    };
  });
}

/** Sets one known key; the value must already match its schema (the API layer parses it). */
export async function setOrgSetting(ctx: CommandContext, key: OrgSettingKey, value: unknown): Promise<void> {
  const version = await lockStream(ctx.tx, 'org_settings', ctx.tenantId);
  const row = await tenantRows(ctx.tx, ctx.tenantId, 'org_settings').select('value').where('key', '=', key).executeTakeFirst();
  if (row && JSON.stringify(row.value) === JSON.stringify(value)) return;
  await appendDecided(ctx, orgSettingsStream(ctx.tenantId), version, [accessEvent('OrgSettingChanged', { key, value: value as never })]);
}
