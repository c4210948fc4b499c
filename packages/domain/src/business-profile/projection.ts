import { rowStamp, typedRowProjection } from '../shared/events.ts';
import { BusinessProfileEvent, businessProfileEventSchemas, EMPTY_PROFILE } from './events.ts';
import './tables.ts';

/** One row per user: the profile's status and fields. A reset keeps the row (its version) with status none. */
export const businessProfilesProjection = typedRowProjection(businessProfileEventSchemas, {
  name: 'business_profile.profiles',
  table: 'business_profiles',
  key: 'user_id',
  columns: ['tenant_id', 'user_id', 'status', 'fields', 'completed_at', 'skipped_at', 'version', 'created_at', 'updated_at'],
  evolve(current, e) {
    const row = current ?? {
      tenant_id: e.tenantId,
      user_id: Number(e.streamId),
      created_at: e.occurredAt,
      ...rowStamp(e),
      status: 'none' as const,
      fields: EMPTY_PROFILE,
      completed_at: null,
      skipped_at: null,
    };
    const next = { ...row, ...rowStamp(e) };
    switch (e.type) {
      case BusinessProfileEvent.BusinessProfileCompleted:
        return { ...next, status: 'completed', fields: e.data.fields, completed_at: e.occurredAt, skipped_at: null };
      case BusinessProfileEvent.BusinessProfileUpdated:
        return { ...next, fields: { ...row.fields, ...e.data.changes } };
      case BusinessProfileEvent.BusinessProfileSkipped:
        return { ...next, status: 'skipped', fields: EMPTY_PROFILE, skipped_at: e.occurredAt, completed_at: null };
      case BusinessProfileEvent.BusinessProfileReset:
        return { ...next, status: 'none', fields: EMPTY_PROFILE, completed_at: null, skipped_at: null };
      default:
        return next;
    }
  },
});
