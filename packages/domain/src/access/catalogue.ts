import { PERMISSIONS, type Permission } from '../identity/roles.ts';

/** Every permission of roles.ts, with the area it belongs to and what it allows (GET /api/v1/profiles/permissions). */
export const PERMISSION_INFO: Record<Permission, { area: string; description: string }> = {
  'profile.self': { area: 'account', description: "One's own session, profile and preferences" },
  'crm.stages.read': { area: 'pipeline', description: 'Read pipeline stages' },
  'crm.stages.write': { area: 'pipeline', description: 'Create, change and remove pipeline stages' },
  'crm.deals.read': { area: 'pipeline', description: 'Read deals, their contacts and activities' },
  'crm.deals.write': { area: 'pipeline', description: 'Create, change, move and remove deals' },
  'crm.deals.export': { area: 'pipeline', description: 'Export deals as CSV' },
  'users.read': { area: 'users', description: 'Read the users and permission profiles of the tenant' },
  'users.write': { area: 'users', description: 'Invite users and change their name, role or profile' },
  'users.admin': { area: 'users', description: 'Deactivate, reactivate, re-invite and erase users' },
  'api_keys.manage': { area: 'api_keys', description: 'Create and revoke API keys' },
  'tenant.read': { area: 'tenant', description: 'Read the tenant and its organization settings' },
  'events.read': { area: 'tenant', description: 'Read the event log' },
  'email_settings.read': { area: 'email', description: 'Read email settings other than SMTP' },
  'email_settings.manage': { area: 'email', description: 'SMTP settings, every change of email settings, the mail outbox' },
  'profiles.manage': { area: 'users', description: 'Create, change, deactivate and reactivate permission profiles' },
  'org_settings.manage': { area: 'tenant', description: 'Change organization settings' },
  'Ibl.CRM/Persons/list': { area: 'persons', description: 'List persons' },
  'Ibl.CRM/Persons/read': { area: 'persons', description: 'Read a person' },
  'Ibl.CRM/Persons/write': { area: 'persons', description: 'Create and change persons' },
  'Ibl.CRM/Persons/delete': { area: 'persons', description: 'Delete persons' },
  'Ibl.CRM/Organizations/list': { area: 'organizations', description: 'List organizations' },
  'Ibl.CRM/Organizations/read': { area: 'organizations', description: 'Read an organization' },
  'Ibl.CRM/Organizations/write': { area: 'organizations', description: 'Create and change organizations' },
  'Ibl.CRM/Organizations/delete': { area: 'organizations', description: 'Delete organizations' },
  'Ibl.CRM/Invite/action': { area: 'persons', description: 'Invite a person to the platform (creates a pending user)' },
  'registry.read': { area: 'registry', description: 'Search and read canonical entities, their links, genealogy, timeline and profile' },
  'registry.write': { area: 'registry', description: 'Register canonical entities and link or unlink records of other apps' },
  'registry.merge': { area: 'registry', description: 'Merge two canonical entities' },
  'platform_events.read': { area: 'platform_events', description: 'Read the platform events of an entity and their summaries' },
  'platform_events.write': { area: 'platform_events', description: 'Write platform events' },
  'privacy.erase': { area: 'privacy', description: "Erase a person's personal data for good" },
  'teams.read': { area: 'teams', description: 'See the teams one belongs to, their members and activity' },
  'teams.write': { area: 'teams', description: 'Create teams (the creator becomes their owner)' },
  'notifications.self': { area: 'notifications', description: 'One’s own notifications, preferences, Do Not Disturb and digest settings' },
  'notifications.manage': { area: 'notifications', description: 'Customize notification templates and rules, read delivery analytics' },
  'chat.use': { area: 'chat', description: 'Direct and group chat' },
  'reports.read': { area: 'reports', description: 'Read benchmark reports and scheduled reports' },
  'reports.schedule': { area: 'reports', description: 'Create, change and cancel scheduled reports' },
  'analytics.track': { area: 'analytics', description: 'Record usage events' },
  'analytics.read': { area: 'analytics', description: 'Read the traffic rollup' },
  'billing.read': { area: 'billing', description: 'Read the billing status' },
  'billing.manage': { area: 'billing', description: 'Start a checkout, open the billing portal, cancel the subscription' },
  'setup.read': { area: 'setup', description: 'Read the setup hub' },
  'setup.manage': { area: 'setup', description: 'Change setup tasks, run the auto-check, complete the setup' },
};

export const permissionCatalogue = () => PERMISSIONS.map((id) => ({ id, ...PERMISSION_INFO[id] }));

export function isPermission(p: string): p is Permission {
  return (PERMISSIONS as readonly string[]).includes(p);
}
