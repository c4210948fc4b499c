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
  /** Deactivate, reactivate, re-invite and erase users: tenant_admin only. */
  'users.admin',
  'api_keys.manage',
  'tenant.read',
  'events.read',
  /** Email settings other than SMTP (sender, tracking, compliance, footer, deliverability, status): every role reads them. */
  'email_settings.read',
  /** SMTP settings, every change of email settings, the mail outbox: tenant_admin only. */
  'email_settings.manage',
  /** Create, change, deactivate and reactivate permission profiles: tenant_admin only. */
  'profiles.manage',
  /** Change organization settings (/api/v1/org-settings): tenant_admin only; every role reads them (tenant.read). */
  'org_settings.manage',
  /** Document 003's persons and organizations, by its own permission strings. */
  'Ibl.CRM/Persons/list',
  'Ibl.CRM/Persons/read',
  'Ibl.CRM/Persons/write',
  'Ibl.CRM/Persons/delete',
  'Ibl.CRM/Organizations/list',
  'Ibl.CRM/Organizations/read',
  'Ibl.CRM/Organizations/write',
  'Ibl.CRM/Organizations/delete',
  /** Document 003's invite of a person: it creates a platform user, so tenant_admin and manager (who invite users). */
  'Ibl.CRM/Invite/action',
  /** Document 001's entity registry: search, browse, look up, genealogy, timeline, profile. Every role. */
  'registry.read',
  /** Register, link, auto-link and unlink records: user, manager, tenant_admin. */
  'registry.write',
  /** Merge two canonical entities: manager and tenant_admin. */
  'registry.merge',
  /** Document 001's platform events of an entity, and their summaries. Every role. */
  'platform_events.read',
  /** Write platform events (one, or a batch of up to 500): user, manager, tenant_admin. */
  'platform_events.write',
  /** Erase a person's personal data for good (crypto-shredding): tenant_admin only. */
  'privacy.erase',
  /** Document 000's teams and org: see the teams one belongs to. Every role; a team's own roles (owner, admin, member, viewer) decide the rest. */
  'teams.read',
  /** Create teams (the creator becomes owner): user, manager, tenant_admin. */
  'teams.write',
  /** One's own notifications: inbox, read state, preferences, Do Not Disturb, digest settings, template previews. Every role. */
  'notifications.self',
  /** The tenant's notification templates, rules and delivery analytics: tenant_admin. */
  'notifications.manage',
  /** Chat: direct and group channels, messages. Every role. */
  'chat.use',
  /** Document 000's benchmark reports and their PDF, and the schedules: every role reads. */
  'reports.read',
  /** Create, change and cancel scheduled reports: user, manager, tenant_admin. */
  'reports.schedule',
  /** Record usage events (POST /v1/analytics/track): every role, every plan. */
  'analytics.track',
  /** Read the 30-day traffic rollup: tenant_admin ("Admin only"). */
  'analytics.read',
  /** The tenant's billing status: every role. */
  'billing.read',
  /** Checkout, portal and cancel: tenant_admin. */
  'billing.manage',
  /** The setup hub's progress: every role. */
  'setup.read',
  /** Change setup tasks, run the auto-check, complete the setup: tenant_admin. */
  'setup.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ['profile.self', 'crm.stages.read', 'crm.deals.read', 'users.read', 'tenant.read', 'email_settings.read'];
// Everyone's own surfaces: teams they belong to, their notifications, chat, reports, usage tracking, billing and setup status.
READ.push('teams.read', 'notifications.self', 'chat.use', 'reports.read', 'analytics.track', 'billing.read', 'setup.read');
const WRITE: Permission[] = [...READ, 'crm.deals.write', 'crm.deals.export', 'api_keys.manage', 'teams.write', 'reports.schedule'];
// Document 003: every role reads persons and organizations; user, manager and tenant_admin write and delete them.
const CRM_READ: Permission[] = ['Ibl.CRM/Persons/list', 'Ibl.CRM/Persons/read', 'Ibl.CRM/Organizations/list', 'Ibl.CRM/Organizations/read'];
READ.push(...CRM_READ);
// Document 001's registry and platform events: every member reads, viewers do not write, merges are a manager's.
READ.push('registry.read', 'platform_events.read');
WRITE.push('registry.read', 'platform_events.read', 'registry.write', 'platform_events.write');
WRITE.push(...CRM_READ, 'Ibl.CRM/Persons/write', 'Ibl.CRM/Persons/delete', 'Ibl.CRM/Organizations/write', 'Ibl.CRM/Organizations/delete');

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  tenant_admin: PERMISSIONS,
  manager: [...WRITE, 'crm.stages.write', 'users.write', 'events.read', 'registry.merge', 'Ibl.CRM/Invite/action'],
  user: WRITE,
  viewer: READ,
};

export function isRole(r: string): r is Role {
  return (ROLES as readonly string[]).includes(r);
}

export function permissionsOf(role: string): readonly Permission[] {
  return isRole(role) ? ROLE_PERMISSIONS[role] : [];
}
