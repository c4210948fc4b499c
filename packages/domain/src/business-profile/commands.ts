import { appendDecided, type CommandContext } from '../shared/command.ts';
import { DomainError } from '../shared/errors.ts';
import { createProfile, type ProfilePatch, type ProfileState, resetProfile, skipProfile, updateProfile } from './decide.ts';
import { type BusinessProfileEvent, businessProfileStream } from './events.ts';
import { getBusinessProfile, type ProfileView } from './queries.ts';

// The caller's own business profile: load, decide, append, answer the profile as it now stands.
// Two requests of one user at once: the second append fails its version check and runCommand
// decides it again on the new state.

function callerOf(ctx: CommandContext): number {
  if (ctx.userId === null) throw new DomainError('forbidden', 'user_required', 'a business profile belongs to a user: call as one');
  return ctx.userId;
}

async function change(ctx: CommandContext, decide: (state: ProfileState) => BusinessProfileEvent[]): Promise<ProfileView> {
  const userId = callerOf(ctx);
  const current = await getBusinessProfile(ctx.tx, ctx.tenantId, userId);
  const events = decide(current);
  if (events.length === 0) return current;
  await appendDecided(ctx, businessProfileStream(userId), current.version, events);
  return getBusinessProfile(ctx.tx, ctx.tenantId, userId);
}

export const createBusinessProfile = (ctx: CommandContext, fields: ProfilePatch) => change(ctx, (s) => createProfile(s, fields));
export const updateBusinessProfile = (ctx: CommandContext, patch: ProfilePatch) => change(ctx, (s) => updateProfile(s, patch));
export const skipBusinessProfile = (ctx: CommandContext) => change(ctx, skipProfile);
export const resetBusinessProfile = (ctx: CommandContext) => change(ctx, resetProfile);
