import { z } from 'zod';
import { contract, requiredText, text, timestamp } from './shared.ts';

// Notification templates (document 001, /api/v1/notifications/templates). The system templates
// come from the notification sources; a tenant admin may override any part of one (in-app title
// and body, email subject and body), and reset it. A template's id is its source's key
// (`sales.lead_assigned`): readable, stable across releases, and the preferences' eventKey.

const SELF = { permission: 'notifications.self' } as const;
const MANAGE = { permission: 'notifications.manage' } as const;

export const templateId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'a template key, e.g. sales.lead_assigned')
  .describe("the template's key, the notification's eventKey, e.g. sales.lead_assigned");

const PARTS = ['title', 'body', 'emailSubject', 'emailBody'] as const;
export const TemplateParts = z.object({
  title: z.string().describe('in-app title'),
  body: z.string().describe('in-app body'),
  emailSubject: z.string(),
  emailBody: z.string().describe('plain text; the HTML version is this text, escaped'),
});
export const OverrideParts = z.object({
  title: z.string().nullable(),
  body: z.string().nullable(),
  emailSubject: z.string().nullable(),
  emailBody: z.string().nullable(),
});

/** The lengths a customised part may have. */
const partInput = {
  title: requiredText(200),
  body: requiredText(2_000),
  emailSubject: requiredText(200),
  emailBody: requiredText(20_000),
};

export const TemplateSummary = z.object({
  id: z.string(),
  module: z.string(),
  label: z.string(),
  description: z.string(),
  customized: z.boolean(),
  customizedParts: z.array(z.enum(PARTS)),
  updatedAt: timestamp.nullable().describe("when the tenant last customised it; null: the system's"),
});

export const TemplateDetail = TemplateSummary.extend({
  variables: z.array(z.object({ name: z.string(), sample: z.string() })).describe('what `{{name}}` may name, with a sample value'),
  defaultChannels: z.object({ in_app: z.boolean(), email: z.boolean() }),
  system: TemplateParts.describe('the system template'),
  override: OverrideParts.nullable().describe("the tenant's override; a null part is the system's"),
  effective: TemplateParts.describe('what is sent: the override where it has parts, else the system template'),
  updatedBy: z.number().int().nullable(),
});

const byId = z.object({ id: templateId });

export const templates = {
  list: contract('notificationTemplates.list', {
    summary: 'List all notification templates grouped by module.',
    access: SELF,
    input: z.object({}).strict().optional(),
    output: z.object({
      modules: z.array(z.object({ module: z.string(), templates: z.array(TemplateSummary) })),
      total: z.number().int(),
    }),
  }),
  get: contract('notificationTemplates.get', {
    summary: 'Get template detail with subject, body, and variables.',
    access: SELF,
    input: byId,
    output: TemplateDetail,
  }),
  customize: contract('notificationTemplates.customize', {
    summary:
      'Save a custom override for a notification template: parts given change (null gives one back to the system), parts left out stay. A `{{name}}` the template does not know is a 400 naming it.',
    access: MANAGE,
    input: byId
      .extend(
        Object.fromEntries(PARTS.map((p) => [p, partInput[p].nullable().optional()])) as {
          [P in (typeof PARTS)[number]]: z.ZodOptional<z.ZodNullable<(typeof partInput)[P]>>;
        },
      )
      .strict(),
    output: TemplateDetail,
  }),
  preview: contract('notificationTemplates.preview', {
    summary:
      "Preview a template rendered with sample data (or the `variables` given), in-app and email (text and HTML); `template` previews unsaved parts over the tenant's.",
    access: SELF,
    input: byId
      .extend({
        variables: z
          .record(z.string().max(100), text(1_000))
          .refine((v) => Object.keys(v).length <= 50, 'at most 50 variables')
          .optional()
          .describe('values to render with; names left out take their sample value'),
        template: z
          .object(
            Object.fromEntries(PARTS.map((p) => [p, partInput[p].optional()])) as {
              [P in (typeof PARTS)[number]]: z.ZodOptional<(typeof partInput)[P]>;
            },
          )
          .strict()
          .optional(),
      })
      .strict(),
    output: z.object({
      id: z.string(),
      variables: z.record(z.string(), z.string()).describe('the values it was rendered with'),
      inApp: z.object({ title: z.string(), body: z.string() }),
      email: z.object({ subject: z.string(), text: z.string(), html: z.string() }),
    }),
  }),
  reset: contract('notificationTemplates.reset', {
    summary: 'Reset a customized template back to system default (404 when it has no override); answers the template as it now is.',
    access: MANAGE,
    input: byId,
    output: TemplateDetail,
  }),
};
