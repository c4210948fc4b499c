import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../../shared/events.ts';

// A tenant's customisations of the notification templates (document 001, /api/v1/notifications/
// templates): one stream per tenant and template, `notification_template/<key>`, where the key is
// the notification source's (`sales.lead_assigned`). Each event records the override as it stands
// after it; a null field is the system's template for that part.

const part = z.string().nullable();

export const NotificationTemplateCustomized = z.object({
  key: z.string(),
  title: part,
  body: part,
  email_subject: part,
  email_body: part,
});
/** Back to the system template, every part. */
export const NotificationTemplateReset = z.object({ key: z.string() });

export const {
  schemas: templateEventSchemas,
  types: TemplateEvent,
  event: templateEvent,
} = defineEvents({ NotificationTemplateCustomized, NotificationTemplateReset });

export type TemplateEvent = NewEventOf<typeof templateEventSchemas>;
export type StoredTemplateEvent = StoredEventOf<typeof templateEventSchemas>;

export const templateStream = (key: string) => ({ type: 'notification_template', id: key });
