import { actorOf, rowCreated, rowStamp, typedRowProjection } from '../../shared/events.ts';
import { TemplateEvent, templateEventSchemas } from './events.ts';
import './tables.ts';

/** The row key of a tenant's override: a row projection keys on one column. */
export const overrideId = (tenantId: string, key: string) => `${tenantId}:${key}`;

/** One row per customised template of a tenant; a reset removes it. */
export const templateOverridesProjection = typedRowProjection(templateEventSchemas, {
  name: 'notifications.template_overrides',
  table: 'notification_template_overrides',
  key: 'id',
  columns: [
    'tenant_id',
    'id',
    'template_key',
    'title',
    'body',
    'email_subject',
    'email_body',
    'updated_by',
    'version',
    'created_at',
    'updated_at',
  ],
  handles: Object.values(TemplateEvent),
  keysOf: (e) => [overrideId(e.tenantId, e.data.key)],
  evolve(row, e, id) {
    if (e.type === TemplateEvent.NotificationTemplateReset) return null;
    const d = e.data;
    return {
      ...(row ?? rowCreated(e, id)),
      ...rowStamp(e),
      template_key: d.key,
      title: d.title,
      body: d.body,
      email_subject: d.email_subject,
      email_body: d.email_body,
      updated_by: actorOf(e),
    };
  },
});
