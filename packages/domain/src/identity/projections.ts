import { rowProjection, type StoredEvent } from '@crm/eventstore';
import { IdentityEvent, type TenantPlanChanged, type TenantRegistered, type UserRegistered } from './events.ts';
import type { TenantsTable, UsersTable } from './tables.ts';

export const tenantsProjection = rowProjection<TenantsTable & Record<string, unknown>>({
  name: 'identity.tenants',
  table: 'tenants',
  key: 'id',
  columns: ['id', 'slug', 'name', 'plan', 'trial_ends_at', 'status', 'created_at', 'updated_at'],
  handles: [IdentityEvent.TenantRegistered, IdentityEvent.TenantPlanChanged],
  creates: [IdentityEvent.TenantRegistered],
  keysOf: (e) => [e.tenantId],
  evolve(row, e: StoredEvent) {
    if (e.type === IdentityEvent.TenantRegistered) {
      const d = e.data as TenantRegistered;
      return {
        id: d.tenant_id, slug: d.slug, name: d.name, plan: d.plan,
        trial_ends_at: d.trial_ends_at ? new Date(d.trial_ends_at) : null,
        status: 'active', created_at: e.occurredAt, updated_at: e.occurredAt,
      };
    }
    if (!row) return null;
    const d = e.data as TenantPlanChanged;
    return { ...row, plan: d.plan, trial_ends_at: d.trial_ends_at ? new Date(d.trial_ends_at) : null, updated_at: e.occurredAt };
  },
});

export const usersProjection = rowProjection<UsersTable & Record<string, unknown>>({
  name: 'identity.users',
  table: 'users',
  key: 'id',
  columns: ['tenant_id', 'id', 'email', 'first_name', 'last_name', 'role', 'status', 'email_verified', 'created_at', 'updated_at'],
  handles: [IdentityEvent.UserRegistered],
  creates: [IdentityEvent.UserRegistered],
  keysOf: (e) => [String((e.data as UserRegistered).user_id)],
  evolve(_row, e) {
    const d = e.data as UserRegistered;
    return {
      tenant_id: e.tenantId, id: d.user_id, email: d.email, first_name: d.first_name, last_name: d.last_name,
      role: d.role, status: d.status, email_verified: d.email_verified, created_at: e.occurredAt, updated_at: e.occurredAt,
    };
  },
});

export const identityProjections = [tenantsProjection, usersProjection];
