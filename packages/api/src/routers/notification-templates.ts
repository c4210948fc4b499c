import { notificationTemplates as domain, type notifications } from '@crm/domain';
import type { z } from 'zod';
import * as c from '../contracts/notification-templates.ts';
import { mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// Notification templates (document 001): the system templates of the notification sources, and
// each tenant's overrides of them.

type Source = notifications.NotificationSource;
type Row = domain.NotificationTemplateOverridesTable | undefined;

function summaryDto(source: Source, row: Row): z.output<typeof c.TemplateSummary> {
  const override = row ? domain.overrideOf(row) : null;
  return {
    id: source.key,
    module: source.module,
    label: source.label,
    description: source.description,
    customized: override !== null,
    customizedParts: override ? domain.TEMPLATE_PARTS.filter((p) => override[p] !== null) : [],
    updatedAt: row ? new Date(row.updated_at).toISOString() : null,
  };
}

function detailDto(source: Source, row: Row): z.output<typeof c.TemplateDetail> {
  const override = row ? domain.overrideOf(row) : null;
  return {
    ...summaryDto(source, row),
    variables: Object.entries(source.variables).map(([name, sample]) => ({ name, sample })),
    defaultChannels: { in_app: source.defaultChannels.in_app, email: source.defaultChannels.email },
    system: { ...source.template },
    override,
    effective: domain.effectiveTemplate(source, override),
    updatedBy: row?.updated_by ?? null,
  };
}

export const notificationTemplatesRouter = router({
  list: query(c.templates.list, async ({ ctx }) => {
    const overrides = await runQuery(ctx, (tx) => domain.overridesOf(tx, ctx.principal.tenantId));
    const modules = new Map<string, z.output<typeof c.TemplateSummary>[]>();
    for (const source of domain.allTemplateSources()) {
      const list = modules.get(source.module) ?? [];
      list.push(summaryDto(source, overrides.get(source.key)));
      modules.set(source.module, list);
    }
    return {
      modules: [...modules].map(([module, templates]) => ({ module, templates })),
      total: domain.allTemplateSources().length,
    };
  }),
  get: query(c.templates.get, async ({ ctx, input }) => {
    const source = domain.templateSource(input.id);
    return detailDto(source, await runQuery(ctx, (tx) => domain.findOverrideRow(tx, ctx.principal.tenantId, source.key)));
  }),
  customize: mutation(c.templates.customize, async ({ ctx, input }) => {
    const { id, ...patch } = input;
    const source = domain.templateSource(id);
    return runCommand(ctx, async (cmd) => {
      await domain.saveTemplateOverride(cmd, source.key, patch);
      return detailDto(source, await domain.findOverrideRow(cmd.tx, cmd.tenantId, source.key));
    });
  }),
  preview: query(c.templates.preview, async ({ ctx, input }) => {
    const source = domain.templateSource(input.id);
    const draft = input.template ?? {};
    domain.refuseUnknownVariables(source, draft);
    domain.refuseUnknownNames(source, Object.keys(input.variables ?? {}));
    const override = await runQuery(ctx, (tx) => domain.findOverride(tx, ctx.principal.tenantId, source.key));
    const template = { ...domain.effectiveTemplate(source, override), ...draft };
    const variables = { ...source.variables, ...input.variables };
    return {
      id: source.key,
      variables,
      inApp: domain.renderInAppWith(template, variables),
      email: domain.renderEmailWith(template, variables),
    };
  }),
  reset: mutation(c.templates.reset, async ({ ctx, input }) => {
    const source = domain.templateSource(input.id);
    await runCommand(ctx, (cmd) => domain.removeTemplateOverride(cmd, source.key));
    return detailDto(source, undefined);
  }),
});
