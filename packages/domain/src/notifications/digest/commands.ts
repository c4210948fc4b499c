import { appendDecided, type CommandContext } from '../../shared/command.ts';
import { changeDigestSettings } from './decide.ts';
import { digestStream } from './events.ts';
import { lockedVersion } from '../templates/queries.ts';
import { type DigestSettingsView, getDigestSettings } from './queries.ts';
import type { DigestSettings } from './schedule.ts';

/** Changes the acting user's digest settings; answers them as they stand after. */
export async function updateDigestSettings(
  ctx: CommandContext,
  userId: number,
  patch: Partial<DigestSettings>,
): Promise<DigestSettingsView> {
  const version = await lockedVersion(ctx.tx, ctx.tenantId, digestStream(userId));
  const { settings } = await getDigestSettings(ctx.tx, ctx.tenantId, userId);
  await appendDecided(ctx, digestStream(userId), version, changeDigestSettings(userId, settings, patch));
  return getDigestSettings(ctx.tx, ctx.tenantId, userId);
}
