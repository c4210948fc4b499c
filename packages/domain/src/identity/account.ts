import { appendFacts, type CommandContext } from '../shared/command.ts';
import { type UserPasswordChanged, credentialEvent } from './credentials.ts';
import { userStream } from './events.ts';

// Commands of a user's own account (the self-service paths): the facts they append.

/** Records that a user's password was replaced (the caller writes the hash, in the same transaction). */
export async function recordPasswordChanged(ctx: CommandContext, userId: number, via: UserPasswordChanged['via']): Promise<void> {
  await appendFacts(ctx, userStream(userId), [credentialEvent('UserPasswordChanged', { user_id: userId, via })]);
}

/** Records that the user ended every session (logout-all): the users projection bumps their session epoch. */
export async function recordSessionsRevoked(ctx: CommandContext, userId: number): Promise<void> {
  await appendFacts(ctx, userStream(userId), [credentialEvent('UserSessionsRevoked', { user_id: userId })]);
}

/** Marks the user's address verified; nothing when it already is. */
export async function recordEmailVerified(ctx: CommandContext, userId: number, email: string, alreadyVerified: boolean): Promise<void> {
  if (alreadyVerified) return;
  await appendFacts(ctx, userStream(userId), [credentialEvent('UserEmailVerified', { user_id: userId, email })]);
}
