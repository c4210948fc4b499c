/**
 * Roles of document 001 and the permissions each carries. Permissions are strings checked by the
 * router's middleware, so REST and tRPC cannot disagree about who may do what.
 */
export const ROLES = ['tenant_admin', 'manager', 'user', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** One's own session and profile: every role has it. */
  'profile.self',
  'crm.stages.read',
  'crm.stages.write',
  'crm.deals.read',
  'crm.deals.write',
  'crm.deals.export',
  'users.read',
  'users.write',
  'api_keys.manage',
  'tenant.read',
  'events.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ['profile.self', 'crm.stages.read', 'crm.deals.read', 'users.read', 'tenant.read'];
const WRITE: Permission[] = [...READ, 'crm.deals.write', 'crm.deals.export', 'api_keys.manage'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  tenant_admin: PERMISSIONS,
  manager: [...WRITE, 'crm.stages.write', 'users.write', 'events.read'],
  user: WRITE,
  viewer: READ,
};

export function isRole(r: string): r is Role {
  return (ROLES as readonly string[]).includes(r);
}

export function permissionsOf(role: string): readonly Permission[] {
  return isRole(role) ? ROLE_PERMISSIONS[role] : [];
}
