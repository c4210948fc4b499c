import { appendDecided, type CommandContext } from '../../shared/command.ts';
import { customizeTemplate, resetTemplate, type TemplatePatch } from './decide.ts';
import { type TemplateEvent, templateStream } from './events.ts';
import { findOverride, lockedVersion, templateSource } from './queries.ts';
import type { TemplateOverride } from './render.ts';

async function change(
  ctx: CommandContext,
  key: string,
  decide: (current: TemplateOverride | null) => TemplateEvent[],
): Promise<TemplateOverride | null> {
  const version = await lockedVersion(ctx.tx, ctx.tenantId, templateStream(key));
  await appendDecided(ctx, templateStream(key), version, decide(await findOverride(ctx.tx, ctx.tenantId, key)));
  return findOverride(ctx.tx, ctx.tenantId, key);
}

/** Saves the tenant's override of a template; answers the override after (null: back to the system's). */
export function saveTemplateOverride(ctx: CommandContext, key: string, patch: TemplatePatch): Promise<TemplateOverride | null> {
  const source = templateSource(key);
  return change(ctx, key, (current) => customizeTemplate(source, current, patch));
}

/** Removes the tenant's override of a template. */
export async function removeTemplateOverride(ctx: CommandContext, key: string): Promise<void> {
  const source = templateSource(key);
  await change(ctx, key, (current) => resetTemplate(source, current));
}
