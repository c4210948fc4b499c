import { DomainError } from '../../shared/errors.ts';
import type { NotificationSource } from '../source.ts';
import { type TemplateEvent, templateEvent } from './events.ts';
import { placeholdersOf, TEMPLATE_PARTS, type TemplateOverride, type TemplatePart } from './render.ts';

// A tenant's decisions on one template, pure: the source (its variables), the override as it
// stands (null: none) and what the admin asks for, to the events that record it or a refusal.

/** Parts to change: a string sets the part, null gives it back to the system, left out keeps it. */
export type TemplatePatch = Partial<Record<TemplatePart, string | null>>;

/** Names a template or a preview uses that the source does not know: a 400 naming them (and the parts that use them). */
export function refuseUnknownNames(
  source: Pick<NotificationSource, 'variables'>,
  names: readonly string[],
  parts: readonly string[] = [],
): void {
  const allowed = Object.keys(source.variables);
  const unknown = [...new Set(names.filter((n) => !allowed.includes(n)))];
  if (unknown.length === 0) return;
  const braced = (list: string[]) => list.map((n) => `{{${n}}}`).join(', ');
  throw new DomainError(
    'invalid',
    'unknown_template_variables',
    `unknown template variable${unknown.length > 1 ? 's' : ''} ${braced(unknown)}; this template knows ${allowed.length > 0 ? braced(allowed) : 'no variables'}`,
    { unknown, parts: [...parts], allowed },
  );
}

/** Every `{{name}}` a text uses must be one of the source's variables. */
export function refuseUnknownVariables(source: Pick<NotificationSource, 'variables'>, patch: TemplatePatch): void {
  const allowed = Object.keys(source.variables);
  const used = TEMPLATE_PARTS.flatMap((part) => {
    const text = patch[part];
    return typeof text === 'string' ? placeholdersOf(text).map((name) => ({ part, name })) : [];
  }).filter((u) => !allowed.includes(u.name));
  refuseUnknownNames(
    source,
    used.map((u) => u.name),
    [...new Set(used.map((u) => u.part))],
  );
}

const noOverride: TemplateOverride = { title: null, body: null, emailSubject: null, emailBody: null };

/**
 * Saves the tenant's override of a template: the parts given change, the others stay as they
 * are. The same override again records nothing; an override with every part back to the
 * system's is a reset.
 */
export function customizeTemplate(
  source: Pick<NotificationSource, 'key' | 'variables'>,
  current: TemplateOverride | null,
  patch: TemplatePatch,
): TemplateEvent[] {
  if (!TEMPLATE_PARTS.some((p) => patch[p] !== undefined)) {
    throw new DomainError('invalid', 'nothing_to_customize', `give at least one of ${TEMPLATE_PARTS.join(', ')}`);
  }
  refuseUnknownVariables(source, patch);
  const before = current ?? noOverride;
  const next = { ...before };
  for (const p of TEMPLATE_PARTS) if (patch[p] !== undefined) next[p] = patch[p];
  if (TEMPLATE_PARTS.every((p) => next[p] === before[p])) return [];
  if (TEMPLATE_PARTS.every((p) => next[p] === null))
    return current ? [templateEvent('NotificationTemplateReset', { key: source.key })] : [];
  return [
    templateEvent('NotificationTemplateCustomized', {
      key: source.key,
      title: next.title,
      body: next.body,
      email_subject: next.emailSubject,
      email_body: next.emailBody,
    }),
  ];
}

/** Back to the system template; a template the tenant never customised has no override to remove (404). */
export function resetTemplate(source: Pick<NotificationSource, 'key'>, current: TemplateOverride | null): TemplateEvent[] {
  if (!current) {
    throw new DomainError('not_found', 'template_override_not_found', `template ${source.key} has no custom override; it is the system's`);
  }
  return [templateEvent('NotificationTemplateReset', { key: source.key })];
}
