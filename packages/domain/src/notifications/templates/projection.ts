import { actorOf, pick, rowCreated, rowStamp, typedRowProjection } from '../../shared/events.ts';
import { TemplateEvent, templateEventSchemas } from './events.ts';
import './tables.ts';

/** The row key of a tenant's override: a row projection keys on one column. */
export const overrideId = (tenantId: string, key: string) => `${tenantId}:${key}`;

/** The template's parts an override replaces, each kept as the event has it. */
const PARTS = ['title', 'body', 'email_subject', 'email_body'] as const;

/** One row per customised template of a tenant; a reset removes it. */
export const templateOverridesProjection = typedRowProjection(templateEventSchemas, {
  name: 'notifications.template_overrides',
  table: 'notification_template_overrides',
  columns: ['tenant_id', 'id', 'template_key', ...PARTS, 'updated_by', 'version', 'created_at', 'updated_at'],
  keysOf: (e) => [overrideId(e.tenantId, e.data.key)],
  evolve(row, e, id) {
    if (e.type === TemplateEvent.NotificationTemplateReset) return null;
    const d = e.data;
    return {
      ...(row ?? rowCreated(e, id)),
      ...rowStamp(e),
      template_key: d.key,
      ...pick(d, ...PARTS),
      updated_by: actorOf(e),
    };
  },
});
