import { DomainError, identity } from '@crm/domain';
import { emailVerification, passwords, type Profile, preferences, profile } from '../contracts/account.ts';
import { changePassword, forgotPassword, resetPassword, sendEmailVerification, verifyEmail } from '../auth/self-service.ts';
import { type AuthedContext, mutation, publicMutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// A user's own account, under `auth` (see routers/identity.ts): passwords, email verification,
// profile and preferences.

export const passwordRouter = router({
  forgot: publicMutation(passwords.forgot, ({ ctx, input }) => forgotPassword(ctx.services, input)),
  reset: publicMutation(passwords.reset, ({ ctx, input }) => resetPassword(ctx, input)),
  change: mutation(passwords.change, ({ ctx, input }) => changePassword(ctx, input)),
});

export const emailRouter = router({
  verify: publicMutation(emailVerification.verify, ({ ctx, input }) => verifyEmail(ctx, input.token)),
  sendVerification: mutation(emailVerification.send, ({ ctx }) => sendEmailVerification(ctx)),
});

function profileDto(user: identity.UsersTable, p: identity.UserProfilesTable | null): Profile {
  return {
    userId: user.id,
    email: user.email,
    firstName: user.first_name,
    lastName: user.last_name,
    emailVerified: user.email_verified,
    phone: p?.phone ?? null,
    avatarUrl: p?.avatar_url ?? null,
    timezone: p?.timezone ?? null,
    locale: p?.locale ?? null,
    updatedAt: p?.updated_at.toISOString() ?? null,
  };
}

async function currentUser(ctx: AuthedContext) {
  const { tenantId, userId } = ctx.principal;
  const [user, p] = await runQuery(ctx, (tx) =>
    Promise.all([identity.getUser(tx, tenantId, userId), identity.getProfile(tx, tenantId, userId)]),
  );
  if (!user) throw new DomainError('unauthorized', 'user_not_found', 'the user of this token no longer exists');
  return { user, profile: p };
}

export const profileRouter = router({
  get: query(profile.get, async ({ ctx }) => {
    const { user, profile: p } = await currentUser(ctx);
    return profileDto(user, p);
  }),
  update: mutation(profile.update, async ({ ctx, input }) => {
    const { userId } = ctx.principal;
    const patch: Partial<identity.ProfileFields> = {
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      ...(input.avatarUrl !== undefined ? { avatar_url: input.avatarUrl } : {}),
      ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
      ...(input.locale !== undefined ? { locale: input.locale } : {}),
    };
    const { user, p } = await runCommand(ctx, async (c) => {
      const p = await identity.updateProfile(c, userId, patch);
      return { user: (await identity.getUser(c.tx, c.tenantId, userId))!, p };
    });
    return profileDto(user, p.updated_at.getTime() === 0 ? null : p);
  }),
});

export const preferencesRouter = router({
  get: query(preferences.get, async ({ ctx }) => (await currentUser(ctx)).profile?.preferences ?? {}),
  update: mutation(preferences.update, async ({ ctx, input }) => {
    const p = await runCommand(ctx, (c) => identity.updatePreferences(c, ctx.principal.userId, input as identity.Preferences));
    return p.preferences;
  }),
});
