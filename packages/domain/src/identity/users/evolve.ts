import { erasedUserFields } from '../../privacy/rules.ts';
import type { StoredEvent } from '@crm/eventstore';
import type { StoredEventOf, TableRow } from '../../shared/events.ts';
import '../tables.ts';
import { UserLifecycleEvent, type userLifecycleEventSchemas } from './events.ts';

export type UserLifecycleEventType = keyof typeof userLifecycleEventSchemas;
export const userLifecycleEventTypes = Object.values(UserLifecycleEvent);

/** Placeholders an erased user's row shows instead of their name and email. */
export const erasedUser = (userId: number) => erasedUserFields(userId);

/** The columns of a user's row that the event making the user (registered or invited) sets from its data. */
export const newUserRow = (e: StoredEvent, d: { user_id: number; email: string; first_name: string; last_name: string; role: string }) => ({
  tenant_id: e.tenantId,
  id: d.user_id,
  email: d.email,
  first_name: d.first_name,
  last_name: d.last_name,
  role: d.role,
  created_at: e.occurredAt,
  updated_at: e.occurredAt,
});

/** The users read model's fold of a managed user's life (its part of identity.users). */
export function evolveUser(row: TableRow<'users'> | null, e: StoredEventOf<typeof userLifecycleEventSchemas>): TableRow<'users'> | null {
  if (e.type === UserLifecycleEvent.UserInvited) {
    const d = e.data;
    return {
      ...row,
      ...newUserRow(e, d),
      status: 'invited',
      email_verified: false,
      profile_id: d.profile_id,
      session_epoch: row?.session_epoch ?? 0,
    };
  }
  if (!row) return null;
  const at = { updated_at: e.occurredAt };
  switch (e.type) {
    case UserLifecycleEvent.UserInvitationResent:
      return { ...row, ...at, status: 'invited' };
    case UserLifecycleEvent.UserInvitationAccepted:
      return { ...row, ...at, status: 'active', email_verified: true };
    case UserLifecycleEvent.UserUpdated:
      return { ...row, ...at, ...e.data.changes };
    case UserLifecycleEvent.UserDeactivated:
      // Reactivation does not bring back the tokens this ended: the user logs in again.
      return { ...row, ...at, status: 'inactive', session_epoch: row.session_epoch + 1 };
    case UserLifecycleEvent.UserActivated:
      return { ...row, ...at, status: 'active' };
    case UserLifecycleEvent.UserErased:
      return {
        ...row,
        ...at,
        ...erasedUser(row.id),
        status: 'erased',
        email_verified: false,
        profile_id: null,
        session_epoch: row.session_epoch + 1,
      };
  }
}
