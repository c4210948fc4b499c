import { inSystem } from '@crm/db';
import { appUrl as publicUrl } from '../mail/links.ts';
import { access, type CommandContext, DomainError, identity } from '@crm/domain';
import { forgetCredentials } from '../auth/credential-state.ts';
import { hashPassword } from '../auth/passwords.ts';
import { type ManagedUser, users } from '../contracts/users.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { mutation, publicMutation, query, router, type AuthedContext } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

export const managedUserDto = (u: identity.UsersTable): ManagedUser => ({
  id: u.id,
  email: u.email,
  firstName: u.first_name,
  lastName: u.last_name,
  role: u.role,
  status: u.status === 'invited' || u.status === 'inactive' ? u.status : 'active',
  emailVerified: u.email_verified,
  profileId: u.profile_id,
  createdAt: u.created_at.toISOString(),
  updatedAt: u.updated_at.toISOString(),
});

const actorOf = (ctx: AuthedContext): identity.users.Actor => ({ userId: ctx.principal.userId, role: ctx.principal.role });

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The invitation mail, in the outbox of the command's own transaction: nothing is sent if the command fails. */
export async function mailInvitation(c: CommandContext, userId: number, token: string): Promise<Date> {
  const [user, tenant] = await Promise.all([identity.getUser(c.tx, c.tenantId, userId), identity.getTenant(c.tx, c.tenantId)]);
  const link = `${publicUrl()}/accept-invitation?token=${encodeURIComponent(token)}`;
  const org = tenant?.name ?? 'your team';
  const now = c.clock.now();
  await enqueueMail(
    c.tx,
    c.tenantId,
    {
      kind: 'invitation',
      to: user!.email,
      subject: `You are invited to ${org}`,
      text: [
        `Hello ${user!.first_name},`,
        '',
        `You have been invited to ${org}. Choose your password here (valid for ${identity.users.INVITATION_TTL_DAYS} days, once):`,
        link,
      ].join('\n'),
      html: `<p>Hello ${escapeHtml(user!.first_name)},</p><p>You have been invited to ${escapeHtml(org)}. Choose your password here (valid for ${identity.users.INVITATION_TTL_DAYS} days, once):</p><p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
    },
    now,
  );
  return new Date(now.getTime() + identity.users.INVITATION_TTL_DAYS * 86_400_000);
}

/** A profile given to a user must exist and be active, and hold nothing the granting caller lacks. */
async function checkAssignable(c: CommandContext, ctx: AuthedContext, profileId: number | null | undefined): Promise<void> {
  if (profileId === null || profileId === undefined) return;
  const profile = await access.getProfile(c.tx, c.tenantId, profileId);
  if (!profile) throw new DomainError('not_found', 'profile_not_found', `permission profile ${profileId} not found`);
  if (!profile.active) throw new DomainError('conflict', 'profile_inactive', `permission profile ${profileId} is deactivated`);
  const lacking = profile.permissions.filter((p) => !ctx.principal.permissions.has(p));
  if (lacking.length > 0)
    throw new DomainError('forbidden', 'profile_exceeds_grantor', 'you cannot assign a profile holding permissions you lack', {
      permissions: lacking,
    });
}

async function reload(c: CommandContext, userId: number): Promise<ManagedUser> {
  const row = await identity.users.getLiveUser(c.tx, c.tenantId, userId);
  if (!row) throw new DomainError('not_found', 'user_not_found', `user ${userId} not found`);
  return managedUserDto(row);
}

export const usersRouter = router({
  create: mutation(users.create, async ({ ctx, input }) => {
    try {
      return await runCommand(ctx, async (c) => {
        await checkAssignable(c, ctx, input.profileId);
        const { userId, token } = await identity.users.inviteUser(c, actorOf(ctx), {
          email: input.email,
          firstName: input.firstName,
          lastName: input.lastName,
          role: input.role,
          profileId: input.profileId ?? null,
        });
        await mailInvitation(c, userId, token);
        return reload(c, userId);
      });
    } catch (error) {
      // Two invitations of one address at once: the unique index decides, the loser gets a 409.
      if ((error as { code?: string }).code === '23505') throw identity.users.emailInUse(input.email);
      throw error;
    }
  }),

  list: query(users.list, async ({ ctx, input }) => {
    const { rows, total } = await runQuery(ctx, (tx) =>
      identity.users.listUsers(tx, ctx.principal.tenantId, {
        page: input.page,
        pageSize: input.limit,
        search: input.search,
        status: input.status,
      }),
    );
    return { users: rows.map(managedUserDto), total, page: input.page, limit: input.limit, totalPages: Math.ceil(total / input.limit) };
  }),

  get: query(users.get, async ({ ctx, input }) => {
    const row = await runQuery(ctx, (tx) => identity.users.getLiveUser(tx, ctx.principal.tenantId, input.id));
    if (!row) throw new DomainError('not_found', 'user_not_found', `user ${input.id} not found`);
    return managedUserDto(row);
  }),

  update: mutation(users.update, async ({ ctx, input }) => {
    const { id, ...changes } = input;
    const out = await runCommand(ctx, async (c) => {
      await checkAssignable(c, ctx, changes.profileId);
      await identity.users.updateUser(c, actorOf(ctx), id, changes);
      return reload(c, id);
    });
    if (changes.status !== undefined || changes.role !== undefined || changes.profileId !== undefined) forgetCredentials();
    return out;
  }),

  deactivate: mutation(users.deactivate, async ({ ctx, input }) => {
    const out = await runCommand(ctx, async (c) => {
      await identity.users.deactivateUser(c, actorOf(ctx), input.id);
      return reload(c, input.id);
    });
    forgetCredentials();
    return out;
  }),

  activate: mutation(users.activate, async ({ ctx, input }) => {
    const out = await runCommand(ctx, async (c) => {
      await identity.users.activateUser(c, input.id);
      return reload(c, input.id);
    });
    forgetCredentials();
    return out;
  }),

  resendInvitation: mutation(users.resendInvitation, ({ ctx, input }) =>
    runCommand(ctx, async (c) => {
      const token = await identity.users.resendInvitation(c, input.id);
      const expires = await mailInvitation(c, input.id, token);
      const user = await reload(c, input.id);
      return { id: user.id, email: user.email, invitationExpiresAt: expires.toISOString() };
    }),
  ),

  acceptInvitation: publicMutation(users.acceptInvitation, async ({ ctx, input }) => {
    const tokenHash = identity.users.hashInvitationToken(input.token);
    // The token names its tenant: look it up before the tenant is known, then act inside it.
    const invitation = await inSystem(ctx.services.db, (tx) =>
      tx.selectFrom('user_invitations').select(['tenant_id', 'expires_at']).where('token_hash', '=', tokenHash).executeTakeFirst(),
    );
    if (!invitation) throw identity.users.invitationInvalid();
    if (invitation.expires_at.getTime() <= ctx.services.clock.now().getTime()) throw identity.users.invitationExpired();
    const passwordHash = await hashPassword(input.password);
    return runCommand({ ...ctx, tenantId: invitation.tenant_id }, async (c) => {
      const userId = await identity.users.acceptInvitation(c, tokenHash, passwordHash);
      return reload(c, userId);
    });
  }),

  erase: mutation(users.erase, async ({ ctx, input }) => {
    await runCommand(ctx, (c) => identity.users.eraseUser(c, actorOf(ctx), input.id));
    forgetCredentials();
    return { id: input.id, erased: true as const };
  }),
});
