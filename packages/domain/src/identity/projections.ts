import { pick, typedRowProjection } from '../shared/events.ts';
import { IdentityEvent, identityEventSchemas } from './events.ts';
import './tables.ts';
import { evolveUser, newUserRow, userLifecycleEventTypes } from './users/evolve.ts';

/** The events of a tenant's own stream, `tenant/<id>`; the users' are in users/evolve.ts. */
const tenantEventTypes = [
  IdentityEvent.TenantRegistered,
  IdentityEvent.TenantPlanChanged,
  IdentityEvent.TenantSuspended,
  IdentityEvent.TenantReactivated,
];

export const tenantsProjection = typedRowProjection(identityEventSchemas, {
  name: 'identity.tenants',
  table: 'tenants',
  columns: ['id', 'slug', 'name', 'plan', 'trial_ends_at', 'status', 'created_at', 'updated_at'],
  handles: tenantEventTypes,
  creates: [IdentityEvent.TenantRegistered],
  keysOf: (e) => [e.tenantId],
  evolve(row, e) {
    if (e.type === IdentityEvent.TenantRegistered) {
      const d = e.data;
      return {
        id: d.tenant_id,
        ...pick(d, 'slug', 'name', 'plan'),
        trial_ends_at: d.trial_ends_at ? new Date(d.trial_ends_at) : null,
        status: 'active',
        created_at: e.occurredAt,
        updated_at: e.occurredAt,
      };
    }
    if (!row) return null;
    if (e.type === IdentityEvent.TenantSuspended) return { ...row, status: 'suspended', updated_at: e.occurredAt };
    if (e.type === IdentityEvent.TenantReactivated) return { ...row, status: 'active', updated_at: e.occurredAt };
    const d = e.data;
    return { ...row, plan: d.plan, trial_ends_at: d.trial_ends_at ? new Date(d.trial_ends_at) : null, updated_at: e.occurredAt };
  },
});

export const usersProjection = typedRowProjection(identityEventSchemas, {
  name: 'identity.users',
  table: 'users',
  columns: [
    'tenant_id',
    'id',
    'email',
    'first_name',
    'last_name',
    'role',
    'status',
    'email_verified',
    'profile_id',
    'session_epoch',
    'created_at',
    'updated_at',
  ],
  handles: [
    IdentityEvent.UserRegistered,
    ...userLifecycleEventTypes,
    IdentityEvent.UserEmailVerified,
    IdentityEvent.UserPasswordChanged,
    IdentityEvent.UserSessionsRevoked,
  ],
  creates: [IdentityEvent.UserRegistered, IdentityEvent.UserInvited],
  keysOf: (e) => [String(e.data.user_id)],
  evolve(row, e) {
    if (e.type === IdentityEvent.UserEmailVerified) return row && { ...row, email_verified: true, updated_at: e.occurredAt };
    // Every access token issued before ends: the epoch it carries is now an old one.
    if (e.type === IdentityEvent.UserPasswordChanged || e.type === IdentityEvent.UserSessionsRevoked)
      return row && { ...row, session_epoch: row.session_epoch + 1 };
    if (e.type !== IdentityEvent.UserRegistered) return evolveUser(row, e);
    const d = e.data;
    return { ...newUserRow(e, d), status: d.status, email_verified: d.email_verified, profile_id: null, session_epoch: 0 };
  },
});

export const identityProjections = [tenantsProjection, usersProjection];
