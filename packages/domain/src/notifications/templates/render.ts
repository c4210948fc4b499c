import type { Tx } from '@crm/db';
import type { NotificationSource } from '../source.ts';
import { findOverride } from './queries.ts';

// Rendering a notification from its template: `{{name}}` (spaces inside the braces allowed) is
// replaced by the variable's value; a name without a value renders empty. The in-app parts and
// the email text are plain text; the email's HTML is the text escaped, with its line breaks kept.

/** The four parts of a template: in-app title and body, email subject and body. */
export interface TemplateText {
  title: string;
  body: string;
  emailSubject: string;
  emailBody: string;
}
export const TEMPLATE_PARTS = ['title', 'body', 'emailSubject', 'emailBody'] as const;
export type TemplatePart = (typeof TEMPLATE_PARTS)[number];

/** A tenant's override: null parts are the system's. */
export type TemplateOverride = { [P in TemplatePart]: string | null };

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** The variable names a template text uses, each once, in order of appearance. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** The text with each `{{name}}` replaced by its value (passed through `encode`), missing ones empty. */
export function fill(text: string, variables: Readonly<Record<string, string>>, encode: (s: string) => string = (s) => s): string {
  return text.replace(PLACEHOLDER, (_, name: string) => encode(Object.hasOwn(variables, name) ? String(variables[name]) : ''));
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Plain text as HTML: escaped, blank lines as paragraphs, other line breaks as <br>. */
export function textAsHtml(escaped: string): string {
  return escaped
    .split(/\r?\n\s*\r?\n/)
    .map((p) => `<p>${p.replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
}

/** A subject is one line: line breaks become spaces. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

export interface RenderedInApp {
  title: string;
  body: string;
}
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** The template a tenant uses: its override's parts where it has them, the system's elsewhere. */
export function effectiveTemplate(source: Pick<NotificationSource, 'template'>, override: TemplateOverride | null): TemplateText {
  const t = source.template;
  return {
    title: override?.title ?? t.title,
    body: override?.body ?? t.body,
    emailSubject: override?.emailSubject ?? t.emailSubject,
    emailBody: override?.emailBody ?? t.emailBody,
  };
}

export function renderInAppWith(t: TemplateText, variables: Readonly<Record<string, string>>): RenderedInApp {
  return { title: oneLine(fill(t.title, variables)), body: fill(t.body, variables) };
}

export function renderEmailWith(t: TemplateText, variables: Readonly<Record<string, string>>): RenderedEmail {
  return {
    subject: oneLine(fill(t.emailSubject, variables)),
    text: fill(t.emailBody, variables),
    html: textAsHtml(fill(escapeHtml(t.emailBody), variables, escapeHtml)),
  };
}

type Renderer<R> = (tx: Tx, tenantId: string, source: NotificationSource, variables: Readonly<Record<string, string>>) => Promise<R>;

/** A renderer with the tenant's template (its override where it has parts, the system's elsewhere). */
const withTenantTemplate =
  <R>(render: (t: TemplateText, variables: Readonly<Record<string, string>>) => R): Renderer<R> =>
  async (tx, tenantId, source, variables) =>
    render(effectiveTemplate(source, await findOverride(tx, tenantId, source.key)), variables);

/** The in-app title and body of a notification, with the tenant's template (or the system's). */
export const renderInApp: Renderer<RenderedInApp> = withTenantTemplate(renderInAppWith);

/** The email subject, text and HTML of a notification, with the tenant's template (or the system's). */
export const renderEmail: Renderer<RenderedEmail> = withTenantTemplate(renderEmailWith);
