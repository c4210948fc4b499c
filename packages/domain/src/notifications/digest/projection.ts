import { rowStamp, typedRowProjection } from '../../shared/events.ts';
import { digestEventSchemas } from './events.ts';
import './tables.ts';

/** One row per user who ever changed their digest settings. */
export const digestSettingsProjection = typedRowProjection(digestEventSchemas, {
  name: 'notifications.digest_settings',
  table: 'notification_digest_settings',
  key: 'user_id',
  columns: ['tenant_id', 'user_id', 'frequency', 'local_time', 'timezone', 'weekday', 'version', 'updated_at'],
  keysOf: (e) => [String(e.data.user_id)],
  evolve: (_row, e) => ({
    tenant_id: e.tenantId,
    user_id: e.data.user_id,
    frequency: e.data.frequency,
    local_time: e.data.local_time,
    timezone: e.data.timezone,
    weekday: e.data.weekday,
    ...rowStamp(e),
  }),
});
